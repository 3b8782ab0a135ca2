"""An export or an import killed at each of its steps (SIGKILL, as a power cut would): the
database stays whole, nothing is applied twice or by half, no partial file is left after the
next start, and running the command again completes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from legalaid.exchange.sync import STEPS_IN, STEPS_OUT, share_case
from legalaid.services.case_edit import edit_case
from tests.core.helpers import family, hearing_in
from tests.exchange.test_sync import meet, office
from tests.safety.faulty import KILLED, cli


def _homes(root: Path) -> tuple[Path, Path, str]:
    tij = office(root, "Albergue Juventud 2000", "TIJ", "Ana")
    mxl = office(root, "Casa del Migrante Mexicali", "MXL", "Luis")
    meet(tij, mxl)
    for given in ("José", "Rosa", "Luis"):
        case = family(tij, a_number=None, given=given).case
        hearing_in(tij, case.id, 10)
        share_case(tij, case.case_number, "MXL")
    number = case.case_number
    edit_case(tij, number, ["notes=antes del corte"])
    paths = tij.home.root, mxl.home.root
    tij.close()
    mxl.close()
    return paths[0], paths[1], number


def _whole(home: Path) -> list[tuple[int, int]]:
    """(cases, change entries), after an integrity check of the database file."""
    conn = sqlite3.connect(home / "legalaid.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        cases = conn.execute('SELECT count(*) FROM "case"').fetchone()[0]
        entries = conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
        return [(cases, entries)]
    finally:
        conn.close()


def _partials(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "partial" in p.name)


@pytest.mark.slow
def test_export_killed_at_every_step_then_done_again(tmp_path: Path) -> None:
    tij, mxl, _number = _homes(tmp_path)
    out = tmp_path / "usb"
    out.mkdir()
    before = _whole(tij)
    for step in STEPS_OUT:
        target = out / f"{step}.bin"
        killed = cli(
            tij,
            "--unencrypted",
            "sync",
            "export",
            "--to",
            "MXL",
            "-o",
            str(target),
            fault=f"sync-export.{step}",
        )
        assert killed.returncode == KILLED, (step, killed.stderr)
        assert _whole(tij)[0][0] == before[0][0], step
        # The next start sweeps what the killed process was writing.
        assert cli(tij, "--unencrypted", "cases").returncode == 0
        assert _partials(out) == [], step
        assert target.exists() == (step != "collected"), step
    done = cli(tij, "--unencrypted", "sync", "export", "--to", "MXL", "-o", str(out / "ok.bin"))
    assert done.returncode == 0, done.stderr
    for name in ("written.bin", "recorded.bin", "ok.bin"):  # each complete, each importable
        result = cli(mxl, "--unencrypted", "sync", "import", str(out / name))
        assert result.returncode == 0, (name, result.stderr)
    assert _whole(mxl)[0][0] == 3


@pytest.mark.slow
def test_import_killed_at_every_step_then_done_again(tmp_path: Path) -> None:
    tij, mxl, _number = _homes(tmp_path)
    file = tmp_path / "envio.bin"
    done = cli(tij, "--unencrypted", "sync", "export", "--to", "MXL", "-o", str(file))
    assert done.returncode == 0, done.stderr
    empty = _whole(mxl)
    for step in STEPS_IN:
        killed = cli(mxl, "--unencrypted", "sync", "import", str(file), fault=f"sync-import.{step}")
        assert killed.returncode == KILLED, (step, killed.stderr)
        now = _whole(mxl)
        if step == "committed":
            assert now[0][0] == 3, step  # all of it, once
            break
        assert now == empty, step  # nothing of it
    again = cli(mxl, "--lang", "en", "--unencrypted", "sync", "import", str(file))
    assert again.returncode == 0, again.stderr
    assert "imported before" in again.stdout  # the committed import counted once
    assert _whole(mxl)[0][0] == 3
    # An import killed before its commit, run again, completes.
    fresh = tmp_path / "fresh"
    tij2, mxl2, _n = _homes(fresh)
    file2 = fresh / "envio.bin"
    assert (
        cli(tij2, "--unencrypted", "sync", "export", "--to", "MXL", "-o", str(file2)).returncode
        == 0
    )
    killed = cli(mxl2, "--unencrypted", "sync", "import", str(file2), fault="sync-import.halfway")
    assert killed.returncode == KILLED
    assert cli(mxl2, "--unencrypted", "sync", "import", str(file2)).returncode == 0
    assert _whole(mxl2)[0][0] == 3
