"""A minutes file read again into a meeting that already has some of its resolutions:
the comparison says which, the person skips them or updates their text, and a
meeting that changed since the comparison refuses the commit (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from data_layer.commands.minutes import Reimport, commit_minutes, compare_with_meeting
from data_layer.commands.resolutions import add_resolution, update_resolution
from data_layer.db import read_session, write_session
from data_layer.errors import ValidationError
from data_layer.input.minutes import MinutesPreview
from data_layer.input.owners import OwnerSpec
from data_layer.models import HistoryEntry, Resolution
from data_layer.queries.resolutions import StoredResolution, stored_resolutions
from tests.data_layer.commands.test_minutes_import import (
    ALL,
    MINUTES_ROWS,
    Setup,
    commit,
    docx_file,
    preview_of,
    setup,
    stored_counts,
)
from tests.data_layer.commands.test_minutes_tables import docx_table

__all__ = ["setup"]

HEADER = ("ردیف", "شرح مصوبه", "مسوول پیگیری")
NEW_TEXT = "ارسال گزارش عملکرد فصلی توسط دستگاه‌ها به امور اجتماعی استانداری"


def stored(s: Setup) -> dict[int, StoredResolution]:
    with read_session(s.url) as session:
        return stored_resolutions(session, s.meeting_id)


def second_file(s: Setup) -> MinutesPreview:
    """The minutes again: resolution 5 reworded and a 15th resolution added."""
    rows: list[tuple[object, str, str]] = [
        (n, NEW_TEXT if n == 5 else t, o) for n, t, o in MINUTES_ROWS
    ]
    rows.append((15, "تشکیل کارگروه فرعی پایش خدمات در محلات هدف", ALL))
    return preview_of(s.url, "m.docx", docx_table(HEADER, rows))


def texts(s: Setup) -> dict[int, str]:
    return {n: r.text for n, r in stored(s).items()}


@pytest.fixture
def imported(setup: Setup) -> Setup:
    """Meeting 8 with the 14 resolutions of the minutes."""
    assert commit(setup, preview_of(setup.url, "m.docx", docx_file())) == 14
    return setup


def test_the_same_file_again_says_everything_is_there_and_writes_nothing(imported: Setup) -> None:
    preview = preview_of(imported.url, "m.docx", docx_file())
    seen = stored(imported)
    comparison = compare_with_meeting(preview, seen)
    assert (comparison.new, comparison.same, comparison.differs) == ((), tuple(range(1, 15)), ())
    before = stored_counts(imported.url)
    for update in (False, True):
        with pytest.raises(ValidationError) as raised:
            commit_again(imported, preview, Reimport(seen, update))
        assert "همهٔ مصوبات این پرونده در جلسه ۸ ثبت شده است" in raised.value.message
    assert stored_counts(imported.url) == before


def commit_again(s: Setup, preview: MinutesPreview, reimport: Reimport) -> int:
    with write_session(s.url) as session:
        return commit_minutes(
            session,
            actor=s.secretariat,
            meeting_id=s.meeting_id,
            preview=preview,
            reimport=reimport,
        )


def test_skipping_existing_ones_writes_only_the_new_resolution(imported: Setup) -> None:
    preview = second_file(imported)
    seen = stored(imported)
    comparison = compare_with_meeting(preview, seen)
    assert comparison.new == (15,) and comparison.differs == (5,)
    assert len(comparison.same) == 13
    before = texts(imported)
    assert commit_again(imported, preview, Reimport(seen, update=False)) == 1
    after = texts(imported)
    assert after == {**before, 15: "تشکیل کارگروه فرعی پایش خدمات در محلات هدف"}


def test_updating_existing_ones_changes_their_text_with_history(imported: Setup) -> None:
    preview = second_file(imported)
    seen = stored(imported)
    assert commit_again(imported, preview, Reimport(seen, update=True)) == 2
    now = stored(imported)
    assert len(now) == 15  # no duplicate
    assert now[5].text == NEW_TEXT and now[5].version == seen[5].version + 1
    assert {n: r for n, r in now.items() if n not in (5, 15)} == {
        n: r for n, r in seen.items() if n != 5
    }
    with read_session(imported.url) as session:
        history = session.exec(
            select(HistoryEntry).where(
                HistoryEntry.entity == "resolution",
                HistoryEntry.entity_id == seen[5].id,
                HistoryEntry.field == "text",
            )
        ).one()
    assert (history.old_value, history.new_value) == (MINUTES_ROWS[4][1], NEW_TEXT)


@pytest.mark.parametrize("change", ["added", "edited"])
def test_a_meeting_changed_since_the_preview_refuses_the_commit(
    imported: Setup, change: str
) -> None:
    preview = second_file(imported)
    seen = stored(imported)
    with write_session(imported.url) as session:
        if change == "added":
            add_resolution(
                session,
                actor=imported.secretariat,
                meeting_id=imported.meeting_id,
                number=15,
                text="مصوبه‌ای که دیگری هم‌زمان ثبت کرد",
                owners=OwnerSpec(True),
            )
        else:
            update_resolution(
                session, actor=imported.secretariat, resolution_id=seen[5].id, text="متن دیگر"
            )
    before = stored_counts(imported.url)
    with pytest.raises(ValidationError) as raised:
        commit_again(imported, preview, Reimport(seen, update=True))
    assert raised.value.message.startswith(
        "مصوبات جلسه ۸ پس از پیش‌نمایش این پرونده تغییر کرده است و چیزی ثبت نشد"
    )
    assert stored_counts(imported.url) == before


def test_an_unmatched_owner_of_an_existing_resolution_needs_no_decision(imported: Setup) -> None:
    rows = [(n, t, "سازمان ناشناخته" if n == 3 else o) for n, t, o in MINUTES_ROWS]
    rows.append((15, "مصوبهٔ تازه", ALL))
    preview = preview_of(imported.url, "m.docx", docx_table(HEADER, rows))
    assert preview.unmatched == [(3, "سازمان ناشناخته")]
    assert commit_again(imported, preview, Reimport(stored(imported))) == 1
    with read_session(imported.url) as session:
        count = session.exec(
            select(func.count())
            .select_from(Resolution)
            .where(Resolution.meeting_id == imported.meeting_id)
        ).one()
    assert count == 15
