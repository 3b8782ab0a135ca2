"""Private temporary folders: only their owner reads them, and a crash's leftovers go."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from legalaid.tempfiles import private_dir, sweep


def test_a_private_folder_is_the_owners_only(tmp_path: Path) -> None:
    folder = private_dir("reminders", tmp_path)
    assert folder.name.startswith(f"legalaid-reminders-{os.getpid()}-")
    if sys.platform != "win32":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.skipif(sys.platform == "win32", reason="process ids are checked on POSIX")
def test_folders_of_a_process_that_is_gone_are_removed_and_live_ones_kept(
    tmp_path: Path,
) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = tmp_path / f"legalaid-reminders-{gone.stdout.strip()}-abc"
    dead.mkdir()
    (dead / "reminders.pdf").write_bytes(b"%PDF- letters with names")
    mine = private_dir("reminders", tmp_path)
    unrelated = tmp_path / "legalaid-notes"  # not one of ours: left alone
    unrelated.mkdir()
    assert sweep(tmp_path) == [dead]
    assert not dead.exists() and mine.exists() and unrelated.exists()
