"""The counts the writes keep for the secretariat's inbox (migration 0018): the claims
waiting per agency (`claim_tally`) and an agency's open rows without a planned date
per their resolution's due date (`unplanned_due_tally`, the ladder's oldest such row).

- The triggers exist at the head (a later migration rebuilding `assignment` or
  `resolution` on SQLite would drop them) and the seeded sample is tallied as it is
  counted.
- After every step of a random sequence of the commands that move them (a liaison
  reports or plans a date, the secretariat rules, evidence is attached, rows are
  rescheduled, withdrawn or marked done in bulk, an agency is merged into another)
  both tallies equal a full recount, whether the command was carried out or refused.
- The same after every step of random direct writes: single and bulk UPDATEs of each
  watched column (agency and resolution moves included), a resolution's due date
  moved or cleared, INSERTs, DELETEs, and transactions rolled back midway.
- The migration counts the claims already there; the repair finds a wrong tally,
  says which agencies were wrong and recounts them; the command line exits 1 while a
  tally is wrong.
- Two agencies' liaisons save at the same time without waiting for each other (on
  PostgreSQL: one agency's open transaction does not hold the other's tally row).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Connection, delete, func, insert, inspect, select, text, update
from sqlmodel import Session, col

from data_layer.commands.agencies import merge_agency
from data_layer.commands.assignments import AssignmentChanges, update_assignment
from data_layer.commands.evidence import add_evidence
from data_layer.commands.triage import bulk_mark_done, bulk_reschedule, bulk_withdraw
from data_layer.commands.verification import verify_assignment
from data_layer.db import get_engine, read_session, write_session
from data_layer.errors import UserFacingError
from data_layer.migrate import alembic_config
from data_layer.models import (
    Agency,
    Assignment,
    ClaimTally,
    Resolution,
    Role,
    UnplannedDueTally,
    Verification,
)
from data_layer.permissions import Actor
from data_layer.queries.assignments import claims_count
from data_layer.queries.tallies import (
    claim_recount,
    claim_tally,
    claims_waiting,
    unplanned_due_recount,
    unplanned_due_tally,
)
from data_layer.tallies import drift, rebuild_tallies
from data_layer.tallies import main as tallies_main
from tests.data_layer.commands import add_user

AT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
DAY = date(2026, 11, 28)
STATUSES = ["not_started", "in_progress", "done", "blocked", "needs_follow_up"]
VERDICTS = ["document_seen", "field_verified", "rejected"]
SQLITE_TRIGGERS = {
    f"{tally}_on_{event}"
    for tally in ("claim_tally", "unplanned_due")
    for event in ("insert", "delete", "leave", "enter")
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _right(url: str) -> None:
    """Both tallies equal their recounts, entry by entry (and the claims in total)."""
    with read_session(url) as s:
        assert drift(s) == {"claim_tally": {}, "unplanned_due_tally": {}}
        assert claims_waiting(s) == claims_count(s, None)[0] == sum(claim_recount(s).values())


def test_the_triggers_exist_at_the_head(db_url: str) -> None:
    with get_engine(db_url).connect() as conn:
        if conn.dialect.name == "sqlite":
            found = conn.execute(
                text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            )
            names = {(table, name) for table, name in found.all()}
            assert {("assignment", n) for n in SQLITE_TRIGGERS} <= names
            assert ("resolution", "resolution_due_follow") in names
        else:
            found = conn.execute(
                text(
                    "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
                )
            )
            assert {
                ("assignment", "claim_tally_follow"),
                ("assignment", "unplanned_due_follow"),
                ("resolution", "resolution_due_follow"),
            } <= {(table, name) for table, name in found.all()}


def test_the_sample_is_tallied_as_it_is_counted(seeded_url: str) -> None:
    _right(seeded_url)
    with read_session(seeded_url) as s:
        assert claims_waiting(s) > 20
        assert len(claim_tally(s)) > 3  # spread over agencies, one row each
        assert len({a for a, _ in unplanned_due_tally(s)}) > 3


# --- the commands ---------------------------------------------------------------------------


def _cast(url: str) -> tuple[Actor, dict[int, Actor], list[int]]:
    """The secretariat, a liaison per agency, and every row id."""
    with write_session(url) as s:
        dabir = add_user(s, "dabir_tally", "دبیرخانه", Role.SECRETARIAT.value)
        rows = list(s.execute(select(Assignment).order_by(col(Assignment.id))).scalars())
        editors = {
            agency: add_user(
                s, f"tally_{agency}", f"رابط {agency}", Role.AGENCY_EDITOR.value, agency
            )
            for agency in sorted({r.agency_id for r in rows})
        }
        return dabir, editors, [int(r.id or 0) for r in rows]


def _row(url: str, row_id: int) -> Assignment:
    with read_session(url) as s:
        row = s.get(Assignment, row_id)
        assert row is not None
        return row


def _report(s: Session, rng: random.Random, editor: Actor, row: Assignment, at: datetime) -> None:
    status = rng.choice(STATUSES)
    progress = {"done": 100, "not_started": 0}.get(status, rng.randint(1, 99))
    why = "در انتظار تخصیص اعتبار" if status == "blocked" else None
    changes = AssignmentChanges(status=status, progress=progress, next_step=why)
    if rng.random() < 0.2:
        changes = AssignmentChanges(next_step="پیگیری با استانداری")  # reported, not a claim
    elif rng.random() < 0.2:  # a planned date: the row leaves the unplanned ones
        changes = AssignmentChanges(
            status=status,
            progress=progress,
            next_step=why,
            planned_date="۱۴۰۶/۰۳/۰۱",
            reschedule_reason="تأخیر در تأمین اعتبار",
        )
    update_assignment(
        s,
        actor=editor,
        assignment_id=int(row.id or 0),
        expected_version=row.version,
        changes=changes,
        now=at,
    )


def _command(
    url: str, rng: random.Random, cast: tuple[Actor, dict[int, Actor], list[int]], at: datetime
) -> str:
    """One random command on one random row (it may be refused: then nothing changes)."""
    dabir, editors, ids = cast
    row = _row(url, rng.choice(ids))
    editor = editors.get(row.agency_id)
    kind = rng.choice(
        ["report", "report", "verify", "verify", "evidence", "done", "withdraw", "reschedule"]
    )
    with write_session(url) as s:
        row_id = int(row.id or 0)
        if kind == "report" and editor is not None:
            _report(s, rng, editor, row, at)
        elif kind == "verify":
            verify_assignment(
                s,
                actor=dabir,
                assignment_id=row_id,
                expected_version=row.version,
                verdict=rng.choice(VERDICTS),
                note="بازدید میدانی انجام شد",
                now=at,
            )
        elif kind == "evidence" and editor is not None:
            add_evidence(
                s, actor=editor, assignment_id=row_id, filename="عکس.png", content=PNG, now=at
            )
        elif kind == "done":
            bulk_mark_done(s, actor=dabir, rows={row_id: row.version}, reason="پالایش", now=at)
        elif kind == "withdraw":
            bulk_withdraw(s, actor=dabir, rows={row_id: row.version}, reason="پالایش", now=at)
        elif kind == "reschedule":
            bulk_reschedule(
                s,
                actor=dabir,
                rows={row_id: row.version},
                new_date="۱۴۰۶/۰۲/۱۰",
                reason="پالایش",
                now=at,
            )
    return kind


@pytest.mark.parametrize("seed_no", [1, 2])
def test_after_every_command_the_tally_equals_a_recount(seeded_url: str, seed_no: int) -> None:
    rng = random.Random(seed_no)
    cast = _cast(seeded_url)
    done: dict[str, int] = {}
    refused = 0
    for step in range(60):
        try:
            kind = _command(seeded_url, rng, cast, AT + timedelta(minutes=step))
            done[kind] = done.get(kind, 0) + 1
        except UserFacingError:
            refused += 1  # refused as a whole: the tally must not have moved either
        _right(seeded_url)
    assert {"report", "verify", "evidence", "reschedule"} <= done.keys()
    with write_session(seeded_url) as s:  # an agency merged into another: its claims move
        a, b = sorted(claim_tally(s))[:2]
        merged = merge_agency(s, actor=cast[0], agency_id=a, into_id=b, reason="ادغام دو دستگاه")
    assert merged
    _right(seeded_url)
    with read_session(seeded_url) as s:
        assert a not in claim_tally(s)
        assert a not in {agency for agency, _ in unplanned_due_tally(s)}


# --- direct writes ----------------------------------------------------------------------------


def _set(rng: random.Random, agencies: list[int], resolutions: list[int]) -> dict[str, object]:
    """Random values for one to three of the watched columns (and one not watched)."""
    choices: dict[str, object] = {
        "verification": rng.choice([v.value for v in Verification]),
        "reported_at": rng.choice([None, AT, AT + timedelta(days=1)]),
        "withdrawn": rng.random() < 0.3,
        "status": rng.choice(STATUSES),
        "planned_date": rng.choice([None, None, DAY, DAY + timedelta(days=40)]),
        "agency_id": rng.choice(agencies),
        "resolution_id": rng.choice(resolutions),
        "progress": rng.randint(0, 100),
    }
    keys = rng.sample(sorted(choices), rng.randint(1, 3))
    return {k: choices[k] for k in keys}


def _update(conn: Connection, rng: random.Random, kind: str, values: dict[str, object]) -> None:
    """UPDATE one row or 25; a row moved to another agency or resolution moves alone,
    and only to a (resolution, agency) pair no row holds yet."""
    ids = list(conn.execute(select(col(Assignment.id))).scalars())
    chosen = rng.sample(ids, 1 if kind == "one" else 25)
    if "agency_id" in values or "resolution_id" in values:
        chosen = chosen[:1]
        now = conn.execute(
            select(col(Assignment.resolution_id), col(Assignment.agency_id)).where(
                col(Assignment.id) == chosen[0]
            )
        ).one()
        pair = (values.get("resolution_id", now[0]), values.get("agency_id", now[1]))
        taken = conn.execute(
            select(func.count()).where(
                col(Assignment.resolution_id) == pair[0], col(Assignment.agency_id) == pair[1]
            )
        ).scalar_one()
        if taken:
            values = {k: v for k, v in values.items() if k not in ("agency_id", "resolution_id")}
    if values:
        conn.execute(update(Assignment).where(col(Assignment.id).in_(chosen)), values)


def _direct(url: str, rng: random.Random, agencies: list[int], added: list[int]) -> str:
    """One random direct write (or a transaction rolled back halfway)."""
    kind = rng.choice(["one", "one", "bulk", "insert", "delete", "rollback", "due", "dues"])
    with get_engine(url).connect() as conn, conn.begin() as tx:
        resolutions = list(conn.execute(select(col(Resolution.id))).scalars())
        if kind in ("one", "bulk", "rollback"):
            _update(conn, rng, "one" if kind == "one" else "bulk", _set(rng, agencies, resolutions))
            if kind == "rollback":
                tx.rollback()
        elif kind in ("due", "dues"):  # a resolution's due date moved, set or cleared
            chosen = rng.sample(resolutions, 1 if kind == "due" else 10)
            due = rng.choice([None, DAY, DAY - timedelta(days=90), DAY + timedelta(days=30)])
            conn.execute(
                update(Resolution).where(col(Resolution.id).in_(chosen)).values(due_date=due)
            )
        elif kind == "insert":
            taken = set(
                conn.execute(select(col(Assignment.resolution_id), col(Assignment.agency_id)))
            )
            pairs = [(r, a) for r in resolutions for a in agencies if (r, a) not in taken]
            resolution_id, agency_id = rng.choice(pairs)
            new_id = conn.execute(
                insert(Assignment)
                .values(
                    resolution_id=resolution_id,
                    agency_id=agency_id,
                    status=rng.choice(STATUSES),
                    planned_date=rng.choice([None, DAY]),
                    verification=Verification.UNVERIFIED.value,
                    reported_at=rng.choice([None, AT]),
                    withdrawn=rng.random() < 0.2,
                    updated_at=AT,
                )
                .returning(col(Assignment.id))
            ).scalar_one()
            added.append(int(new_id))
        elif kind == "delete" and added:  # a row of ours: nothing else refers to it
            conn.execute(delete(Assignment).where(col(Assignment.id) == added.pop()))
    return kind


def test_after_every_direct_write_the_tally_equals_a_recount(seeded_url: str) -> None:
    rng = random.Random(7)
    with read_session(seeded_url) as s:
        agencies = list(s.execute(select(col(Agency.id)).order_by(col(Agency.id))).scalars())[:6]
    added: list[int] = []
    kinds: set[str] = set()
    for _ in range(100):
        kinds.add(_direct(seeded_url, rng, agencies, added))
        _right(seeded_url)
    assert kinds == {"one", "bulk", "insert", "delete", "rollback", "due", "dues"}


# --- the migration, the repair, the command line --------------------------------------------


def test_the_migration_counts_what_is_already_there(seeded_url: str) -> None:
    cfg = alembic_config(seeded_url)
    command.downgrade(cfg, "0013")
    with get_engine(seeded_url).connect() as conn:
        assert not inspect(conn).has_table("claim_tally")
        assert not inspect(conn).has_table("unplanned_due_tally")
    command.upgrade(cfg, "head")
    _right(seeded_url)
    with read_session(seeded_url) as s:
        assert claims_waiting(s) > 20
        assert sum(unplanned_due_tally(s).values()) >= 10


def test_the_repair_finds_and_recounts_a_wrong_tally(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with read_session(seeded_url) as s:
        kept = claim_tally(s)
        owed = unplanned_due_recount(s)
    first, second = sorted(kept)[:2]
    day = min(owed)
    with get_engine(seeded_url).begin() as conn:  # as a hand edit would leave it
        conn.execute(
            update(ClaimTally).where(col(ClaimTally.agency_id) == first).values(waiting=999)
        )
        conn.execute(delete(ClaimTally).where(col(ClaimTally.agency_id) == second))
        conn.execute(
            delete(UnplannedDueTally).where(
                col(UnplannedDueTally.agency_id) == day[0], col(UnplannedDueTally.due_on) == day[1]
            )
        )
    assert tallies_main(["--database-url", seeded_url]) == 1
    assert f"claim_tally {first}: kept 999, counted {kept[first]}" in capsys.readouterr().out
    with write_session(seeded_url) as s:
        wrong = rebuild_tallies(s)
    assert wrong == {
        "claim_tally": {first: (999, kept[first]), second: (0, kept[second])},
        "unplanned_due_tally": {day: (0, owed[day])},
    }
    _right(seeded_url)
    assert tallies_main(["--database-url", seeded_url]) == 0
    assert "every tally is right" in capsys.readouterr().out
    with get_engine(seeded_url).begin() as conn:
        conn.execute(delete(ClaimTally))
        conn.execute(delete(UnplannedDueTally))
    assert tallies_main(["--database-url", seeded_url, "--repair"]) == 0
    _right(seeded_url)


# --- no row every save locks ------------------------------------------------------------------


def test_two_agencies_save_at_once_without_waiting_for_each_other(seeded_url: str) -> None:
    """One agency's claim is written and its transaction left open; another agency's
    claim is written and committed meanwhile (PostgreSQL: a row lock shared by both
    would stop the second at its lock timeout, an error, not a slow pass)."""
    with read_session(seeded_url) as s:
        kept = claim_tally(s)
        a, b = sorted(kept)[:2]
        row_a, row_b = (
            s.execute(
                select(col(Assignment.id))
                .where(
                    col(Assignment.agency_id) == agency,
                    col(Assignment.reported_at).is_(None),
                    col(Assignment.withdrawn).is_(False),
                    col(Assignment.verification) == Verification.UNVERIFIED.value,
                )
                .limit(1)
            ).scalar_one()
            for agency in (a, b)
        )
    engine = get_engine(seeded_url)
    with engine.connect() as first:
        first.begin()
        first.execute(update(Assignment).where(col(Assignment.id) == row_a).values(reported_at=AT))
        if engine.dialect.name == "sqlite":
            # One writer at a time by design (whatever the rows): the second save follows.
            first.commit()
        with engine.connect() as second, second.begin():
            second.execute(
                update(Assignment).where(col(Assignment.id) == row_b).values(reported_at=AT)
            )
        if engine.dialect.name != "sqlite":
            first.commit()
    with read_session(seeded_url) as s:
        now = claim_tally(s)
        total = s.execute(select(func.sum(col(ClaimTally.waiting)))).scalar_one()
    assert (now[a], now[b]) == (kept[a] + 1, kept[b] + 1)
    assert total == sum(kept.values()) + 2
    _right(seeded_url)
