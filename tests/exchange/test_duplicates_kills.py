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
