"""SIGKILL at random moments during a 10,000-row import and during a run of edits: after each
kill the database passes integrity_check, every committed change is there, nothing is half-done."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from legalaid.db import open_raw
from legalaid.home import open_home
from legalaid.safety.keys import unlock

WORKER = Path(__file__).with_name("crash_worker.py")
PASS = "una frase larga y segura"
IMPORT_RUNS = 10
DRY_RUNS = 4
EDIT_RUNS = 10
REJECTED = 3  # rows without names: the import ends by writing them to a rejects file


def _csv(path: Path, rows: int) -> Path:
    lines = ["expediente;apellidos;nombres;número A;fecha de nacimiento;garita"]
    for i in range(rows):
        lines.append(
            f"IMP-{i // 2:05d};Hernández Núñez;Persona {i};A{300000000 + i};"
            f"{1 + i % 28}/0{1 + i % 9}/1990;SYS"
        )
    lines += [f"REJ-{i};;;;;SYS" for i in range(REJECTED)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _left_behind(folder: Path) -> list[str]:
    """Partial files in the import's folder (the rejects file is written beside the source)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _kill_after(args: list[str], delay: float) -> str:
    child = subprocess.Popen(
        [sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().startswith("start")
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    rest = child.stdout.read()
    child.wait()
    return rest


def _copy(base: Path, home: Path) -> Path:
    shutil.copytree(base, home)
    return home


def _timed_run(args: list[str]) -> float:
    """Seconds from the worker's "start" to its end, run to completion."""
    child = subprocess.Popen(
        [sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().startswith("start")
    started = time.monotonic()
    assert "done" in child.stdout.read()
    child.wait()
    return time.monotonic() - started


def _check(conn: sqlite3.Connection) -> tuple[int, int]:
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    cases = conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
    people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    orphans = conn.execute(
        'SELECT count(*) FROM "case" c WHERE NOT EXISTS '
        "(SELECT 1 FROM person p WHERE p.case_id = c.id)"
    ).fetchone()[0]
    assert orphans == 0  # no household without its people: nothing half-written
    indexed = conn.execute("SELECT count(*) FROM case_search").fetchone()[0]
    assert indexed == cases  # the search index committed with the data
    return cases, people


@pytest.mark.slow
def test_kill_during_a_10000_row_import(tmp_path: Path) -> None:
    base = tmp_path / "base"
    open_home(base, unencrypted=True).close()
    rng = random.Random(20261129)
    outcomes, partial = [], []
    # kill anywhere from the first rows to past the end (the rejects file is written last)
    whole = _timed_run(
        ["import", str(_copy(base, tmp_path / "timed")), str(_csv(tmp_path / "t.csv", 10_000))]
    )
    for run in range(IMPORT_RUNS + DRY_RUNS):
        dry = run >= IMPORT_RUNS
        folder = tmp_path / f"files{run}"
        folder.mkdir()
        source = _csv(folder / "big.csv", 10_000)
        home = tmp_path / f"run{run}"
        shutil.copytree(base, home)
        command = "dry-import" if dry else "import"
        output = _kill_after([command, str(home), str(source)], rng.uniform(0.1, whole * 1.1))
        conn = sqlite3.connect(home / "legalaid.db")
        cases, people = _check(conn)
        conn.close()
        finished = "done" in output
        assert (cases, people) in ([(0, 0)] if dry else [(0, 0), (5_000, 10_000)])
        assert not finished or dry or people == 10_000  # reported done: all of it is there
        rejects = folder / "big-rechazadas.csv"
        if dry or people == 0:
            assert not rejects.exists()  # written only after the import committed
        elif rejects.exists():  # a rejects file is whole or absent, never half-written
            assert len(rejects.read_text(encoding="utf-8-sig").splitlines()) == REJECTED + 1
        partial += _left_behind(folder)
        outcomes.append((command, people, rejects.exists()))
    print(f"a whole import: {whole:.1f} s; kills between 0.1 s and {whole * 1.1:.1f} s")
    print("import kill outcomes (command, people after kill, rejects file):", outcomes)
    # SIGKILL inside the rejects file's few milliseconds of writing leaves its temporary file
    # (removed by the next start's sweep); no run here has landed there so far
    print("partial files left in the folders:", partial)
    # The kills land anywhere in the import, nearly all before its one commit at the end: at
    # least one real import must have been cut and rolled back, or no kill tested anything.
    assert any(command == "import" and people == 0 for command, people, _r in outcomes)


@pytest.mark.slow
def test_kill_during_edits_on_an_encrypted_database(tmp_path: Path) -> None:
    home = tmp_path / "home"
    open_home(home, passphrase=PASS).close()
    key = unlock(home / "legalaid.key", PASS)
    log = tmp_path / "committed.txt"
    log.touch()
    rng = random.Random(7)
    for _run in range(EDIT_RUNS):
        _kill_after(["edits", str(home), str(log), PASS], rng.uniform(0.3, 1.5))
        conn = open_raw(home / "legalaid.db", key)
        _check(conn)
        committed = [line for line in log.read_text().splitlines() if line]
        rows = dict(
            conn.execute(
                "SELECT c.case_number, (SELECT count(*) FROM person p WHERE p.case_id = c.id) "
                'FROM "case" c'
            ).fetchall()
        )
        edited = {
            r[0]
            for r in conn.execute(
                'SELECT case_number FROM "case" c JOIN crossing x ON x.id = c.crossing_id '
                "WHERE x.code = 'ELP'"
            )
        }
        conn.close()
        assert all(rows.get(number) == 3 for number in committed)
        assert set(rows.values()) <= {3}
        assert set(committed) <= edited
    print("edits committed before the last kill:", len(committed))
    assert len(committed) > 0
