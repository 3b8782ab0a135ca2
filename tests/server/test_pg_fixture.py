"""The PostgreSQL fixtures: a skip where PostgreSQL is missing, a failure where CI requires it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.postgres import Cluster

ROOT = Path(__file__).resolve().parents[2]


def _pytest_without_postgresql(require: bool) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEGALAID_PG_BINDIR": "/nonexistent"}
    env["LEGALAID_REQUIRE_PG"] = "1" if require else ""
    test = "tests/server/test_pg_fixture.py::test_the_cluster_is_reachable_only_by_its_socket"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rsf", test]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.skipif(
    os.environ.get("LEGALAID_PG_BINDIR") == "/nonexistent", reason="the inner run itself"
)
def test_missing_postgresql_skips_unless_required() -> None:
    skipped = _pytest_without_postgresql(require=False)
    assert skipped.returncode == 0, skipped.stdout
    assert "1 skipped" in skipped.stdout and "PostgreSQL is not installed" in skipped.stdout
    failed = _pytest_without_postgresql(require=True)
    assert failed.returncode == 1, failed.stdout
    assert "LEGALAID_REQUIRE_PG=1" in failed.stdout


def test_the_cluster_is_reachable_only_by_its_socket(pg_cluster: Cluster, pg_database: str) -> None:
    assert len(str(pg_cluster.folder / ".s.PGSQL.5432")) < 107
    with psycopg.connect(pg_database) as conn:
        settings: dict[str, str] = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN"
                " ('listen_addresses', 'fsync', 'unix_socket_directories')"
            ).fetchall()
        )
    assert settings == {
        "listen_addresses": "",
        "fsync": "off",
        "unix_socket_directories": str(pg_cluster.folder),
    }
    assert pg_cluster.start_seconds < 30
