"""Broken files and hostile surroundings: a clear message and a way out, never a traceback,
never an empty database standing in for the real one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from legalaid.context import AppContext
from legalaid.errors import StorageError
from legalaid.home import open_home
from legalaid.services.demo import generate_demo
from tests.core.helpers import family


def test_corrupted_pages_give_the_restore_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, unencrypted=True)
    generate_demo(ctx, 200)
    ctx.close()
    data = bytearray((home / "legalaid.db").read_bytes())
    for offset in range(4096 * 3, len(data), 4096 * 7):
        data[offset + 100 : offset + 1200] = os.urandom(1100)
    (home / "legalaid.db").write_bytes(bytes(data))
    with pytest.raises(StorageError) as caught:
        broken = open_home(home, unencrypted=True)
        from legalaid.services.search import search_cases

        search_cases(broken, "a")
        assert broken.db.integrity_ok()
    assert "respaldo" in caught.value.message()


def test_encrypted_file_with_a_damaged_header(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, passphrase="una frase larga y segura")
    generate_demo(ctx, 10)
    ctx.close()
    data = bytearray((home / "legalaid.db").read_bytes())
    data[0:64] = b"\x00" * 64
    (home / "legalaid.db").write_bytes(bytes(data))
    with pytest.raises(StorageError, match="dañada"):
        open_home(home, passphrase="una frase larga y segura")
    assert (home / "legalaid.db").read_bytes()[:64] == b"\x00" * 64  # not replaced


def test_home_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("I am a file, not a folder")
    with pytest.raises(StorageError, match="No se puede crear la carpeta"):
        open_home(blocker / "home", unencrypted=True)


def test_full_disk_saves_nothing_and_says_so(ctx: AppContext) -> None:
    family(ctx)
    with ctx.db.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    from sqlalchemy import event

    @event.listens_for(ctx.db.engine, "connect")
    def _tiny_disk(dbapi_conn: object, _record: object) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")  # type: ignore[attr-defined]

    ctx.db.engine.dispose()
    with pytest.raises(StorageError, match="El disco está lleno"):
        generate_demo(ctx, 300)
    from legalaid.services.search import count_cases

    assert count_cases(ctx) == 1


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(30)
"""


def test_database_locked_by_another_program(ctx: AppContext) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(ctx.home.database)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        from sqlalchemy import event

        @event.listens_for(ctx.db.engine, "connect")
        def _short_wait(dbapi_conn: object, _record: object) -> None:
            dbapi_conn.execute("PRAGMA busy_timeout = 300")  # type: ignore[attr-defined]

        ctx.db.engine.dispose()
        started = time.monotonic()
        with pytest.raises(StorageError, match="otra ventana de LegalAid u otro programa"):
            family(ctx)
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
    family(ctx)  # once the other program lets go, saving works
