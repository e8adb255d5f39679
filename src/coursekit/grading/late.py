"""Late work: a due date, when each student handed in, and the course's policy.

The policy lives in the exercises folder's ``grading.toml`` (see
``docs/grading.md``)::

    [late]
    due = "2026-12-08T17:00:00+01:00"   # ISO 8601; no zone = the machine's local time
    policy = "percent-per-day"          # "none", "zero" or "percent-per-day"
    percent = 10                        # points lost per day late, as a share of the total
    grace_minutes = 15                  # handed in up to this long after the due time is on time
    times = "submitted.csv"             # optional: student,submitted (ISO 8601), e.g. from the LMS

A day late is any part of 24 hours past the due time (after the grace
period): 1 minute late is 1 day, 24 h 1 min is 2 days.

>>> from datetime import timezone
>>> policy = LatePolicy(due=datetime(2026, 12, 8, 17, tzinfo=timezone.utc), kind="percent-per-day", percent=10)
>>> policy.days_late(datetime(2026, 12, 9, 18, tzinfo=timezone.utc))
2
>>> policy.factor(2)
0.8
>>> LatePolicy(due=policy.due, kind="zero").factor(1)
0.0
"""

from __future__ import annotations

import csv
import io
import math
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .export import normalise_name

if TYPE_CHECKING:
    from .results import GradingReport

__all__ = ["KINDS", "LateError", "LatePolicy", "apply_late", "load_policy", "read_times"]

KINDS = ("none", "zero", "percent-per-day")
CONFIG_NAME = "grading.toml"


class LateError(ValueError):
    """A late-work setting that cannot be used: the file, the setting and the fix."""


def _aware(moment: datetime, like: datetime) -> datetime:
    """A time without a zone is read in the zone of ``like`` (the due date)."""
    if moment.tzinfo is not None:
        return moment
    zone = like.tzinfo if like.tzinfo is not None else datetime.now().astimezone().tzinfo
    return moment.replace(tzinfo=zone)


@dataclass(frozen=True)
class LatePolicy:
    due: datetime
    kind: str = "none"
    percent: float = 0.0
    grace: timedelta = timedelta(0)
    times: Path | None = None

    def days_late(self, submitted: datetime) -> int:
        """Whole days (any part counts) past the due time and the grace period; 0 when on time."""
        due = _aware(self.due, self.due)
        past = _aware(submitted, due) - due - self.grace
        if past <= timedelta(0):
            return 0
        return math.ceil(past / timedelta(days=1))

    def factor(self, days: int) -> float:
        """The share of the points kept after ``days`` days late."""
        if days <= 0 or self.kind == "none":
            return 1.0
        if self.kind == "zero":
            return 0.0
        return max(0.0, round(1.0 - self.percent / 100.0 * days, 10))

    def describe(self) -> str:
        """The policy in one sentence, for the feedback page and the summary."""
        when = self.due.isoformat(timespec="minutes")
        if self.kind == "none":
            return f"due {when}; late work is not penalised"
        if self.kind == "zero":
            return f"due {when}; work handed in late scores 0"
        return f"due {when}; {_short(self.percent)}% of the points lost per day late"


def _short(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _parse_time(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    # Moodle's grading worksheet writes e.g. "Monday, 8 December 2026, 5:03 PM".
    for fmt in ("%A, %d %B %Y, %I:%M %p", "%d %B %Y, %I:%M %p"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def load_policy(exercises: str | Path) -> LatePolicy | None:
    """The ``[late]`` table of ``EXERCISES/grading.toml``; None when there is none."""
    folder = Path(exercises)
    if folder.suffix == ".ipynb":  # --exercises may name one source: its folder's config applies
        folder = folder.parent
    path = folder / CONFIG_NAME if folder.is_dir() else folder
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LateError(f"{path}: not valid TOML ({exc}); fix the file or remove it") from None
    late = data.get("late")
    if late is None:
        return None
    if not isinstance(late, dict):
        raise LateError(f"{path}: 'late' must be a table ([late]); see docs/grading.md")
    kind = late.get("policy", "none")
    if kind not in KINDS:
        raise LateError(f"{path}: [late] policy is {kind!r}; expected one of: {', '.join(KINDS)}")
    due_value = late.get("due")
    if isinstance(due_value, datetime):
        due = due_value
    elif isinstance(due_value, str) and _parse_time(due_value) is not None:
        due = _parse_time(due_value)  # type: ignore[assignment]
    else:
        raise LateError(f"{path}: [late] due is {due_value!r}; expected a date and time such as "
                        "\"2026-12-08T17:00:00+01:00\"")
    percent = late.get("percent", 0)
    if kind == "percent-per-day" and (not isinstance(percent, int | float) or isinstance(percent, bool)
                                      or not 0 < percent <= 100):
        raise LateError(f"{path}: [late] percent is {percent!r}; expected a number above 0 and at most 100")
    grace = late.get("grace_minutes", 0)
    if not isinstance(grace, int) or isinstance(grace, bool) or grace < 0:
        raise LateError(f"{path}: [late] grace_minutes is {grace!r}; expected a whole number of minutes, 0 or more")
    times = late.get("times")
    if times is not None and not isinstance(times, str):
        raise LateError(f"{path}: [late] times is {times!r}; expected the name of a CSV file")
    return LatePolicy(due=due, kind=kind, percent=float(percent), grace=timedelta(minutes=grace),
                      times=(path.parent / times) if times else None)


def read_times(path: Path) -> tuple[dict[str, datetime], list[str]]:
    """``student,submitted`` rows: the times by student name (case-folded), and the problems."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise LateError(f"{path}: no such file (the submission times named in grading.toml)") from None
    except UnicodeDecodeError:
        raise LateError(f"{path}: not UTF-8 text; save it again as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [f.strip().casefold() for f in reader.fieldnames or []]
    if "student" not in fields or "submitted" not in fields:
        raise LateError(f"{path}: expected the columns 'student' and 'submitted'; found: "
                        + ", ".join(reader.fieldnames or []))
    times: dict[str, datetime] = {}
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        row = {k.strip().casefold(): (v or "") for k, v in row.items() if k is not None}
        name, value = row.get("student", "").strip(), row.get("submitted", "")
        if not name:
            continue
        when = _parse_time(value)
        if when is None:
            problems.append(f"{path.name}:{line}: column 'submitted': is {value!r}; expected a date "
                            "and time such as 2026-12-08T17:03:00+01:00")
            continue
        times[normalise_name(name)] = when
    return times, problems


def apply_late(report: GradingReport, paths: dict[str, list[Path]]) -> None:
    """Work out each student's lateness and penalty under ``report.late``.

    The times come from the policy's ``times`` file; without one, from the
    newest modification time of the student's notebooks, with a notice that
    those are unreliable.  A student missing from the times file is not
    checked (and named in a notice), never guessed late.
    """
    policy = report.late
    if policy is None:
        return
    times: dict[str, datetime] | None = None
    if policy.times is not None:
        times, problems = read_times(policy.times)
        report.notices += problems
    else:
        report.notices.append("late work: submission times are the notebook files' modification "
                              "times, which copying or unzipping changes; give [late] times in "
                              "grading.toml for reliable ones")
    unknown = []
    for student in report.students:
        if student.failed:
            continue
        if times is not None:
            when = times.get(normalise_name(student.name))
            if when is None:
                unknown.append(student.name)
                continue
        else:
            stamps = [p.stat().st_mtime for p in paths.get(student.name, []) if p.exists()]
            if not stamps:
                continue
            when = datetime.fromtimestamp(max(stamps)).astimezone()
        student.late_days = policy.days_late(when)
        before = sum(r.points for r in student.sets.values())
        student.penalty = round(before * (1.0 - policy.factor(student.late_days)), 4)
    if unknown:
        shown = ", ".join(unknown[:20]) + (", …" if len(unknown) > 20 else "")
        report.notices.append(f"late work: no submission time in {policy.times.name if policy.times else ''} "
                              f"for {len(unknown)} student(s), not checked: {shown}")
