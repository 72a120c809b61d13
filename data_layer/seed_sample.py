"""The sample province (and its scaled copies for benchmarks), generated in bulk.

Meetings, follow-up, attendance, places, services, capacity and reports. Split out of
data_layer/seed.py, which decides when to build it (once, behind its marker) and calls
SampleBuilder. Every row written is marked is_sample and drawn from a random generator
seeded with the scale alone: the sample holds the same rows whatever day it is built
for, and only its dates follow `as_of`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session, SQLModel, col

from data_layer import jalali, seed_data
from data_layer.labels import ALL_MEMBERS_TEXT
from data_layer.models import (
    Agency,
    AgencyCapacity,
    AgencyMembership,
    Assignment,
    AssignmentStatus,
    County,
    HistoryEntry,
    Meeting,
    MeetingAttendance,
    Neighborhood,
    PerformanceReport,
    Resolution,
    ServiceDelivery,
    ServiceType,
    Verification,
)
from data_layer.queries.membership import member_on

_CHUNK = 5_000


@dataclass
class SeedReport:
    """What a seed run added (zeros on a second run)."""

    added: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, n: int) -> None:
        """Record n rows added to a table."""
        if n:
            self.added[table] = self.added.get(table, 0) + n

    @property
    def total(self) -> int:
        """All rows added."""
        return sum(self.added.values())


# Templates for what agencies write; picked at random, marked as sample.
_DONE_TEXTS = (
    "جلسه هماهنگی با فرمانداری برگزار و صورتجلسه به دبیرخانه ارسال شد.",
    "برنامه عملیاتی دستگاه تدوین و ابلاغ شد.",
    "فهرست ظرفیت‌های دستگاه در محلات هدف تهیه و ارسال شد.",
    "نماینده دستگاه معرفی و در جلسات محلی حضور یافت.",
    "بازدید میدانی از محلات هدف انجام و گزارش آن تهیه شد.",
    "تفاهم‌نامه همکاری با دفتر تسهیل‌گری محله امضا شد.",
)
_NEXT_STEPS = (
    "ارسال گزارش تکمیلی به دبیرخانه",
    "پیگیری تأمین اعتبار از سازمان مدیریت و برنامه‌ریزی",
    "برگزاری جلسه با معتمدان محله",
    "تکمیل فهرست ظرفیت‌ها در شهرستان‌ها",
    "اجرای مرحله دوم برنامه در محلات اولویت‌دار",
)
_STATUS_WEIGHTS = (
    (AssignmentStatus.DONE, 30),
    (AssignmentStatus.IN_PROGRESS, 35),
    (AssignmentStatus.NOT_STARTED, 20),
    (AssignmentStatus.BLOCKED, 5),
    (AssignmentStatus.NEEDS_FOLLOW_UP, 10),
)


# Fixed: the day the sample was first designed for (its random choices follow it).
RANDOM_SEED = "2026-11-28"


class SampleBuilder:
    """Generates sample rows with explicit ids and inserts them in bulk."""

    def __init__(self, session: Session, report: SeedReport, as_of: date, *, scale: int) -> None:
        self.s = session
        self.report = report
        self.as_of = as_of
        self.scale = scale
        # The seed does not follow as_of: built on any day, the sample makes the same
        # choices (which neighborhood gets what), so no test depends on the day it runs.
        self.rng = random.Random(f"sample-{scale}-{RANDOM_SEED}")
        # Sample timestamps end before the day starts, so none lies in the future.
        self.now = datetime.combine(as_of, time(0, 0), tzinfo=UTC) - timedelta(minutes=1)

    # ids ---------------------------------------------------------------
    def _next_id(self, model: type[SQLModel]) -> int:
        col = model.id  # type: ignore[attr-defined]
        return int(self.s.execute(select(func.coalesce(func.max(col), 0))).scalar_one()) + 1

    def _insert(self, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> None:
        for i in range(0, len(rows), _CHUNK):
            self.s.execute(insert(model), list(rows[i : i + _CHUNK]))
        self.report.count(model.__tablename__, len(rows))  # type: ignore[arg-type]

    # the sample province (scale 1) -------------------------------------
    def build(self) -> None:
        """Sample meetings, follow-up, places, services, capacity and reports."""
        agencies = self._agencies()
        short_to_id = {a["short_name"]: a["id"] for a in agencies}
        members = [a["id"] for a in agencies if a["is_member"]]
        diligence = {aid: self.rng.uniform(0.2, 1.0) for aid in members}
        self.diligence = diligence
        # The earlier sample meetings and their resolutions.
        for number, held_on, resolutions in seed_data.SAMPLE_MEETINGS:
            self._meeting(number, held_on, resolutions, members, short_to_id)
        # Sample follow-up on every existing row, the real meeting's included.
        self._follow_up_existing()
        self._attendance(members)
        counties = self._counties(seed_data.SAMPLE_COUNTIES)
        hoods = self._neighborhoods(seed_data.SAMPLE_NEIGHBORHOODS, counties)
        services = self._service_types(short_to_id)
        self._capacities(services, members)
        self._deliveries(hoods, services, members)
        self._reports(members)

    def build_scaled(self) -> None:
        """Multiply the sample's shape by `scale` (for benchmarks)."""
        k = self.scale
        base = self._agencies()
        start = len(base) + 1
        extra = [
            {
                "name": f"دستگاه نمونه {jalali.to_fa_digits(i)}",
                "short_name": f"نمونه {jalali.to_fa_digits(i)}",
                "aliases": "",
                "kind": "directorate",
                "head_title": f"مدیرکل محترم دستگاه نمونه {jalali.to_fa_digits(i)}",
                "sort_order": 1000 + i,
                "active": True,
                "is_sample": True,
            }
            for i in range(start, start + (k - 1))
        ]
        first = self._next_id(Agency)
        for offset, row in enumerate(extra):
            row["id"] = first + offset
        self._insert(Agency, extra)
        self._insert(
            AgencyMembership,
            [{"agency_id": row["id"], "member_from": None, "is_sample": True} for row in extra],
        )
        agencies = self._agencies()
        members = [a["id"] for a in agencies if a["is_member"]]
        self.diligence = {aid: self.rng.uniform(0.2, 1.0) for aid in members}
        short_to_id = {a["short_name"]: a["id"] for a in agencies}
        number = 1000
        held_on = date(2022, 12, 31)
        templates = [
            *(r for _n, _d, r in seed_data.SAMPLE_MEETINGS),
            self._minutes_as_sample(),
        ]
        for _copy in range(k - 1):
            for resolutions in templates:
                number += 1
                held_on -= timedelta(days=9)
                self._meeting(number, held_on, resolutions, members, short_to_id, follow_up=True)
        county_names = [
            f"{c} {jalali.to_fa_digits(i)}"
            for i in range(2, k + 1)
            for c in seed_data.SAMPLE_COUNTIES
        ]
        counties = self._counties(county_names)
        hoods_spec = [
            (f"{c} {jalali.to_fa_digits(i)}", f"{n} {jalali.to_fa_digits(i)}", kind)
            for i in range(2, k + 1)
            for c, n, kind in seed_data.SAMPLE_NEIGHBORHOODS
        ]
        hoods = self._neighborhoods(hoods_spec, counties)
        services = {
            name: sid
            for sid, name in self.s.execute(select(ServiceType.id, ServiceType.name)).all()  # type: ignore[call-overload]
        }
        self._deliveries(hoods, services, members)

    def _minutes_as_sample(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        out = []
        for r in seed_data.MEETING_7.resolutions:
            owners = tuple(a.short_name for a in seed_data.AGENCIES if a.name in r.owners)
            out.append((r.text, r.theme, owners))
        return tuple(out)

    def _agencies(self) -> list[dict[str, Any]]:
        rows = self.s.execute(
            select(
                col(Agency.id), col(Agency.short_name), member_on(self.as_of).label("member")
            ).order_by(col(Agency.sort_order))
        ).all()
        return [{"id": r[0], "short_name": r[1], "is_member": bool(r[2])} for r in rows]

    # meetings and follow-up ------------------------------------------------
    def _meeting(
        self,
        number: int,
        held_on: date,
        resolutions: Iterable[tuple[str, str, tuple[str, ...]]],
        members: list[int],
        short_to_id: dict[str, int],
        follow_up: bool = True,
    ) -> None:
        meeting_id = self._next_id(Meeting)
        self._insert(
            Meeting,
            [
                {
                    "id": meeting_id,
                    "number": number,
                    "held_on": held_on,
                    "start_time": "09:00",
                    "place": seed_data.SAMPLE_PLACE,
                    "chair": seed_data.SAMPLE_CHAIR,
                    "secretary": "دبیر کارگروه",
                    "guests": "",
                    "summary": "جلسه نمونه: این جلسه و مصوبات آن برای نمایش داشبورد ساخته شده است.",
                    "created_at": self.now,
                    "is_sample": True,
                }
            ],
        )
        res_rows: list[dict[str, Any]] = []
        asg_rows: list[dict[str, Any]] = []
        res_id = self._next_id(Resolution)
        asg_id = self._next_id(Assignment)
        for i, (text_, theme, owners) in enumerate(resolutions, start=1):
            res_rows.append(
                {
                    "id": res_id,
                    "meeting_id": meeting_id,
                    "number": i,
                    "text": text_,
                    "text_as_written": "",
                    "theme": theme,
                    "owners_as_written": " / ".join(owners) or ALL_MEMBERS_TEXT,
                    "all_members": not owners,
                    "due_date": held_on + timedelta(days=self.rng.choice((90, 120, 180)))
                    if self.rng.random() < 0.5
                    else None,
                    "is_sample": True,
                }
            )
            for agency_id in members if not owners else [short_to_id[o] for o in owners]:
                row = self._assignment_row(asg_id, res_id, agency_id, held_on)
                asg_rows.append(row)
                asg_id += 1
            res_id += 1
        self._insert(Resolution, res_rows)
        self._insert(Assignment, asg_rows)
        self._history([(row, held_on) for row in asg_rows])

    def _assignment_row(
        self, asg_id: int, res_id: int, agency_id: int, held_on: date
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": asg_id,
            "resolution_id": res_id,
            "agency_id": agency_id,
            "done_text": "",
            "next_step": "",
            "evidence_url": "",
            "verification_note": "",
            "withdrawn": False,
            "version": 1,
        }
        row.update(self._follow_up(agency_id, held_on))
        return row

    def _follow_up(self, agency_id: int, held_on: date) -> dict[str, Any]:
        """Sample follow-up state for one row; diligent agencies report more."""
        rng = self.rng
        d = self.diligence.get(agency_id, 0.5)
        weights = [w * (1 + d if s == AssignmentStatus.DONE else 1) for s, w in _STATUS_WEIGHTS]
        if d < 0.4:
            weights[2] *= 2.5  # not started
        status = rng.choices([s for s, _ in _STATUS_WEIGHTS], weights=weights)[0]
        progress = {
            AssignmentStatus.DONE: 100,
            AssignmentStatus.IN_PROGRESS: rng.randrange(10, 95, 5),
            AssignmentStatus.NOT_STARTED: 0,
            AssignmentStatus.BLOCKED: rng.randrange(5, 60, 5),
            AssignmentStatus.NEEDS_FOLLOW_UP: rng.randrange(0, 50, 5),
        }[status]
        earliest = held_on + timedelta(days=14)
        first: date | None = max(earliest, self.as_of + timedelta(days=rng.randint(-150, 120)))
        planned: date | None = first
        moves = 0
        if status != AssignmentStatus.DONE and rng.random() < 0.25:
            moves = rng.randint(1, 3)
            planned = (first or earliest) + timedelta(days=30 * moves + rng.randint(0, 20))
        if status == AssignmentStatus.NOT_STARTED and rng.random() < 0.5:
            first = planned = None  # never planned
        reported: datetime | None = None
        if status != AssignmentStatus.NOT_STARTED or rng.random() < 0.2:
            days_ago = int(rng.expovariate(1 / (10 + 60 * (1 - d))))
            reported = self.now - timedelta(days=days_ago, hours=rng.randint(0, 8))
        verification = Verification.UNVERIFIED
        if status == AssignmentStatus.DONE:
            verification = rng.choices(
                [Verification.UNVERIFIED, Verification.DOCUMENT_SEEN, Verification.FIELD_VERIFIED],
                weights=[40, 40, 20],
            )[0]
        link = ""
        if progress and rng.random() < 0.3 + 0.5 * d:
            link = f"https://asnad.ostan.example/namune/{rng.randrange(10_000, 99_999)}.pdf"
        return {
            "status": status.value,
            "progress": progress,
            "evidence_url": link,
            "planned_date": planned,
            "first_planned_date": first,
            "reschedule_count": moves,
            "done_text": rng.choice(_DONE_TEXTS) if progress else "",
            "next_step": "" if status == AssignmentStatus.DONE else rng.choice(_NEXT_STEPS),
            "verification": verification.value,
            "verified_at": reported + timedelta(days=3)
            if reported and verification != Verification.UNVERIFIED
            else None,
            "reported_at": reported,
            "updated_at": reported or self.now - timedelta(days=400),
            "is_sample": True,
        }

    def _follow_up_existing(self) -> None:
        rows = self.s.execute(
            select(Assignment.id, Assignment.agency_id, Meeting.held_on)  # type: ignore[call-overload]
            .join(Resolution, Resolution.id == Assignment.resolution_id)
            .join(Meeting, Meeting.id == Resolution.meeting_id)
            .where(Assignment.status == AssignmentStatus.NOT_STARTED.value)
            .where(Assignment.is_sample == False)  # noqa: E712
            .order_by(Assignment.id)
        ).all()
        table = Assignment.__table__  # type: ignore[attr-defined]
        trail: list[tuple[dict[str, Any], date]] = []
        for asg_id, agency_id, held_on in rows:
            values = self._follow_up(agency_id, held_on)
            self.s.execute(table.update().where(table.c.id == asg_id), values)
            trail.append(({"id": asg_id, **values}, held_on))
        self.report.count("assignment (sample follow-up)", len(rows))
        self._history(trail)

    def _history(self, trail: list[tuple[dict[str, Any], date]]) -> None:
        """A plausible trail of status and progress changes for each reported row."""
        rows: list[dict[str, Any]] = []
        hid = self._next_id(HistoryEntry)
        rng = self.rng
        for a, start in trail:
            reported = a.get("reported_at")
            if reported is None:
                continue
            t0 = datetime.combine(start, time(10), tzinfo=UTC)
            span = max((reported - t0).total_seconds(), 3600.0)
            steps = sorted(rng.random() for _ in range(rng.randint(2, 7)))
            prev_progress = 0
            prev_status = AssignmentStatus.NOT_STARTED.value
            for j, frac in enumerate(steps):
                at = t0 + timedelta(seconds=span * frac)
                last = j == len(steps) - 1
                new_progress = a["progress"] if last else int(a["progress"] * (j + 1) / len(steps))
                new_status = a["status"] if last else AssignmentStatus.IN_PROGRESS.value
                for fld, old, new in (
                    ("status", prev_status, new_status),
                    ("progress", str(prev_progress), str(new_progress)),
                ):
                    if old != new:
                        rows.append(
                            {
                                "id": hid,
                                "entity": "assignment",
                                "entity_id": a["id"],
                                "changed_at": at,
                                "user_id": None,
                                "field": fld,
                                "old_value": old,
                                "new_value": new,
                                "reason": "",
                                "is_sample": True,
                            }
                        )
                        hid += 1
                prev_progress, prev_status = new_progress, new_status
        self._insert(HistoryEntry, rows)

    def _attendance(self, members: list[int]) -> None:
        # In number order: the draws fall on the same meetings on every database.
        meetings = self.s.execute(
            select(Meeting.id, Meeting.number).order_by(Meeting.number)  # type: ignore[call-overload]
        ).all()
        rows = [
            {
                "meeting_id": mid,
                "agency_id": aid,
                "present": self.rng.random() < 0.85,
                "representative": "",
                "is_sample": True,
            }
            for mid, _number in meetings
            for aid in members
        ]
        self._insert(MeetingAttendance, rows)

    # places and services ------------------------------------------------------
    def _counties(self, names: Sequence[str]) -> dict[str, int]:
        first = self._next_id(County)
        rows: list[dict[str, Any]] = [
            {"id": first + i, "name": name, "is_sample": True} for i, name in enumerate(names)
        ]
        self._insert(County, rows)
        return {str(r["name"]): int(r["id"]) for r in rows}

    def _neighborhoods(
        self, spec: Sequence[tuple[str, str, str]], counties: dict[str, int]
    ) -> list[dict[str, Any]]:
        first = self._next_id(Neighborhood)
        rng = self.rng
        rows: list[dict[str, Any]] = []
        for i, (county, name, kind) in enumerate(spec):
            population = rng.randrange(3_000, 60_000, 100)
            rows.append(
                {
                    "id": first + i,
                    "county_id": counties[county],
                    "name": name,
                    "population": population,
                    "households": population // rng.choice((3, 4)),
                    "kind": kind,
                    "priority_rank": i + 1,
                    "announced_on": date(2021, 3, 21) + timedelta(days=rng.randint(0, 900)),
                    "has_facilitation_office": rng.random() < 0.5,
                    "has_transformation_office": rng.random() < 0.25,
                    "latitude": round(34.0 + rng.uniform(-1.5, 1.5), 5),
                    "longitude": round(50.0 + rng.uniform(-2.0, 2.0), 5),
                    "active": True,
                    "is_sample": True,
                }
            )
        self._insert(Neighborhood, rows)
        return rows

    def _service_types(self, short_to_id: dict[str, int]) -> dict[str, int]:
        first = self._next_id(ServiceType)
        rows: list[dict[str, Any]] = [
            {
                "id": first + i,
                "name": name,
                "unit": unit,
                "owner_agency_id": short_to_id.get(owner),
                "norm_per_1000": norm,
                "resolution_ref": ref,
                "active": True,
                "is_sample": True,
            }
            for i, (name, unit, owner, norm, ref) in enumerate(seed_data.SAMPLE_SERVICE_TYPES)
        ]
        self._insert(ServiceType, rows)
        self.service_owner = {int(r["id"]): r["owner_agency_id"] for r in rows}
        return {str(r["name"]): int(r["id"]) for r in rows}

    def _capacities(self, services: dict[str, int], members: list[int]) -> None:
        rows: list[dict[str, Any]] = []
        first = self._next_id(AgencyCapacity)
        rng = self.rng
        for sid in services.values():
            owners = {self.service_owner.get(sid)} | {rng.choice(members)}
            for aid in sorted(o for o in owners if o is not None):
                total = float(rng.randint(10, 400))
                rows.append(
                    {
                        "id": first + len(rows),
                        "agency_id": aid,
                        "service_type_id": sid,
                        "total_units": total,
                        "target_units": float(int(total * rng.uniform(0.02, 0.35))),
                        "as_of": self.as_of - timedelta(days=rng.randint(0, 120)),
                        "note": "",
                        "updated_at": self.now,
                        "version": 1,
                        "is_sample": True,
                    }
                )
        self._insert(AgencyCapacity, rows)

    def _deliveries(
        self, hoods: list[dict[str, Any]], services: dict[str, int], members: list[int]
    ) -> None:
        rng = self.rng
        owner = getattr(self, "service_owner", {})
        year = jalali.to_jalali(self.as_of).year
        start, end = jalali.jalali_month_bounds(year, 1)[0], jalali.jalali_month_bounds(year, 12)[1]
        rows: list[dict[str, Any]] = []
        first = self._next_id(ServiceDelivery)
        for h in hoods:
            if rng.random() < 0.15:
                continue  # a neighborhood that gets nothing
            for sid in rng.sample(sorted(services.values()), k=rng.randint(1, 5)):
                agency = owner.get(sid) if rng.random() < 0.7 else None
                need = h["population"] / 1000 * 0.2
                rows.append(
                    {
                        "id": first + len(rows),
                        "agency_id": agency or rng.choice(members),
                        "neighborhood_id": h["id"],
                        "service_type_id": sid,
                        "period_start": start,
                        "period_end": end,
                        "units": float(max(1, round(need * rng.uniform(0.2, 1.5)))),
                        "beneficiaries": rng.randrange(50, 3_000, 10),
                        "status": rng.choice(("planned", "active", "active", "completed")),
                        "note": "",
                        "updated_at": self.now,
                        "withdrawn": False,
                        "version": 1,
                        "is_sample": True,
                    }
                )
        self._insert(ServiceDelivery, rows)

    def _reports(self, members: list[int]) -> None:
        """Seasonal reports for the last four seasons: on time, late or missing."""
        rng = self.rng
        j = jalali.to_jalali(self.as_of)
        season = (j.month - 1) // 3 + 1
        periods = []
        y, s = j.year, season
        for _ in range(4):
            s -= 1
            if s == 0:
                y, s = y - 1, 4
            periods.append((y, s))
        rows: list[dict[str, Any]] = []
        first = self._next_id(PerformanceReport)
        for aid in members:
            d = self.diligence.get(aid, 0.5)
            for y, s in periods:
                if rng.random() > 0.35 + 0.6 * d:
                    continue  # missing
                end = jalali.jalali_season_bounds(y, s)[1]
                late = rng.random() > d
                submitted = datetime.combine(
                    end + timedelta(days=rng.randint(11, 40) if late else rng.randint(1, 9)),
                    time(10),
                    tzinfo=UTC,
                )
                rows.append(
                    {
                        "id": first + len(rows),
                        "agency_id": aid,
                        "period_kind": "season",
                        "period_year": y,
                        "period_no": s,
                        "submitted_at": min(submitted, self.now),
                        "body": "گزارش نمونه عملکرد فصلی دستگاه در محلات هدف.",
                        "figures_json": json.dumps({"beneficiaries": rng.randrange(100, 5000, 10)}),
                        "version": 1,
                        "is_sample": True,
                    }
                )
        self._insert(PerformanceReport, rows)
