"""The laptops' Alembic migrations on a real PostgreSQL: step by step, rows kept, models agree,
accent-insensitive search in SQL, down to nothing and up again."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from legalaid.db import Database, alembic_config, head_revision
from legalaid.reference_data import reference_id
from legalaid.server.connect import engine

SEARCH_TABLES = ("case_fts", "case_search", "person_fts", "person_search")


def _upgrade(url: str, revision: str) -> None:
    with engine(url).connect() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.commit()


def _downgrade(url: str, revision: str) -> None:
    with engine(url).connect() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
        conn.commit()


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _version(url: str) -> str | None:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def test_step_by_step_from_the_first_revision_to_head(pg_database: str) -> None:
    revisions = _revisions()
    assert revisions[0] == "0001" and revisions[-1] == head_revision()
    for revision in revisions:
        _upgrade(pg_database, revision)
        assert _version(pg_database) == revision


def _differences(conn: Any) -> list[Any]:
    with warnings.catch_warnings():
        # ix_hearing_report_order (0011) is on an expression, which SQLAlchemy cannot reflect.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # The search tables are made by hand in migrations (FTS5 / tsvector), not by the models;
    # so is the expression index ix_hearing_report_order (0011).
    hand_made = (*SEARCH_TABLES, "ix_hearing_report_order")
    return [d for d in diffs if not any(name in str(d) for name in hand_made)]


def test_models_and_migrated_schema_agree_on_postgresql(pg_database: str) -> None:
    _upgrade(pg_database, "head")
    with engine(pg_database).connect() as conn:
        assert _differences(conn) == []


def test_models_and_migrated_schema_agree_on_sqlite(tmp_path: Path) -> None:
    db = Database(tmp_path / "x.db")
    db.upgrade()
    with db.engine.connect() as conn:
        assert _differences(conn) == []
    db.dispose()


def _fill_first_schema(url: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("""INSERT INTO crossing VALUES ('x1', '2026-01-01', '2026-01-01', 1, 'SYS',
            'San Ysidro', 'San Ysidro', 'Tijuana, B.C.', 'San Ysidro, CA', '', '', '',
            'America/Los_Angeles', 'America/Tijuana', NULL, 4.0, true)""")
        conn.execute("""INSERT INTO court(id, created_at, updated_at, version, code, name_es,
            name_en, address, city, zone, phone, by_video, confirmed, active) VALUES ('k1',
            '2026-01-01', '2026-01-01', 1, 'SDG', 'Corte', 'Court', '', '',
            'America/Los_Angeles', '', false, true, true)""")
        conn.execute("""INSERT INTO "case"(id, created_at, updated_at, version, case_number,
            status, city, address_mx, shelter, nta_address, eoir33_filed, phone, whatsapp,
            crossing_id, representative, letter_languages, notes, is_demo) VALUES ('c1',
            '2026-01-01', '2026-01-01', 3, 'TIJ-2026-0001', 'open', 'Tijuana', '', '', '',
            false, '', '', 'x1', '', 'es,en', 'nota', false)""")
        people = [("José", "Hernández Núñez", "012345678"), ("Íñigo", "Peña", None)]
        for i, (given, family, anum) in enumerate(people):
            conn.execute(
                """INSERT INTO person(id, created_at, updated_at, version, case_id,
                relationship, given_names, family_names, sex, language, needs_interpreter,
                a_number, position, active) VALUES (%s, '2026-01-01', '2026-01-01', 1, 'c1',
                'principal', %s, %s, 'male', 'es', false, %s, %s, true)""",
                (f"p{i}", given, family, anum, i),
            )
        conn.execute("""INSERT INTO hearing(id, created_at, updated_at, version, case_id,
            court_id, crossing_id, starts_at, zone, report_at, kind, mode, status, outcome,
            source, verified_by, notes) VALUES ('h1', '2026-01-01', '2026-01-01', 1, 'c1', 'k1',
            'x1', '2026-06-01 15:00:00', 'America/Los_Angeles', '2026-06-01 11:00:00', 'master',
            'in_person', 'scheduled', '', 'nta', '', '')""")
        conn.execute("""INSERT INTO hearing_attendee VALUES ('a1', '2026-01-01', '2026-01-01', 1,
            'h1', 'p0')""")


def _dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    tables = ["case", "person", "hearing", "hearing_attendee", "court"]
    with psycopg.connect(url) as conn:
        out = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
        crossing = conn.execute("SELECT * FROM crossing ORDER BY id").fetchall()
    out["crossing"] = [row[:17] for row in crossing]  # later columns are compared elsewhere
    out["case"] = [row[:23] for row in out["case"]]  # 0011_sharing's three columns are new
    return out


def _search(url: str, table: str, column: str, words: str) -> list[str]:
    key = "case_id" if table == "case_search" else "person_id"
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f"SELECT {key} FROM {table} WHERE tsv @@ to_tsquery('legalaid_search', %s)"
            f" ORDER BY {key}",
            (words,),
        ).fetchall()
    return [row[0] for row in rows]


def test_rows_written_at_the_first_revision_survive_and_are_searchable(pg_database: str) -> None:
    _upgrade(pg_database, "0001")
    _fill_first_schema(pg_database)
    before = _dump(pg_database)
    _upgrade(pg_database, "head")
    assert _version(pg_database) == head_revision()
    # Migration 0006 gave the crossing and the court their ids derived from their codes.
    moved = {"x1": reference_id("crossing", "SYS"), "k1": reference_id("court", "SDG")}
    before = {t: [tuple(moved.get(v, v) for v in r) for r in rows] for t, rows in before.items()}
    after = _dump(pg_database)
    # Columns added to the case by later migrations (merged_into, 0011) are not compared.
    after["case"] = [row[: len(before["case"][0])] for row in after["case"]]
    assert after == before
    # The backfilled index: no accent, any case, a prefix, the A-number.
    assert _search(pg_database, "case_search", "body", "jose & hernandez") == ["c1"]
    assert _search(pg_database, "case_search", "body", "INIGO & pen:*") == ["c1"]
    assert _search(pg_database, "case_search", "body", "012345678") == ["c1"]
    assert _search(pg_database, "person_search", "names", "nunez") == ["p0"]
    with psycopg.connect(pg_database) as conn:
        sort_name = conn.execute("SELECT sort_name FROM case_search").fetchone()
    assert sort_name == ("hernandez nunez jose",)


def test_search_follows_every_write_and_finds_names_typed_with_errors(pg_database: str) -> None:
    _upgrade(pg_database, "0001")
    _fill_first_schema(pg_database)
    _upgrade(pg_database, "head")
    with psycopg.connect(pg_database) as conn:
        conn.execute("UPDATE person SET given_names = 'María José' WHERE id = 'p1'")
        conn.execute("UPDATE \"case\" SET case_number = 'MXL-2026-0042' WHERE id = 'c1'")
    assert _search(pg_database, "person_search", "names", "maria & jose") == ["p1"]
    assert _search(pg_database, "case_search", "body", "mxl") == ["c1"]
    assert _search(pg_database, "case_search", "body", "inigo") == []
    with psycopg.connect(pg_database) as conn:
        conn.execute("DELETE FROM person WHERE id = 'p1'")
        assert conn.execute("SELECT count(*) FROM person_search").fetchone() == (1,)
        # Trigram similarity on the unaccented, lower-case names: "Hernandes Nunes" typed.
        rows = conn.execute(
            """SELECT person_id, similarity(legalaid_unaccent(lower(names)), %s) AS score
               FROM person_search WHERE legalaid_unaccent(lower(names)) %% %s""",
            ("jose hernandes nunes", "jose hernandes nunes"),
        ).fetchall()
        assert [r[0] for r in rows] == ["p0"] and rows[0][1] > 0.5
        conn.execute("SET enable_seqscan = off")  # two rows: make the planner show the index
        plan = conn.execute(
            """EXPLAIN SELECT person_id FROM person_search
               WHERE legalaid_unaccent(lower(names)) % 'hernandes'"""
        ).fetchall()
    assert "ix_person_search_trgm" in " ".join(row[0] for row in plan)


def test_accents_fold_in_plain_sql(pg_database: str) -> None:
    _upgrade(pg_database, "head")
    with psycopg.connect(pg_database) as conn:
        row = conn.execute(
            """SELECT to_tsvector('legalaid_search', 'José Íñiguez HERNÁNDEZ')
                      @@ to_tsquery('legalaid_search', 'Jose & iniguez & hernan:*'),
                      legalaid_unaccent('Peña Núñez')"""
        ).fetchone()
    assert row == (True, "Pena Nunez")


def test_down_to_base_and_up_again(pg_database: str) -> None:
    _upgrade(pg_database, "head")
    _downgrade(pg_database, "base")
    with psycopg.connect(pg_database) as conn:
        left = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    assert left == [("alembic_version",)]
    _upgrade(pg_database, "head")
    assert _version(pg_database) == head_revision()


@pytest.mark.parametrize("revision", ["0002", "0004"])
def test_each_step_down_and_up_again(pg_database: str, revision: str) -> None:
    _upgrade(pg_database, "0001")
    _fill_first_schema(pg_database)
    _upgrade(pg_database, "head")
    _downgrade(pg_database, revision)
    _upgrade(pg_database, "head")
    assert _search(pg_database, "case_search", "body", "jose") == ["c1"]


def test_sqlite_down_and_up_again_keeps_its_fts5_search(tmp_path: Path) -> None:
    """The SQLite branches of the same migrations, after the PostgreSQL ones were added."""
    import sqlite3

    path = tmp_path / "x.db"
    db = Database(path)
    db.upgrade()
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
        conn.commit()
    db.dispose()
    db = Database(path)
    db.upgrade()
    db.dispose()
    with sqlite3.connect(path) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert {"case_fts", "person_fts", "case_search_au", "person_search_person_ai"} <= names
        conn.execute("""INSERT INTO "case"(id, created_at, updated_at, version, case_number,
            status, city, address_mx, shelter, nta_address, eoir33_filed, phone, whatsapp,
            representative, letter_languages, notes, is_demo) VALUES ('c1', '2026-01-01',
            '2026-01-01', 1, 'TIJ-2026-0001', 'open', '', '', '', '', 0, '', '', '', 'es', '',
            0)""")
        conn.execute("""INSERT INTO person(id, created_at, updated_at, version, case_id,
            relationship, given_names, family_names, sex, language, needs_interpreter,
            position, active) VALUES ('p1', '2026-01-01', '2026-01-01', 1, 'c1', 'principal',
            'José', 'Núñez', 'male', 'es', 0, 0, 1)""")
        found = conn.execute("SELECT rowid FROM person_fts WHERE person_fts MATCH 'jose'")
        assert len(found.fetchall()) == 1
