"""Quiz exercises: questions, one judge per kind, answer reading, the student copy's check.

An exercise set is one instructor source notebook under ``exercises/``.  Each
question there is four cells, found by their tags (see
``docs/authoring-exercises.md``):

* a markdown cell tagged ``question:q1`` — the question as students read it;
* a raw cell tagged ``instructor`` and ``spec:q1`` — the question's spec in
  TOML (kind, points, options, where the key comes from, hint, explanation);
* a code cell tagged ``answer:q1`` — ``q1 = <literal>``: in the source the
  literal *is* the solution, in the student copy it is ``None``;
* a code cell tagged ``check:q1`` — ``quiz.check("q1", q1)``.

Keys are derived from the case data where the spec says so
(``key_from = {claim = "lavrov-no-change", field = "actor_id"}``), so a
corrected claim corrects the key.  The student copy never holds a key: it
gets a :class:`StudentCheck` (released notebooks call it ``SelfCheck``),
which compares salted SHA-256 digests of the normalised answer and decrypts
the explanation only with a correct answer.

Both sides judge with the same function per kind (:mod:`.judge`), and both
read the answer cell the way the grader does (:mod:`.answers`), so a check
never says "Correct." for an answer the grader scores 0.

Modules: :mod:`.feedback` (results, messages, tags), :mod:`.article` (text
keys, the article index), :mod:`.judge` (the judges, the ``QuizCheck``
protocol), :mod:`.answers` (reading answers), :mod:`.exercises` (questions,
keys, loading a source), :mod:`.selfcheck` (digests, the student copy's check).

>>> text_key("  ‘Lavrov’ ") == text_key("'lavrov'")
True
"""

from .answers import answer_source, parse_answer, read_answers
from .article import ArticleIndex, text_key
from .exercises import ExerciseSet, Question, load_exercise_set
from .feedback import (
    ANSWER_STATUSES,
    KINDS,
    QID,
    STATUSES,
    TAG_ANSWER,
    TAG_CHECK,
    TAG_INSTRUCTOR,
    TAG_QUESTION,
    TAG_SETUP,
    TAG_SPEC,
    UNANSWERED,
    Answer,
    ExerciseError,
    Feedback,
)
from .judge import QuizCheck, Rules, judge
from .selfcheck import SelfCheck, StudentCheck

__all__ = [
    "ANSWER_STATUSES",
    "KINDS",
    "QID",
    "STATUSES",
    "TAG_ANSWER",
    "TAG_CHECK",
    "TAG_INSTRUCTOR",
    "TAG_QUESTION",
    "TAG_SETUP",
    "TAG_SPEC",
    "UNANSWERED",
    "Answer",
    "ArticleIndex",
    "ExerciseError",
    "ExerciseSet",
    "Feedback",
    "Question",
    "QuizCheck",
    "Rules",
    "SelfCheck",
    "StudentCheck",
    "answer_source",
    "judge",
    "load_exercise_set",
    "parse_answer",
    "read_answers",
    "text_key",
]
