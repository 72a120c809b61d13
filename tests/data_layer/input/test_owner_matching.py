"""Owner matching: the «مسوول پیگیری» cell of the minutes turned into agencies.

The seed's 14 owner texts are matched against the agencies a minutes-only database
holds (on SQLite and PostgreSQL); the spelling variants are checked against the same
agency list built in memory.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from data_layer import seed_data
from data_layer.db import read_session
from data_layer.input.owners import OwnerSpec, match_owners
from data_layer.models import Assignment, Meeting, Resolution
from data_layer.queries.agencies import AgencyRef, agency_refs

INTERIOR = "دفتر امور اجتماعی استانداری"  # «وزارت کشور» in the minutes
EDUCATION = "اداره کل آموزش و پرورش"
KANOON = "کانون پرورش فکری کودکان و نوجوانان"
WELFARE = "اداره کل بهزیستی استان"
RELIEF = "کمیته امداد امام خمینی (ره) استان"
LIBRARIES = "اداره کل کتابخانه‌های عمومی استان"
LABOUR = "اداره کل تعاون، کار و رفاه اجتماعی استان"
SEMINARY = "حوزه علمیه استان"


def _memory_refs() -> list[AgencyRef]:
    return [
        AgencyRef(i, a.name, a.short_name, a.aliases, a.is_member)
        for i, a in enumerate(seed_data.AGENCIES, start=1)
    ]


REFS = _memory_refs()
ID = {r.name: r.id for r in REFS}


def ids(text: str, refs: list[AgencyRef] = REFS) -> list[int]:
    """The agencies a text matched, asserting nothing was left unmatched."""
    m = match_owners(text, refs)
    assert m.unmatched == [], (text, m)
    return [agency_id for _, agency_id, _ in m.matched]


# --- the real minutes, against the seeded agencies ------------------------------------


@pytest.fixture
def seeded_refs(minutes_url: str) -> list[AgencyRef]:
    with read_session(minutes_url) as session:
        return agency_refs(session)


def test_the_fourteen_owner_texts_of_the_minutes(
    minutes_url: str, seeded_refs: list[AgencyRef]
) -> None:
    by_name = {r.name: r.id for r in seeded_refs}
    members = {r.id for r in seeded_refs if r.is_member}
    # What the seed stored for meeting 7: resolution number -> its owners.
    with read_session(minutes_url) as session:
        stmt = (
            select(Resolution.number, Assignment.agency_id)
            .join(Assignment, Assignment.resolution_id == Resolution.id)
            .join(Meeting, Meeting.id == Resolution.meeting_id)
            .where(Meeting.number == 7)
        )
        stored: dict[int, set[int]] = {}
        for number, agency_id in session.exec(stmt):
            stored.setdefault(number, set()).add(agency_id)

    resolutions = seed_data.MEETING_7.resolutions
    assert len(resolutions) == 14
    for r in resolutions:
        m = match_owners(r.owners_as_written, seeded_refs)
        assert m.unmatched == [] and m.suggestions == {}, r.number
        assert m.all_members is r.all_members, r.number
        if r.all_members:
            assert m.matched == []
            assert stored[r.number] == members
        else:
            assert [a for _, a, _ in m.matched] == [by_name[n] for n in r.owners]
            assert stored[r.number] == {by_name[n] for n in r.owners}
        spec = m.spec()
        assert spec is not None and spec.all_members is r.all_members


def test_interior_and_kanoon_are_two_owners(seeded_refs: list[AgencyRef]) -> None:
    by_name = {r.name: r.id for r in seeded_refs}
    m = match_owners("وزارت کشور/ کانون پرورش فکری", seeded_refs)
    assert m.all_members is False
    assert m.matched == [
        ("وزارت کشور", by_name[INTERIOR], "alias"),
        ("کانون پرورش فکری", by_name[KANOON], "exact"),
    ]
    assert m.spec() == OwnerSpec(False, (by_name[INTERIOR], by_name[KANOON]))


# --- spelling variants ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("وزارت كشور", INTERIOR),  # Arabic kaf
        ("اداره كل آموزش و پرورش", EDUCATION),
        ("كانون پرورش فكري كودكان و نوجوانان", KANOON),  # Arabic kaf and yeh
        ("اداره کل بهزيستي استان", WELFARE),
        ("کتابخانه‌های عمومی", LIBRARIES),  # ZWNJ
        ("کتابخانه های عمومی", LIBRARIES),  # a space for the ZWNJ
        ("کتابخانههای عمومی", LIBRARIES),  # nothing for the ZWNJ
        ("کانون‌پرورش‌فکری", KANOON),
        ("  آموزش   و\u200c پرورش ", EDUCATION),
        ("آموزش و پرورش استان", EDUCATION),  # a trailing «استان»
        ("بهزیستی", WELFARE),  # the name without «اداره کل» and «استان»
        ("اداره کل بهزیستی", WELFARE),
        ("آموزش\u0640\u0640 و پرورش", EDUCATION),  # tatweel
    ],
)
def test_spelling_variants_match_exactly(text: str, name: str) -> None:
    m = match_owners(text, REFS)
    assert [(a, how) for _, a, how in m.matched] == [
        (ID[name], "alias" if text == "وزارت كشور" else "exact")
    ]
    assert m.unmatched == []


def test_education_is_one_agency_not_two() -> None:
    assert ids("آموزش و پرورش") == [ID[EDUCATION]]
    assert ids("اداره کل آموزش و پرورش") == [ID[EDUCATION]]


def test_and_splits_only_when_every_part_matches() -> None:
    assert ids("آموزش و پرورش و بهزیستی") == [ID[EDUCATION], ID[WELFARE]]
    assert ids("هلال احمر و فرماندهی انتظامی") == [
        ID["جمعیت هلال احمر استان"],
        ID["فرماندهی انتظامی استان"],
    ]
    # «فرهنگ» and «ارشاد» are no agencies: the text is not split, only suggested.
    m = match_owners("فرهنگ و ارشاد", REFS)
    assert m.matched == [] and m.unmatched == ["فرهنگ و ارشاد"]
    assert m.suggestions["فرهنگ و ارشاد"] == [ID["اداره کل فرهنگ و ارشاد اسلامی استان"]]


def test_a_comma_inside_a_name_does_not_split_it() -> None:
    assert ids(LABOUR) == [ID[LABOUR]]
    assert ids("بهزیستی، تعاون، کار و رفاه") == [ID[WELFARE], ID[LABOUR]]
    assert ids("بهزیستی ، کمیته امداد") == [ID[WELFARE], ID[RELIEF]]
    assert ids("بهزیستی,کمیته امداد") == [ID[WELFARE], ID[RELIEF]]


@pytest.mark.parametrize(
    "text",
    [
        "ادارات عضو کارگروه",
        "کلیه دستگاه‌های عضو",
        "همه دستگاه‌های عضو",
        "كليه دستگاههاي عضو",
        "همه دستگاه های عضو کارگروه",
    ],
)
def test_all_member_phrases(text: str) -> None:
    m = match_owners(text, REFS)
    assert m.all_members is True
    assert m.matched == [] and m.unmatched == []
    assert m.spec() == OwnerSpec(True, ())


def test_all_members_and_an_invited_agency() -> None:
    m = match_owners("ادارات عضو کارگروه / حوزه علمیه", REFS)
    assert m.all_members is True
    assert [a for _, a, _ in m.matched] == [ID[SEMINARY]]


def test_an_unknown_owner_is_unmatched_with_suggestions() -> None:
    m = match_owners("کمیته امداد امام", REFS)
    assert m.matched == []
    assert m.unmatched == ["کمیته امداد امام"]
    assert m.suggestions == {"کمیته امداد امام": [ID[RELIEF]]}
    assert m.ok is False and m.spec() is None

    m = match_owners("سازمان بهزیستی", REFS)
    assert m.unmatched == ["سازمان بهزیستی"] and m.suggestions["سازمان بهزیستی"] == [ID[WELFARE]]

    m = match_owners("سازمان فضایی کشور", REFS)
    assert m.unmatched == ["سازمان فضایی کشور"] and m.suggestions == {"سازمان فضایی کشور": []}


def test_one_part_known_one_part_unknown() -> None:
    m = match_owners("بهزیستی / سازمان فضایی", REFS)
    assert [a for _, a, _ in m.matched] == [ID[WELFARE]]
    assert m.unmatched == ["سازمان فضایی"]
    assert m.spec() is None


def test_a_close_spelling_is_accepted_only_when_very_close() -> None:
    m = match_owners("اداره کل ورزش و جوان", REFS)  # one letter short
    assert [(a, how) for _, a, how in m.matched] == [(ID["اداره کل ورزش و جوانان استان"], "close")]
    m = match_owners("هلال احمر ایران", REFS)  # similar, not close enough
    assert m.matched == [] and m.suggestions["هلال احمر ایران"] == [ID["جمعیت هلال احمر استان"]]


def test_a_name_two_agencies_share_is_left_to_a_person() -> None:
    refs = [*REFS, AgencyRef(99, "کانون فرهنگی مساجد", "کانون مساجد", ("کانون",))]
    m = match_owners("کانون", refs)
    assert m.matched == [] and m.unmatched == ["کانون"]
    assert m.suggestions["کانون"] == [ID[KANOON], 99]


def test_empty_owner_text() -> None:
    m = match_owners("  ", REFS)
    assert m.all_members is False and m.matched == [] and m.unmatched == [""]
    assert m.spec() is None
