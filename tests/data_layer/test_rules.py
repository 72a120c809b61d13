"""data_layer.rules: the domain's rules, asked by every command and import."""

from __future__ import annotations

import pytest

from data_layer.rules.progress import blocked_without_reason, status_progress_problem


@pytest.mark.parametrize(
    ("status", "progress"),
    [
        ("not_started", 0),
        ("in_progress", 15),
        ("in_progress", 0),
        ("blocked", 65),
        ("needs_follow_up", 40),
        ("done", 100),
    ],
)
def test_status_and_progress_that_agree_stand(status: str, progress: int) -> None:
    assert status_progress_problem(status, progress) is None


@pytest.mark.parametrize(
    ("status", "progress", "words"),
    [
        ("not_started", 15, ("«انجام نشده»", "۱۵٪", "«در حال انجام»")),
        ("done", 80, ("«انجام شده»", "۸۰٪")),
        ("in_progress", 100, ("۱۰۰٪", "«در حال انجام»")),
        ("blocked", 100, ("۱۰۰٪", "«متوقف»")),
    ],
)
def test_status_and_progress_that_contradict_are_named(
    status: str, progress: int, words: tuple[str, ...]
) -> None:
    problem = status_progress_problem(status, progress)
    assert problem is not None
    for word in words:
        assert word in problem


def test_a_row_newly_blocked_needs_a_word_and_one_already_blocked_does_not() -> None:
    assert blocked_without_reason("blocked", "in_progress", ("", " ")) is not None
    assert blocked_without_reason("blocked", "in_progress", ("", "منتظر اعتبار")) is None
    assert blocked_without_reason("blocked", "blocked", ("", "")) is None
    assert blocked_without_reason("in_progress", "blocked", ("", "")) is None
