"""The deployment scripts: a backup holds the evidence files and restores whole."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from data_layer.auth import sign_in_url
from data_layer.commands.evidence import add_evidence
from data_layer.db import dispose_engine, get_engine, read_session, write_session
from data_layer.migrate import upgrade
from data_layer.models import Assignment, Evidence
from data_layer.seed import seed
from tests.conftest import _create_postgres_database, _drop_postgres_database

ROOT = Path(__file__).resolve().parents[1]
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40


def _with_evidence(url: str) -> str:
    """Seed, attach one document as Education's liaison; return its sha256."""
    seed(url, sample=True, as_of=date(2026, 11, 28))
    actor, _ = sign_in_url(url, username="agency02", password="namune-1402")
    with write_session(url) as s:
        row = s.exec(select(Assignment).where(Assignment.agency_id == actor.agency_id)).first()
        assert row is not None
        add_evidence(s, actor=actor, assignment_id=row.id, filename="صورتجلسه.pdf", content=PDF)  # type: ignore[arg-type]
    return hashlib.sha256(PDF).hexdigest()


def _evidence_shas(url: str) -> list[str]:
    with read_session(url) as s:
        return [hashlib.sha256(e.content).hexdigest() for e in s.exec(select(Evidence)).all()]


def _backup(url: str, dest: Path) -> Path:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(["sh", str(ROOT / "deploy" / "backup.sh"), str(dest)], env=env, check=True)
    (written,) = list(dest.glob("dashboard-*"))
    return written


def test_a_sqlite_backup_restores_with_its_evidence(sqlite_url: str, tmp_path: Path) -> None:
    sha = _with_evidence(sqlite_url)
    copy = _backup(sqlite_url, tmp_path / "backups")
    restored = f"sqlite:///{copy}"
    try:
        assert _evidence_shas(restored) == [sha]
    finally:
        dispose_engine(restored)


@pytest.mark.postgres
def test_a_postgresql_dump_restores_with_its_evidence(tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        if os.environ.get("CI", "").lower() in {"1", "true"}:
            pytest.fail("pg_dump/pg_restore are missing; .ci/run installs postgresql-client")
        pytest.skip("pg_dump/pg_restore are not installed")
    source, target = _create_postgres_database(), _create_postgres_database()
    try:
        upgrade(source)
        sha = _with_evidence(source)
        dump = _backup(source, tmp_path / "backups")
        plain = target.replace("+psycopg", "")
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={plain}", str(dump)], check=True)
        assert _evidence_shas(target) == [sha]
        with get_engine(target).connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM assignment")).scalar() > 0
    finally:
        _drop_postgres_database(source)
        _drop_postgres_database(target)
