"""Migration 0008: the unique A-number becomes a plain index, on SQLite and on PostgreSQL."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from legalaid.db import Database

MIGRATION = (
    Path(__file__).parents[2] / "legalaid" / "migrations" / "versions" / "0008_anumber_index.py"
)
PERSON = """INSERT INTO person(id, created_at, updated_at, version, case_id, relationship,
    given_names, family_names, sex, language, needs_interpreter, a_number, position, active)
    VALUES (?, '2026-01-01', '2026-01-01', 1, 'c1', 'principal', 'Ana', 'Paz', 'female',
    'es', 0, '012345678', ?, 1)"""


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("anumber_index", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(conn: sa.Connection, step: str) -> None:
    with Operations.context(MigrationContext.configure(conn)):
        getattr(_migration(), step)()


def _schema(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))


def _home_at_0005(path: Path) -> None:
    db = Database(path)
    db.upgrade("0005_papers")
    db.dispose()
    conn = sqlite3.connect(path)
    conn.execute("""INSERT INTO "case"(id, created_at, updated_at, version, case_number, status,
        city, address_mx, shelter, nta_address, eoir33_filed, phone, whatsapp, representative,
        letter_languages, notes, is_demo) VALUES ('c1', '2026-01-01', '2026-01-01', 1,
        'TIJ-2026-0001', 'open', '', '', '', '', 0, '', '', '', 'es,en', '', 0)""")
    conn.execute(PERSON, ("p1", 0))
    conn.commit()
    with pytest.raises(sqlite3.IntegrityError):  # 0005: one A-number, one person
        conn.execute(PERSON, ("p2", 1))
    conn.close()


def test_sqlite_upgrade_keeps_the_triggers_and_allows_a_shared_anumber(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _home_at_0005(path)
    before = _schema(path)
    db = Database(path)
    db.upgrade("0008_anumber_index")  # this migration's own changes (later ones add tables)
    db.dispose()
    after = _schema(path)
    # Only the person table (its UNIQUE gone) and the new index differ; every trigger is back.
    assert {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)} == {
        "person",
        "ix_person_a_number",
    }
    assert "UNIQUE" not in after["person"] and "UNIQUE" in before["person"]
    conn = sqlite3.connect(path)
    conn.execute(PERSON, ("p2", 1))  # allowed now
    conn.commit()
    indexes = {row[1]: (row[2], row[3]) for row in conn.execute("PRAGMA index_list(person)")}
    assert indexes["ix_person_a_number"] == (0, "c")  # a plain index
    assert [origin for _unique, origin in indexes.values() if origin == "u"] == []
    assert conn.execute("SELECT count(*) FROM person_search").fetchone()[0] == 2  # triggers ran
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_sqlite_downgrade_is_refused_while_an_anumber_is_shared(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _home_at_0005(path)
    before = _schema(path)
    db = Database(path)
    db.upgrade("0008_anumber_index")  # this migration's own changes (later ones add tables)
    db.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute(PERSON, ("p2", 1))
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn, pytest.raises(RuntimeError, match="more than one person"):
        _run(conn, "downgrade")
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM person WHERE id = 'p2'")
        _run(conn, "downgrade")
    engine.dispose()
    back = _schema(path)
    assert back.keys() - {"ix_person_a_number"} == before.keys()
    assert "ix_person_a_number" not in back and "UNIQUE" in back["person"]


def test_postgresql_upgrade_and_downgrade(pg_database: str) -> None:
    """The same migration on the test session's PostgreSQL (tests/postgres.py)."""
    engine = sa.create_engine(pg_database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS person")
        metadata = sa.MetaData()
        sa.Table(  # person's A-number as migration 0001 made it
            "person",
            metadata,
            sa.Column("id", sa.String(36), primary_key=True),
            sa.Column("a_number", sa.String(9)),
            sa.UniqueConstraint("a_number"),
        )
        metadata.create_all(conn)
        _run(conn, "upgrade")
        inspector = sa.inspect(conn)
        assert inspector.get_unique_constraints("person") == []
        assert [(i["name"], i["unique"]) for i in inspector.get_indexes("person")] == [
            ("ix_person_a_number", False)
        ]
        conn.exec_driver_sql("INSERT INTO person VALUES ('p1', '012345678'), ('p2', '012345678')")
        with pytest.raises(RuntimeError, match="more than one person"):
            _run(conn, "downgrade")
        conn.exec_driver_sql("DELETE FROM person WHERE id = 'p2'")
        _run(conn, "downgrade")
        unique = sa.inspect(conn).get_unique_constraints("person")
        assert [(u["name"], u["column_names"]) for u in unique] == [
            ("person_a_number_key", ["a_number"])
        ]
        conn.exec_driver_sql("DROP TABLE person")
    engine.dispose()
