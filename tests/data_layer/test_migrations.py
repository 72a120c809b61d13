"""Tests for data_layer.migrate and the Alembic migrations."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

import data_layer.models
import data_layer.models_dossier
import data_layer.models_hub
import data_layer.models_indicators
import data_layer.models_messages
import data_layer.models_priority  # noqa: F401
from data_layer.db import get_engine
from data_layer.migrate import alembic_config, upgrade


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(url: str) -> str | None:
    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_of(url: str) -> dict[str, object]:
    """Tables with their columns, indexes and unique constraints, as the database reports."""
    with get_engine(url).connect() as conn:
        db = inspect(conn)
        return {
            table: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in db.get_columns(table)],
                sorted(i["name"] or "" for i in db.get_indexes(table)),
                sorted(u["name"] or "" for u in db.get_unique_constraints(table)),
            )
            for table in sorted(db.get_table_names())
        }


def test_upgrade_creates_every_table_and_stamps_the_head(empty_db_url: str) -> None:
    assert schema_of(empty_db_url) == {}
    upgrade(empty_db_url)
    tables = set(schema_of(empty_db_url))
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}
    assert current_revision(empty_db_url) == head_revision(empty_db_url)
    assert head_revision(empty_db_url) is not None


def test_migrations_match_the_models(db_url: str) -> None:
    with get_engine(db_url).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_running_upgrade_twice_is_a_no_op(seeded_url: str) -> None:
    # The fixture and the seed have upgraded this database already; once more changes nothing.
    db_url = seeded_url
    schema = schema_of(db_url)
    with get_engine(db_url).connect() as conn:
        rows = {t.name: conn.execute(t.select()).all() for t in SQLModel.metadata.sorted_tables}
    upgrade(db_url)
    assert schema_of(db_url) == schema
    with get_engine(db_url).connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            assert conn.execute(table.select()).all() == rows[table.name], table.name
    assert current_revision(db_url) == head_revision(db_url)
