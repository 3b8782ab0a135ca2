"""The stored name sort key: every write path keeps it, accents do not move a name, and a row
another program left without one is mended when the home opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from legalaid.context import AppContext
from legalaid.db import Database, alembic_config, fold
from legalaid.home import open_home
from legalaid.services.cases import PersonInput, add_person, update_person
from legalaid.services.demo import generate_demo
from legalaid.services.search import search_cases
from legalaid.spreadsheets.importer import import_file
from tests.core.helpers import family


def by_name(ctx: AppContext, **kw: object) -> list[str]:
    return [r.principal for r in search_cases(ctx, order="name", **kw)]  # type: ignore[arg-type]


def stored_keys_match_the_principals(path: Path) -> None:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        """SELECT s.sort_name, (SELECT p.family_names || ' ' || p.given_names FROM person p
            WHERE p.case_id = s.case_id ORDER BY p.position LIMIT 1) FROM case_search s"""
    ).fetchall()
    conn.close()
    assert rows and all(key == fold(name or "").strip() for key, name in rows)


def test_accented_names_sort_with_their_letter_and_edits_move_them(ctx: AppContext) -> None:
    zapata = family(ctx, given="Luis", family_names="Zapata", a_number=None)
    family(ctx, given="Ana", family_names="álvarez Ruiz", a_number=None)
    family(ctx, given="Iker", family_names="Ibarra", a_number=None)
    family(ctx, given="María", family_names="Íñiguez Peña", a_number=None)
    assert by_name(ctx) == [
        "Ana álvarez Ruiz",
        "Iker Ibarra",
        "María Íñiguez Peña",
        "Luis Zapata",
    ]
    assert by_name(ctx, descending=True)[0] == "Luis Zapata"
    principal = zapata.people[0]
    update_person(ctx, principal.id, principal.version, PersonInput("Luis", "Ábrego", "principal"))
    assert by_name(ctx)[0] == "Luis Ábrego"  # the edit moved the case at once
    add_person(ctx, zapata.case.id, PersonInput("Zoe", "Ábrego", "child"))  # not the principal
    assert by_name(ctx)[0] == "Luis Ábrego"
    stored_keys_match_the_principals(ctx.home.database)


def test_bulk_demo_and_import_write_the_keys(ctx: AppContext, tmp_path: Path) -> None:
    generate_demo(ctx, 60, seed=3)
    source = tmp_path / "albergue.csv"
    source.write_text(
        "Expediente;Apellidos;Nombres;Parentesco\n"
        "TIJ-2024-0201;Ñúñez;Óscar;titular\n"
        "TIJ-2024-0201;Ñúñez;Eva;hija\n",
        encoding="utf-8",
    )
    report = import_file(ctx, source)
    assert report.imported_rows == 2
    stored_keys_match_the_principals(ctx.home.database)
    rows = search_cases(ctx, order="name", limit=1000)
    with ctx.db.query() as conn:
        keys = [
            conn.execute(
                "SELECT sort_name FROM case_search WHERE case_id = ?", (r.case_id,)
            ).fetchone()[0]
            for r in rows
        ]
    assert len(rows) == 61 and keys == sorted(keys)
    assert keys[rows.index(next(r for r in rows if r.principal == "Óscar Ñúñez"))] == "nunez oscar"


def test_a_row_left_without_a_key_is_mended_on_open(ctx: AppContext) -> None:
    family(ctx, given="Beto", family_names="Zúñiga", a_number=None)
    family(ctx, given="Alma", family_names="Álvarez", a_number=None)
    ctx.close()
    conn = sqlite3.connect(ctx.home.database)  # another program: no key, as SQLite alone writes
    conn.execute("UPDATE case_search SET sort_name = NULL")
    conn.commit()
    conn.close()
    again = open_home(ctx.home.root, unencrypted=True)
    assert by_name(again) == ["Alma Álvarez", "Beto Zúñiga"]
    stored_keys_match_the_principals(again.home.database)
    again.close()


def test_the_migration_fills_the_keys_of_existing_cases(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = open_home(home, unencrypted=True)
    family(first, given="Beto", family_names="Zúñiga", a_number=None)
    family(first, given="Alma", family_names="Álvarez", a_number=None)
    first.close()
    db = Database(home / "legalaid.db")
    with db.engine.connect() as conn:  # back to the revision before the key
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
        conn.commit()
    db.dispose()
    with sqlite3.connect(home / "legalaid.db") as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(case_search)")]
    assert "sort_name" not in columns
    again = open_home(home, unencrypted=True)
    assert by_name(again) == ["Alma Álvarez", "Beto Zúñiga"]
    stored_keys_match_the_principals(again.home.database)
    again.close()
