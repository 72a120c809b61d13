"""The hostile corpus, saved through every command that stores text, read back on every
screen: no markdown, HTML, link, image or Streamlit markup from it survives in what a
screen hands the browser, and the text is still there, readable as typed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from data_layer import clock
from data_layer.db import read_session
from data_layer.models import Meeting, Neighborhood
from tests.hostile import PASSWORD, Planted, plant, plant_registry, raw_markup
from tests.pages.conftest import shown, sign_in

# (screen, who looks at it); None = not signed in.
SCREENS = [
    ("pages/overview.py", None),
    ("pages/resolutions.py", None),
    ("pages/meetings.py", None),
    ("pages/coverage.py", None),
    ("pages/gaps.py", None),
    ("pages/neighborhoods.py", None),
    ("pages/reports.py", None),
    ("pages/overview.py", "hostile"),
    ("pages/my_agency.py", "hostile"),
    ("pages/account.py", "hostile"),
    ("pages/verification.py", "dabir"),
    ("pages/meetings.py", "dabir"),
    ("pages/neighborhoods.py", "dabir"),
    ("pages/users.py", "admin"),
    ("pages/inbox.py", "hostile"),
    ("pages/inbox.py", "dabir"),
    ("pages/messages.py", "admin"),
]


def bodies(at: AppTest) -> Iterator[tuple[str, str]]:
    """Every string of the page that Streamlit renders as markdown (or HTML)."""
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "title"):
        for element in getattr(at, kind):
            yield kind, str(element.value)
    for metric in at.metric:
        yield "metric", f"{metric.label} {metric.value}"
    for kind in ("button", "selectbox", "multiselect", "text_input", "text_area", "number_input"):
        for widget in getattr(at, kind):
            yield kind, str(widget.label)
    for kind in ("tabs", "expander"):
        for block in getattr(at, kind):
            yield kind, str(getattr(block, "label", ""))


def assert_inert(at: AppTest, where: str) -> str:
    """No raw markup in any body; the decoded text of the page, for presence checks."""
    assert not at.exception, (where, at.exception)
    found = [(kind, piece) for kind, body in bodies(at) for piece in raw_markup(body)]
    assert not found, (where, found)
    return "\n".join(shown(body) for _, body in bodies(at))


def _meeting_id(url: str, number: int) -> int:
    with read_session(url) as s:
        return int(s.exec(select(Meeting.id).where(Meeting.number == number)).one())


def _hood_id(url: str, name: str) -> int:
    with read_session(url) as s:
        return int(s.exec(select(Neighborhood.id).where(Neighborhood.name == name)).one())


@pytest.fixture(params=[0, 7, 15])
def planted(request: pytest.FixtureRequest, seeded_url: str) -> tuple[str, Planted]:
    return seeded_url, plant(seeded_url, start=request.param)


@pytest.mark.parametrize(("page", "who"), SCREENS, ids=[f"{p}-{w}" for p, w in SCREENS])
def test_every_screen_shows_the_corpus_as_text(
    make_app: Callable[[str], AppTest], planted: tuple[str, Planted], page: str, who: str | None
) -> None:
    url, p = planted
    at = make_app(url).run()
    if who:
        sign_in(at, who, PASSWORD if who == "hostile" else None)
    at.switch_page(page).run()
    meeting_7 = _meeting_id(url, 7)
    for key in ("meeting", "mt_pick"):  # the planted meeting, where a screen picks one
        if any(sb.key == key for sb in at.selectbox):
            at.selectbox(key=key).set_value(meeting_7).run()
    if page == "pages/coverage.py":
        at.selectbox(key="cov_hood").set_value(_hood_id(url, p.neighborhood)).run()
    text = assert_inert(at, page)
    expected = {
        "pages/my_agency.py": [p.texts["full_name"], p.texts["note"]],
        "pages/verification.py": [p.texts["done_text"], p.texts["next_step"]],
        "pages/meetings.py": [p.texts["place"]],
        "pages/resolutions.py": [p.texts["resolution"], p.texts["owners"]],
        "pages/coverage.py": [p.texts["hood"], p.texts["service"]],
    }.get(page, [])
    for piece in expected:
        assert piece in text, (page, piece)


def test_every_projector_slide_shows_the_corpus_as_text(
    make_app: Callable[[str], AppTest], planted: tuple[str, Planted]
) -> None:
    url, p = planted
    at = make_app(url).run().switch_page("pages/projector.py").run()
    seen = assert_inert(at, "slide 1")
    total = 1 + 15 + 3  # the cover, 15 resolutions (the 15th planted), 3 summaries
    for n in range(2, total + 1):
        at.button(key="next").click().run()
        seen += assert_inert(at, f"slide {n}")
    assert p.texts["resolution"] in seen
    assert p.texts["done_text"][:100] in seen  # the one owner of resolution 10 shows its text


def test_the_liaisons_row_history_and_evidence_show_as_text(
    make_app: Callable[[str], AppTest], planted: tuple[str, Planted]
) -> None:
    url, p = planted
    at = sign_in(make_app(url).run(), "hostile", PASSWORD, then="pages/my_agency.py")
    at.selectbox(key="detail_row").set_value(p.assignment_id).run()
    text = assert_inert(at, "my_agency row 10")
    assert p.texts["done_text"][:60] in text  # its history
    assert "¦" in text  # the evidence file's name, whose folders the upload dropped


def test_an_agencys_names_and_the_profile_show_as_text_on_every_screen(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    """What the secretariat types in «دستگاه‌ها» and the administrator in the profile."""
    typed = plant_registry(seeded_url)
    for page, who in (
        ("pages/overview.py", None),
        ("pages/resolutions.py", None),
        ("pages/projector.py", None),
        ("pages/agencies.py", "dabir"),
        ("pages/settings.py", "admin"),
    ):
        at = make_app(seeded_url).run()
        if who:
            sign_in(at, who)
        at.switch_page(page).run()
        text = assert_inert(at, page)
        if page == "pages/resolutions.py":  # the matrix names the agency by its short name
            assert typed["short_name"] in text, page
        if page == "pages/agencies.py":  # a name learned from the minutes, in the registry
            assert typed["learned"] in text, page


def test_the_record_the_then_to_now_slide_and_the_letters_show_hostile_text_as_text(
    make_app: Callable[[str], AppTest], seeded_url: str
) -> None:
    """An agency's hostile names in the meeting's record, the then → now slide, the
    ladder's list and the register; a hostile reply in the register's form."""
    from datetime import timedelta

    from data_layer.commands.letters import issue_letters, plan_letters, record_reply
    from data_layer.commands.meetings import MeetingInput, create_meeting
    from data_layer.commands.snapshots import freeze_meeting
    from data_layer.db import write_session
    from data_layer.jalali import local_today
    from data_layer.models import Letter, User
    from data_layer.permissions import Actor
    from tests.hostile import CORPUS

    typed = plant_registry(seeded_url)
    with read_session(seeded_url) as s:
        u = s.exec(select(User).where(User.username == "dabir")).one()
    dabir = Actor(int(u.id or 0), u.username, u.full_name, u.role, u.agency_id)
    with write_session(seeded_url) as s:
        freeze_meeting(s, actor=dabir, meeting_id=_meeting_id(seeded_url, 7), expected_version=None)
    with write_session(seeded_url) as s:
        eighth = create_meeting(
            s,
            actor=dabir,
            data=MeetingInput(number=8, held_on=local_today(), start_time="", place="", chair="م"),
        )
    with write_session(seeded_url) as s:
        freeze_meeting(
            s,
            actor=dabir,
            meeting_id=int(eighth.id or 0),
            expected_version=None,
            now=clock.now() + timedelta(seconds=1),
        )
    at = make_app(seeded_url).run()
    at.query_params["slide"] = "2"
    at.switch_page("pages/projector.py").run()
    assert "آن روز ← اکنون: از جلسه ۷" in assert_inert(at, "then → now slide")

    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/meetings.py")
    at.selectbox(key="mt_pick").set_value(_meeting_id(seeded_url, 7)).run()
    assert_inert(at, "meeting 7's record")
    # The then → now table names Education by its (hostile) short name, as a cell's text.
    assert any((d.value == typed["short_name"]).to_numpy().any() for d in at.dataframe)

    with read_session(seeded_url) as s:
        plans = plan_letters(s, today=local_today(), agency_ids=[])
    with write_session(seeded_url) as s:
        issue_letters(s, actor=dabir, plans=plans, today=local_today())
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/letters.py")
    assert_inert(at, "the ladder's list")
    at.button(key="ld_all").click().run()
    with read_session(seeded_url) as s:
        letter = s.exec(select(Letter).order_by(Letter.serial)).first()
    assert letter is not None
    with write_session(seeded_url) as s:
        record_reply(
            s,
            actor=dabir,
            letter_id=int(letter.id or 0),
            expected_version=letter.version,
            replied_on=local_today(),
            text="\n".join(CORPUS)[:4000],
            today=local_today(),
        )
    at = sign_in(make_app(seeded_url).run(), "dabir", then="pages/letters.py")
    at.selectbox(key="lr_pick").set_value(letter.id).run()
    assert_inert(at, "the register and its reply")
