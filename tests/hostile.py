"""A corpus of hostile text, and one way to plant it through every command that stores text.

Every string is something a person could type or paste: markdown links and images,
raw HTML and script, `javascript:` and bare URLs, Streamlit's own markup, formulas a
spreadsheet would run, bidi overrides and zero-width characters, and very long text.
`plant` saves it through the real commands into a seeded database; the screen,
browser and export tests then read it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import select

from data_layer.commands.accounts import create_user
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.commands.capacity import set_capacity
from data_layer.commands.deliveries import DeliveryInput, record_delivery
from data_layer.commands.evidence import add_evidence
from data_layer.commands.meetings import MeetingInput, update_meeting
from data_layer.commands.neighborhoods import create_neighborhood
from data_layer.commands.reports import submit_report
from data_layer.commands.resolutions import add_resolution
from data_layer.commands.service_types import ServiceTypeInput, create_service_type
from data_layer.commands.verification import verify_assignment
from data_layer.db import read_session, write_session
from data_layer.input.neighborhoods import NeighborhoodInput
from data_layer.input.owners import OwnerSpec
from data_layer.models import Agency, Assignment, Meeting, Resolution, Role, User
from data_layer.permissions import Actor
from data_layer.text import tidy

CORPUS: tuple[str, ...] = (
    "[کلیک کنید](https://example.org/x)",
    "![x](http://127.0.0.1:9/t.png)",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "javascript:alert(1)",
    "https://example.org/plain",
    "www.example.org",
    "user@example.org",
    "**پررنگ** _کج_ ~~خط~~ `کد`",
    "# عنوان بزرگ",
    ":red[قرمز] :material/home: :smile:",
    "$x^2$ و $$y$$",
    '=HYPERLINK("http://x","y")',
    "+1+cmd|'/c calc'!A0",
    "@SUM(1+1)*cmd",
    "-2+3",
    "\u202eabc\u202c پس از آن",
    "\u2067راست\u2069 و \u200bپنهان\u200d",
    "<iframe src=//example.org>",
    "&amp; &lt;b&gt; -> <= ~=",
    "| a | b |",
)
# What must never reach a markdown or HTML body as it was typed.
RAW_MARKUP: tuple[str, ...] = (
    "](",
    "![",
    "<script",
    "<img",
    "<iframe",
    "<a href",
    "javascript:",
    "example.org",
    "user@",
    "127.0.0.1",
    ":red[",
    ":material/",
    ":smile:",
    "$x^2$",
    "**پررنگ**",
    "~~خط~~",
    "`کد`",
    "# عنوان",
    "\u202e",
    "\u2067",
    "| a |",
    "->",
)
PASSWORD = "hostile-pass-1405"
SEPARATOR = " ¦ "


def fill(limit: int, start: int = 0) -> str:
    """As many corpus strings as fit in `limit` characters, starting at `start`."""
    out: list[str] = []
    for i in range(len(CORPUS)):
        piece = CORPUS[(start + i) % len(CORPUS)]
        if len(SEPARATOR.join([*out, piece])) > limit:
            break
        out.append(piece)
    return SEPARATOR.join(out)


def raw_markup(body: str) -> list[str]:
    """The hostile pieces a rendered body still holds as typed (should be none). A link
    the screen itself draws to one of our own pages (`<a href="/…"`, the slash written
    as itself or as the entity the screen's escaping makes of it) is not one of them."""
    ours = body.replace('<a href="/', "").replace('<a href="&#47;', "")
    return [piece for piece in RAW_MARKUP if piece in ours]


@dataclass(frozen=True)
class Planted:
    """Where the corpus went: the liaison who wrote it and the rows it is in."""

    username: str
    agency_id: int
    assignment_id: int
    resolution_number: int
    neighborhood: str
    texts: dict[str, str]  # field -> what was saved


def _actor(session: object, username: str) -> Actor:
    user = session.exec(select(User).where(User.username == username)).one()  # type: ignore[attr-defined]
    return Actor(user.id, user.username, user.full_name, user.role, user.agency_id)


def plant(url: str, start: int = 0) -> Planted:
    """Save the corpus through every command that stores text (on the sample province)."""
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    t = {
        "full_name": fill(120, start),
        "done_text": fill(2000, start),
        "next_step": fill(1000, start + 1),
        "note": fill(1000, start + 2),
        "place": fill(200, start + 3),
        "chair": fill(200, start + 4),
        "summary": fill(4000, start + 5),
        "resolution": fill(4000, start + 6),
        "owners": fill(500, start + 7),
        "county": fill(100, start + 8),
        "hood": fill(150, start + 9),
        "service": fill(120, start + 10),
        "unit": fill(40, start + 11),
        "ref": fill(40, start + 12),
        "delivery_note": fill(1000, start + 13),
        "capacity_note": fill(1000, start + 14),
        "body": "گزارش فصل: " + fill(4000, start + 15),
        "figure": fill(100, start + 16),
        "filename": fill(200, start + 17) + ".png",
    }
    with write_session(url) as s:
        admin, dabir = _actor(s, "admin"), _actor(s, "dabir")
        education = s.exec(select(Agency).where(Agency.short_name == "آموزش و پرورش")).one()
        user, _ = create_user(
            s,
            actor=admin,
            username="hostile",
            full_name=t["full_name"],
            role=Role.AGENCY_EDITOR.value,
            agency_id=education.id,
            password=PASSWORD,
            now=now,
        )
        user.must_change_password = False
    with write_session(url) as s:
        liaison = _actor(s, "hostile")
        meeting = s.exec(select(Meeting).where(Meeting.number == 7)).one()
        row = s.exec(
            select(Assignment)
            .join(Resolution, Resolution.id == Assignment.resolution_id)
            .where(Resolution.meeting_id == meeting.id, Resolution.number == 10)
            .where(Assignment.agency_id == education.id)
        ).one()
        update_assignment(
            s,
            actor=liaison,
            assignment_id=row.id,
            expected_version=row.version,
            changes=AssignmentChanges(
                status="in_progress",
                progress=40,
                done_text=t["done_text"],
                next_step=t["next_step"],
                evidence_url="https://example.org/plain",
            ),
            now=now,
        )
        add_evidence(
            s,
            actor=liaison,
            assignment_id=row.id,
            filename=t["filename"],
            content=b"\x89PNG\r\n\x1a\n" + bytes(16),
            now=now,
        )
        other = s.exec(
            select(Assignment)
            .join(Resolution, Resolution.id == Assignment.resolution_id)
            .where(Resolution.meeting_id == meeting.id, Resolution.number == 5)
            .where(Assignment.agency_id == education.id)
        ).one()
        update_assignment(
            s,
            actor=liaison,
            assignment_id=other.id,
            expected_version=other.version,
            changes=AssignmentChanges(status="in_progress", progress=10, done_text="گزارش"),
            now=now,
        )
    with write_session(url) as s:
        other = s.get(Assignment, other.id)
        verify_assignment(
            s,
            actor=dabir,
            assignment_id=other.id,
            expected_version=other.version,
            verdict="rejected",
            note=t["note"],
            now=now,
        )
        held = meeting.held_on
        update_meeting(
            s,
            actor=dabir,
            meeting_id=meeting.id,
            data=MeetingInput(7, held, "09:00", t["place"], t["chair"], summary=t["summary"]),
            now=now,
        )
        add_resolution(
            s,
            actor=dabir,
            meeting_id=meeting.id,
            number=15,
            text=t["resolution"],
            owners_as_written=t["owners"],
            owners=OwnerSpec(False, (education.id,)),
            now=now,
        )
        hood = create_neighborhood(
            s,
            actor=dabir,
            data=NeighborhoodInput(t["county"], t["hood"], 5000, 1000, "حاد", priority_rank=1),
            now=now,
        )
        service = create_service_type(
            s,
            actor=dabir,
            data=ServiceTypeInput(t["service"], t["unit"], education.id, "2", t["ref"]),
            now=now,
        )
    with write_session(url) as s:
        liaison = _actor(s, "hostile")
        record_delivery(
            s,
            actor=liaison,
            agency_id=education.id,
            data=DeliveryInput(
                neighborhood_id=hood.id,
                service_type_id=service.id,
                year=1405,
                units=1,
                note=t["delivery_note"],
            ),
            now=now,
        )
        set_capacity(
            s,
            actor=liaison,
            agency_id=education.id,
            service_type_id=service.id,
            total_units=10,
            target_units=2,
            expected_version=None,
            note=t["capacity_note"],
            now=now,
        )
        submit_report(
            s,
            actor=liaison,
            agency_id=education.id,
            period_kind="season",
            period_year=1405,
            period_no=1,
            body=t["body"],
            figures={t["figure"]: 12},
            now=now,
        )
    with read_session(url) as s:
        name = s.get(type(hood), hood.id).name
    # What the screens must show is what was stored: the text as the input layer tidies it.
    stored = {k: tidy(v) for k, v in t.items()}
    return Planted("hostile", education.id, row.id, 15, name, stored)


def plant_registry(url: str) -> dict[str, str]:
    """The corpus as Education's names, head title and aliases (the secretariat, in the
    registry) and as the province profile (the administrator); what was typed."""
    from data_layer.commands.agencies import update_agency
    from data_layer.commands.profile import update_profile
    from data_layer.input.agencies import AgencyInput
    from data_layer.input.profile import ProfileInput

    typed = {
        "name": fill(200, 2),
        "short_name": fill(80, 3),
        "head_title": fill(200, 4),
        "province": fill(80, 5),
        "governorate": fill(200, 6),
        "group_name": fill(300, 7),
        "secretary_name": fill(120, 8),
        "secretary_title": fill(200, 9),
    }
    with write_session(url) as s:
        dabir, admin = _actor(s, "dabir"), _actor(s, "admin")
        education = s.exec(select(Agency).where(Agency.short_name == "آموزش و پرورش")).one()
        update_agency(
            s,
            actor=dabir,
            agency_id=education.id,  # type: ignore[arg-type]
            data=AgencyInput(
                typed["name"], typed["short_name"], "directorate", typed["head_title"],
                "؛".join(CORPUS[:3]),
            ),
        )  # fmt: skip
        update_profile(
            s,
            actor=admin,
            data=ProfileInput(
                typed["province"], typed["governorate"], typed["group_name"],
                typed["secretary_name"], typed["secretary_title"], "\n".join(CORPUS[10:14]),
            ),
        )  # fmt: skip
    return {k: tidy(v) for k, v in typed.items()}


@dataclass(frozen=True)
class PlantedIndicator:
    """The corpus in an indicator's fields, a target's note and a value's note."""

    indicator_id: int
    neighborhood_id: int
    neighborhood: str
    texts: dict[str, str]  # field -> what was stored


def plant_indicators(url: str, start: int = 0) -> PlantedIndicator:
    """Save the corpus through the indicator commands (the secretariat defines, sets a
    target; Education's liaison reports a value) on the sample province."""
    from data_layer.commands.indicators import (
        IndicatorInput,
        TargetInput,
        create_indicator,
        save_indicator_values,
        set_indicator_target,
    )
    from data_layer.input.indicator_values import ValueRow
    from data_layer.models import Neighborhood

    t = {
        "name": fill(200, start),
        "definition": fill(4000, start + 1),
        "unit": fill(60, start + 2),
        "numerator_label": fill(200, start + 3),
        "denominator_label": fill(200, start + 4),
        "target_note": fill(1000, start + 5),
        "value_note": fill(1000, start + 6),
    }
    with write_session(url) as s:
        dabir = _actor(s, "dabir")
        education = s.exec(select(Agency).where(Agency.short_name == "آموزش و پرورش")).one()
        hood = s.exec(select(Neighborhood).order_by(Neighborhood.id)).first()
        assert hood is not None and hood.id is not None
        ind = create_indicator(
            s,
            actor=dabir,
            data=IndicatorInput(
                t["name"],
                t["definition"],
                t["unit"],
                "higher",
                "season",
                education.id,
                "rate",
                t["numerator_label"],
                t["denominator_label"],
                1000,
            ),
        )
        set_indicator_target(
            s,
            actor=dabir,
            neighborhood_id=hood.id,
            indicator_id=int(ind.id or 0),
            expected_version=None,
            data=TargetInput(10, "زمستان ۱۴۰۳", 20, "1407/01/01", t["target_note"]),
        )
        liaison_user = s.exec(
            select(User).where(User.agency_id == education.id, User.role == "agency_editor")
        ).first()
        assert liaison_user is not None
        liaison = _actor(s, liaison_user.username)
        save_indicator_values(
            s,
            actor=liaison,
            rows=[ValueRow(hood.id, int(ind.id or 0), (1405, 1), value=12, note=t["value_note"])],
        )
        return PlantedIndicator(
            int(ind.id or 0),
            hood.id,
            hood.name,
            {k: tidy(v, multiline=k == "definition") for k, v in t.items()},
        )
