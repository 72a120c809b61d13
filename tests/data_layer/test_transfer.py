"""Moving from the embedded SQLite to PostgreSQL copies every row."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from data_layer.commands.messages import queue_message
from data_layer.db import get_engine, write_session
from data_layer.models import County
from data_layer.models_messages import ContactChannel
from data_layer.seed import seed
from data_layer.transfer import transfer
from tests.conftest import _create_postgres_database, _drop_postgres_database


def _counts(url: str) -> dict[str, int]:
    with get_engine(url).connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
        }


@pytest.mark.postgres
def test_every_row_moves_from_sqlite_to_postgresql_and_new_rows_get_fresh_ids(
    sqlite_url: str,
) -> None:
    seed(sqlite_url, sample=True, as_of=date(2026, 11, 28))
    with write_session(sqlite_url) as s:  # the outbox and a person's channel move too
        queue_message(
            s,
            key="k",
            kind="digest",
            day=date(2026, 11, 28),
            channel="sms",
            address="09121234567",
            body_text="متن",
        )
        s.add(ContactChannel(user_id=1, kind="sms", address="09121234567"))
    target = _create_postgres_database()
    try:
        copied = transfer(sqlite_url, target)
        assert _counts(target) == _counts(sqlite_url)
        assert copied["assignment"] > 0
        assert (copied["outbox_message"], copied["contact_channel"]) == (1, 1)
        with write_session(target) as s:  # sequences moved past the copied ids
            s.add(County(name="شهرستان تازه پس از انتقال"))
    finally:
        _drop_postgres_database(target)


@pytest.mark.postgres
def test_a_target_with_rows_is_refused(sqlite_url: str) -> None:
    seed(sqlite_url, sample=False)
    target = _create_postgres_database()
    try:
        seed(target, sample=False)
        with pytest.raises(SystemExit):
            transfer(sqlite_url, target)
    finally:
        _drop_postgres_database(target)
