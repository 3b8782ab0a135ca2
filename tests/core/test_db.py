"""The database file: pragmas, refusing foreign files, migrations that keep every row."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from legalaid.context import AppContext
from legalaid.db import Database, head_revision
from legalaid.errors import StorageError
from legalaid.home import open_home
from legalaid.reference_data import reference_id
from legalaid.services.search import search_cases


def test_pragmas_wal_foreign_keys_busy_timeout(ctx: AppContext) -> None:
    with ctx.db.engine.connect() as conn:
        values = [
            conn.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("journal_mode", "foreign_keys", "busy_timeout", "secure_delete")
        ] + [conn.exec_driver_sql("PRAGMA journal_size_limit").scalar()]
    assert values == ["wal", 1, 15000, 1, 64 * 2**20]


def test_first_use_creates_and_migrates_to_head(ctx: AppContext) -> None:
    assert ctx.db.current_revision() == head_revision()
    assert ctx.home.database.exists()
    assert ctx.db.integrity_ok()


def test_models_and_migrations_agree(ctx: AppContext) -> None:
    ignored = ("case_fts", "case_search", "person_fts", "person_search")
    with ctx.db.engine.connect() as conn, warnings.catch_warnings():
        # ix_hearing_report_order (0011) is on an expression, which SQLAlchemy cannot reflect.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    real = [d for d in diffs if not any(name in str(d) for name in ignored)]
    assert real == []


def test_a_foreign_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / "legalaid.db").write_bytes(b"%PDF-1.4 not a database at all")
    with pytest.raises(StorageError) as caught:
        open_home(home, unencrypted=True)
    assert "no es una base de datos de LegalAid" in caught.value.message()
    assert (home / "legalaid.db").read_bytes().startswith(b"%PDF")


def test_truncated_database_gives_a_clear_error(ctx: AppContext) -> None:
    path = ctx.home.database
    ctx.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    Path(str(path) + "-wal").unlink(missing_ok=True)
    with pytest.raises(StorageError):
        db = Database(path)
        db.upgrade()
        assert db.integrity_ok()  # if it did open, integrity must catch it


def _fill_first_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("""INSERT INTO crossing VALUES ('x1', '2026-01-01 00:00:00', '2026-01-01 00:00:00',
        1, 'SYS', 'San Ysidro', 'San Ysidro', 'Tijuana, B.C.', 'San Ysidro, CA', '', '', '',
        'America/Los_Angeles', 'America/Tijuana', NULL, 4.0, 1)""")
    conn.execute("""INSERT INTO court(id, created_at, updated_at, version, code, name_es, name_en,
        address, city, zone, phone, by_video, confirmed, active) VALUES ('k1', '2026-01-01',
        '2026-01-01', 1, 'SDG', 'Corte', 'Court', '', '', 'America/Los_Angeles', '', 0, 1, 1)""")
    conn.execute("""INSERT INTO "case"(id, created_at, updated_at, version, case_number, status,
        city, address_mx, shelter, nta_address, eoir33_filed, phone, whatsapp, crossing_id,
        representative, letter_languages, notes, is_demo) VALUES ('c1', '2026-01-01 00:00:00',
        '2026-01-01 00:00:00', 3, 'TIJ-2026-0001', 'open', 'Tijuana', '', '', '', 0, '', '',
        'x1', '', 'es,en', 'nota', 0)""")
    for i, (given, family, anum) in enumerate(
        [("José", "Hernández Núñez", "012345678"), ("Íñigo", "Peña", None)]
    ):
        conn.execute(
            """INSERT INTO person(id, created_at, updated_at, version, case_id,
            relationship, given_names, family_names, sex, language, needs_interpreter, a_number,
            position, active) VALUES (?, '2026-01-01', '2026-01-01', 1, 'c1', 'principal', ?, ?,
            'male', 'es', 0, ?, ?, 1)""",
            (f"p{i}", given, family, anum, i),
        )
    conn.execute("""INSERT INTO hearing(id, created_at, updated_at, version, case_id, court_id,
        crossing_id, starts_at, zone, report_at, kind, mode, status, outcome, source, verified_by,
        notes) VALUES ('h1', '2026-01-01', '2026-01-01', 1, 'c1', 'k1', 'x1',
        '2026-06-01 15:00:00.000000', 'America/Los_Angeles', '2026-06-01 11:00:00.000000',
        'master', 'in_person', 'scheduled', '', 'nta', '', '')""")
    conn.execute("""INSERT INTO hearing_attendee VALUES ('a1', '2026-01-01', '2026-01-01', 1,
        'h1', 'p0')""")
    conn.commit()
    conn.close()


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    tables = ["case", "person", "hearing", "hearing_attendee", "crossing", "court"]
    out = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
    # Columns added by later migrations (crossing.report_at_code, 0005) are not compared.
    out["crossing"] = [row[:17] for row in out["crossing"]]
    # Nor the household's responsible office (0011_sharing: the last three columns of case).
    out["case"] = [row[:23] for row in out["case"]]
    conn.close()
    return out


def test_upgrade_from_the_first_migration_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    db.upgrade("0001")
    _fill_first_schema(path)
    before = _dump(path)
    db.upgrade()
    assert db.current_revision() == head_revision()
    # Migration 0006 gave the crossing and the court their ids derived from their codes.
    moved: dict[object, object] = {
        "x1": reference_id("crossing", "SYS"),
        "k1": reference_id("court", "SDG"),
    }
    before = {t: [tuple(moved.get(v, v) for v in r) for r in rows] for t, rows in before.items()}
    after = _dump(path)
    # Columns added to the case by later migrations (merged_into, 0011) are not compared.
    after["case"] = [row[: len(before["case"][0])] for row in after["case"]]
    assert after == before  # the CASCADE children survived the table rebuilds
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_upgraded_data_is_searchable(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    db = Database(home / "legalaid.db")
    db.upgrade("0001")
    _fill_first_schema(home / "legalaid.db")
    db.dispose()
    ctx = open_home(home, unencrypted=True)
    rows = search_cases(ctx, "inigo pena")
    assert [r.case_number for r in rows] == ["TIJ-2026-0001"]
    assert search_cases(ctx, "A 012-345-678")[0].principal == "José Hernández Núñez"
    ctx.close()


def test_the_head_constant_names_the_newest_migration() -> None:
    from legalaid.migrations import HEAD

    assert head_revision() == HEAD


def test_opening_a_current_database_does_not_import_alembic(ctx: AppContext) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from legalaid.home import open_home\n"
        f"open_home({str(ctx.home.root)!r}, unencrypted=True).close()\n"
        "print(any(m.split('.')[0] == 'alembic' for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_plain_read_connections_have_the_pragmas_and_are_reused(ctx: AppContext) -> None:
    import threading

    with ctx.db.query() as conn:
        first = conn
        values = [
            conn.execute(f"PRAGMA {p}").fetchone()[0]
            for p in ("journal_mode", "foreign_keys", "busy_timeout", "secure_delete")
        ] + [conn.execute("PRAGMA journal_size_limit").fetchone()[0]]
        folded = [
            r[0]
            for r in conn.execute(
                "SELECT v FROM (SELECT 'Zapata' v UNION SELECT 'Íñiguez' UNION SELECT 'ana')"
                " ORDER BY v COLLATE fold"
            )
        ]
    assert values == ["wal", 1, 15000, 1, 64 * 2**20]
    assert folded == ["ana", "Íñiguez", "Zapata"]
    seen: list[object] = []

    def worker() -> None:  # the pooled connection may serve another thread next
        with ctx.db.query() as conn:
            seen.append(conn)
            conn.execute("SELECT count(*) FROM crossing").fetchone()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == [first]


def test_a_damaged_file_gives_a_clear_message_on_the_plain_path_too(tmp_path: Path) -> None:
    path = tmp_path / "legalaid.db"
    header = sqlite3.connect(path)
    header.execute("CREATE TABLE t (x)")
    header.close()
    with path.open("r+b") as handle:  # keep the magic header, break the schema page
        handle.seek(100)
        handle.write(b"\xff" * 3000)
    db = Database(path)
    with pytest.raises(StorageError) as caught, db.query() as conn:
        conn.execute("SELECT * FROM t").fetchall()
    assert "dañada" in caught.value.message("es")
    assert "damaged" in caught.value.message("en")
    db.dispose()


def test_opening_and_searching_needs_no_sqlalchemy(ctx: AppContext) -> None:
    import subprocess
    import sys

    ctx.close()
    code = (
        "import sys\n"
        "from legalaid.home import open_home\n"
        "from legalaid.services.search import count_cases, search_cases\n"
        f"ctx = open_home({str(ctx.home.root)!r}, unencrypted=True)\n"
        "print(count_cases(ctx), len(search_cases(ctx, 'ana')))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'sqlmodel'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["0 0", "[]"]


def test_writes_nest_into_one_transaction(ctx: AppContext) -> None:
    from legalaid.errors import ValidationError
    from legalaid.services.cases import CaseInput, get_case, update_case
    from tests.core.helpers import family

    case = family(ctx).case
    with pytest.raises(ValidationError), ctx.db.write():
        update_case(ctx, case.id, case.version, CaseInput(city="Mexicali", crossing="SYS"))
        assert get_case(ctx, case.id).case.city == "Mexicali"  # reads see the open write
        raise ValidationError("Refused later in the same save.")
    assert get_case(ctx, case.id).case.city == "Tijuana, B.C."  # the first step went too
    with ctx.db.write():
        update_case(ctx, case.id, case.version, CaseInput(city="Mexicali", crossing="SYS"))
    assert get_case(ctx, case.id).case.city == "Mexicali"
