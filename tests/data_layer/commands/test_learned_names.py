"""Learned names: an owner name matched by hand in the minutes and remembered becomes a
name of that agency, so the next file matches it by itself; never for an agency that
has left; taken back from the registry (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from data_layer.commands.agencies import merge_agency
from data_layer.commands.aliases import forget_learned_name, remember_names
from data_layer.commands.minutes import commit_minutes
from data_layer.db import read_session, write_session
from data_layer.errors import NotFound, ValidationError
from data_layer.input.minutes import MinutesPreview
from data_layer.models import HistoryEntry
from data_layer.models_aliases import AgencyAlias
from data_layer.queries.aliases import learned_names, vanished_names
from data_layer.text import match_key
from tests.data_layer.commands.test_minutes_import import (
    EDUCATION,
    KANOON,
    Setup,
    docx_file,
    preview_of,
    rows_with,
    setup,
    stored_counts,
)

__all__ = ["setup"]

NAME = "معاونت آموزش متوسطه استان"


def minutes(url: str) -> MinutesPreview:
    return preview_of(url, "m.docx", docx_file(rows_with(10, NAME)))


def aliases(url: str) -> list[AgencyAlias]:
    with read_session(url) as session:
        return list(session.exec(select(AgencyAlias)))


def learn(s: Setup, agency: str) -> int:
    """Commit the file with NAME matched by hand to `agency` and remembered."""
    preview = minutes(s.url)
    assert preview.unmatched == [(10, NAME)]
    with write_session(s.url) as session:
        return commit_minutes(
            session,
            actor=s.secretariat,
            meeting_id=s.meeting_id,
            preview=preview,
            choices={(10, NAME): s.agency[agency]},
            remember=[(10, NAME)],
        )


def merge_kanoon_into_education(s: Setup) -> None:
    with write_session(s.url) as session:
        merge_agency(
            session,
            actor=s.secretariat,
            agency_id=s.agency[KANOON],
            into_id=s.agency[EDUCATION],
            reason="ادغام",
        )


def test_a_remembered_hand_match_matches_the_next_file(setup: Setup) -> None:
    assert learn(setup, EDUCATION) == 14
    [alias] = aliases(setup.url)
    assert (alias.agency_id, alias.alias, alias.match_key) == (
        setup.agency[EDUCATION],
        "معاونت آموزش متوسطه استان",
        match_key(NAME),
    )
    assert alias.added_by_id == setup.secretariat.user_id and alias.added_at is not None
    with read_session(setup.url) as session:
        entry = session.exec(
            select(HistoryEntry).where(HistoryEntry.entity == "agency_alias")
        ).one()
        table = learned_names(session)
    assert entry.user_id == setup.secretariat.user_id
    assert list(table["alias"]) == ["معاونت آموزش متوسطه استان"]
    assert list(table["added_by"]) == ["secretariat"]

    again = minutes(setup.url).rows[9]
    assert again.match.unmatched == []
    assert again.match.matched == [(NAME, setup.agency[EDUCATION], "learned")]


def test_remembering_a_name_not_matched_by_hand_is_refused(setup: Setup) -> None:
    preview = minutes(setup.url)
    before = stored_counts(setup.url)
    with pytest.raises(ValidationError) as raised, write_session(setup.url) as session:
        commit_minutes(
            session,
            actor=setup.secretariat,
            meeting_id=setup.meeting_id,
            preview=preview,
            choices={(10, NAME): None},  # left out, not matched
            remember=[(10, NAME)],
        )
    assert "به دستگاهی نسبت داده نشده است و به خاطر سپرده نمی‌شود" in raised.value.message
    assert stored_counts(setup.url) == before and aliases(setup.url) == []


def test_a_name_of_an_agency_that_left_never_matches_and_moves_when_taught_again(
    setup: Setup,
) -> None:
    learn(setup, KANOON)
    merge_kanoon_into_education(setup)
    row10 = minutes(setup.url).rows[9]
    assert row10.match.unmatched == [NAME]  # not matched to the merged agency
    with read_session(setup.url) as session:
        note = vanished_names(session)[match_key(NAME)]
    assert note.startswith("«معاونت آموزش متوسطه استان» پیش‌تر نام «کانون پرورش فکری»")
    assert "در «آموزش و پرورش» ادغام شده است" in note

    with write_session(setup.url) as session:
        remember_names(session, actor=setup.secretariat, names=[(NAME, setup.agency[EDUCATION])])
    [alias] = aliases(setup.url)
    assert alias.agency_id == setup.agency[EDUCATION]
    assert minutes(setup.url).rows[9].match.matched == [(NAME, setup.agency[EDUCATION], "learned")]


def test_a_name_is_never_taken_from_an_active_agency_nor_given_to_one_that_left(
    setup: Setup,
) -> None:
    learn(setup, EDUCATION)
    with pytest.raises(ValidationError) as raised, write_session(setup.url) as session:
        remember_names(session, actor=setup.secretariat, names=[(NAME, setup.agency[KANOON])])
    assert "پیش‌تر نام «آموزش و پرورش» به خاطر سپرده شده است" in raised.value.message
    merge_kanoon_into_education(setup)
    with pytest.raises(ValidationError) as raised, write_session(setup.url) as session:
        remember_names(session, actor=setup.secretariat, names=[("نام تازه", setup.agency[KANOON])])
    assert "دیگر فعال نیست" in raised.value.message
    assert [a.agency_id for a in aliases(setup.url)] == [setup.agency[EDUCATION]]


def test_the_secretariat_takes_a_learned_name_back(setup: Setup) -> None:
    learn(setup, EDUCATION)
    [alias] = aliases(setup.url)
    with write_session(setup.url) as session:
        removed = forget_learned_name(session, actor=setup.secretariat, alias_id=alias.id or 0)
    assert removed == "معاونت آموزش متوسطه استان" and aliases(setup.url) == []
    assert minutes(setup.url).unmatched == [(10, NAME)]
    with pytest.raises(NotFound) as raised, write_session(setup.url) as session:
        forget_learned_name(session, actor=setup.secretariat, alias_id=alias.id or 0)
    assert "دیگر در فهرست نام‌های آموخته نیست" in raised.value.message
