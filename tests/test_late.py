"""Late work: due date, submission times and policy (coursekit/grading/late.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from coursekit.grading.late import LateError, LatePolicy, load_policy, read_times

UTC = UTC
DUE = datetime(2026, 12, 8, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(("submitted", "days"), [
    (DUE - timedelta(hours=1), 0),
    (DUE, 0),
    (DUE + timedelta(minutes=1), 1),
    (DUE + timedelta(hours=24), 1),
    (DUE + timedelta(hours=24, minutes=1), 2),
    (DUE + timedelta(days=10), 10),
])
def test_any_part_of_a_day_counts_as_a_day(submitted, days):
    assert LatePolicy(DUE, "percent-per-day", 10).days_late(submitted) == days


def test_grace_period_and_zones():
    policy = LatePolicy(DUE, "zero", grace=timedelta(minutes=15))
    assert policy.days_late(DUE + timedelta(minutes=15)) == 0
    assert policy.days_late(DUE + timedelta(minutes=16)) == 1
    # 18:10 in Paris (UTC+1) is 17:10 UTC: inside the grace period.
    paris = timezone(timedelta(hours=1))
    assert policy.days_late(datetime(2026, 12, 8, 18, 10, tzinfo=paris)) == 0
    # A time without a zone is read in the due date's zone.
    assert policy.days_late(datetime(2026, 12, 8, 17, 20)) == 1


@pytest.mark.parametrize(("kind", "percent", "days", "factor"), [
    ("none", 0, 5, 1.0), ("zero", 0, 0, 1.0), ("zero", 0, 1, 0.0),
    ("percent-per-day", 10, 1, 0.9), ("percent-per-day", 10, 3, 0.7),
    ("percent-per-day", 30, 4, 0.0),  # never below zero
    ("percent-per-day", 12.5, 2, 0.75),
])
def test_policies_compute_as_documented(kind, percent, days, factor):
    assert LatePolicy(DUE, kind, percent).factor(days) == pytest.approx(factor)


def test_load_policy_reads_grading_toml(tmp_path):
    assert load_policy(tmp_path) is None
    (tmp_path / "grading.toml").write_text(
        '[late]\ndue = "2026-12-08T17:00:00+00:00"\npolicy = "percent-per-day"\npercent = 10\n'
        'grace_minutes = 5\ntimes = "submitted.csv"\n', encoding="utf-8")
    policy = load_policy(tmp_path)
    assert policy == LatePolicy(DUE, "percent-per-day", 10.0, timedelta(minutes=5),
                                tmp_path / "submitted.csv")
    assert policy.describe() == "due 2026-12-08T17:00+00:00; 10% of the points lost per day late"


@pytest.mark.parametrize(("body", "message"), [
    ('[late]\ndue = "soon"\n', "due is 'soon'; expected a date and time"),
    ('[late]\ndue = 2026-12-08T17:00:00Z\npolicy = "halve"\n', "policy is 'halve'; expected one of"),
    ('[late]\ndue = 2026-12-08T17:00:00Z\npolicy = "percent-per-day"\n', "percent is 0; expected a number above 0"),
    ('[late]\ndue = 2026-12-08T17:00:00Z\ngrace_minutes = -1\n', "grace_minutes is -1"),
    ("[late\n", "not valid TOML"),
])
def test_bad_settings_are_plain_sentences_naming_the_file(tmp_path, body, message):
    (tmp_path / "grading.toml").write_text(body, encoding="utf-8")
    with pytest.raises(LateError, match="grading.toml: .*" + message.replace("(", r"\(")):
        load_policy(tmp_path)


def test_read_times_accepts_iso_and_moodle_forms_and_reports_bad_rows(tmp_path):
    path = tmp_path / "submitted.csv"
    path.write_text("Student,Submitted\nAlice,2026-12-08T17:03:00Z\nbob,\"Tuesday, 8 December 2026, 5:30 PM\"\n"
                    "carol,yesterday\n", encoding="utf-8")
    times, problems = read_times(path)
    assert times["alice"] == datetime(2026, 12, 8, 17, 3, tzinfo=UTC)
    assert times["bob"] == datetime(2026, 12, 8, 17, 30)
    assert problems == ["submitted.csv:4: column 'submitted': is 'yesterday'; expected a date and "
                        "time such as 2026-12-08T17:03:00+01:00"]


def test_one_exercise_notebook_reads_the_config_beside_it(tmp_path):
    """`coursekit grade … --exercises exercises/04_coding.ipynb`: the notebook is not the config."""
    source = tmp_path / "04_coding.ipynb"
    source.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', encoding="utf-8")
    assert load_policy(source) is None
