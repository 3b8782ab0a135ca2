"""A merge killed at each of its steps (SIGKILL, as a power cut would): nothing is half-merged
(every row where it was, or every row moved and the merge recorded), and running the command
again completes it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from legalaid.home import open_home
from legalaid.services.duplicates import STEPS
from tests.exchange.test_duplicate_decisions import twice_registered
from tests.safety.faulty import KILLED, cli


def _state(home: Path) -> tuple[int, int, int, int, int]:
    """(people in the other household, its hearings, merges, case rows merged, change entries),
    after an integrity check."""
    conn = sqlite3.connect(home / "legalaid.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        other = conn.execute(
            'SELECT id FROM "case" WHERE case_number = (SELECT max(case_number) FROM "case")'
        ).fetchone()[0]
        return (
            conn.execute("SELECT count(*) FROM person WHERE case_id = ?", (other,)).fetchone()[0],
            conn.execute("SELECT count(*) FROM hearing WHERE case_id = ?", (other,)).fetchone()[0],
            conn.execute("SELECT count(*) FROM household_merge").fetchone()[0],
            conn.execute('SELECT count(*) FROM "case" WHERE merged_into IS NOT NULL').fetchone()[0],
            conn.execute("SELECT count(*) FROM change_log").fetchone()[0],
        )
    finally:
        conn.close()


@pytest.mark.slow
def test_merge_killed_at_every_step_then_done_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, unencrypted=True)
    kept, other = twice_registered(ctx)
    ctx.close()
    before = _state(home)
    assert before[:4] == (2, 1, 0, 0)
    merge = ("--unencrypted", "duplicates", "merge", kept.case_number, other.case_number)
    for step in STEPS:
        killed = cli(home, *merge, fault=f"merge.{step}")
        assert killed.returncode == KILLED, (step, killed.stderr)
        now = _state(home)
        if step == "committed":
            assert now[:4] == (0, 0, 1, 1), step  # all of it, once
            break
        assert now == before, step  # nothing of it
    again = cli(home, "--lang", "en", *merge)
    assert again.returncode != 0
    assert f"{other.case_number} was already merged into {kept.case_number}" in again.stderr
    assert _state(home)[:4] == (0, 0, 1, 1)

    # Killed before its commit, then run again: it completes.
    fresh = tmp_path / "fresh"
    ctx = open_home(fresh, unencrypted=True)
    kept, other = twice_registered(ctx)
    ctx.close()
    merge = ("--unencrypted", "duplicates", "merge", kept.case_number, other.case_number)
    assert cli(fresh, *merge, fault="merge.records").returncode == KILLED
    done = cli(fresh, "--lang", "en", *merge)
    assert done.returncode == 0, done.stderr
    assert "2 people moved to" in done.stdout and "1 hearing moved to" in done.stdout
    assert _state(fresh)[:4] == (0, 0, 1, 1)


@pytest.mark.slow
def test_an_import_whose_rows_follow_a_merge_killed_at_every_step(tmp_path: Path) -> None:
    """The import moves a hearing added at Mexicali to the household Tijuana merged it into:
    killed at any step, nothing of it (the hearing neither under the hidden household nor
    moved); committed, all of it; run again after a kill, it completes."""
    from legalaid.exchange.sync import STEPS_IN, export_for, import_file, share_case
    from legalaid.services.duplicates import merge_households
    from tests.core.helpers import hearing_in
    from tests.exchange.test_sync import meet, office

    tij = office(tmp_path, "Albergue Juventud 2000", "TIJ", "Ana")
    mxl = office(tmp_path, "Casa del Migrante Mexicali", "MXL", "Luis")
    meet(tij, mxl)
    kept, other = twice_registered(tij)
    for case in (kept, other):
        share_case(tij, case.case_number, "MXL")
    export_for(tij, "MXL", tmp_path / "1.bin")
    import_file(mxl, tmp_path / "1.bin")
    late = hearing_in(mxl, other.id, 60)
    merge_households(tij, kept.case_number, other.case_number)
    file = tmp_path / "2.bin"
    export_for(mxl, "TIJ", file)
    home = tij.home.root
    tij.close()
    mxl.close()

    def where() -> tuple[str | None, int]:
        """(the case the late hearing is under, change entries), after an integrity check."""
        conn = sqlite3.connect(home / "legalaid.db")
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            found = conn.execute("SELECT case_id FROM hearing WHERE id = ?", (late,)).fetchone()
            entries = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
            return (found[0] if found else None, entries)
        finally:
            conn.close()

    before = where()
    assert before[0] is None
    run = ("--unencrypted", "sync", "import", str(file))
    for step in STEPS_IN:
        killed = cli(home, *run, fault=f"sync-import.{step}")
        assert killed.returncode == KILLED, (step, killed.stderr)
        if step == "committed":
            assert where()[0] == kept.id, step  # received and moved, once
            break
        assert where() == before, step  # nothing of it
    again = cli(home, "--lang", "en", *run)
    assert again.returncode == 0 and "imported before" in again.stdout
    assert where()[0] == kept.id
