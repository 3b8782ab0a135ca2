"""What interrupted writes leave is removed on failure, and what a kill leaves is removed at the
next start: in the home, its backups folder, other folders written to (an export, a batch) and
the temporary folder; what a running process is writing is left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from legalaid.errors import StorageError
from legalaid.files import partial, write_atomic
from legalaid.home import open_home
from tests.safety.faulty import KILLED, environment, stray_files

KILL_MID_WRITE = """
import os, signal, sys
from pathlib import Path
from legalaid.home import open_home
from legalaid.files import new_partial
ctx = open_home(sys.argv[1], unencrypted=True)
tmp = new_partial(Path(sys.argv[2]))
tmp.write_bytes(b"1993 plaintext rows of an export" * 1000)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_kill_mid_write_outside_the_home_is_cleaned_at_the_next_start(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "out"
    out.mkdir()
    open_home(home, unencrypted=True).close()
    killed = subprocess.run(
        [sys.executable, "-c", KILL_MID_WRITE, str(home), str(out / "casos.csv")],
        env=environment(),
        capture_output=True,
        text=True,
    )
    assert killed.returncode == KILLED, killed.stderr
    left = list(out.iterdir())
    assert len(left) == 1 and left[0].name.startswith(".casos.csv.legalaid-")
    assert left[0].stat().st_mode & 0o077 == 0
    open_home(home, unencrypted=True).close()  # the next start
    assert list(out.iterdir()) == []
    assert stray_files(home) == []


def test_what_older_versions_and_kills_left_in_the_home_is_removed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    open_home(home, unencrypted=True).close()
    backups = home / "backups"
    backups.mkdir()
    planted = [
        backups / ".auto-20261120-101010-000001.db.partial",
        backups / ".auto-20261120-101010-000002.db.partial",
        home / ".restore.partial",
        home / ".restore-key.partial",
        home / ".key-a1b2c3",
        home / ".settings-x9y8",
        home / "legalaid.key.partial",
        home / "legalaid.db.encrypting",
        backups / "auto-20261120-101010-000003.db.encrypting",
        backups / "auto-20261120-101010-000004.db.key",  # a key copy whose backup never came
        home / ".legalaid.db.legalaid-999999999-abcd.partial",  # a process that is gone
    ]
    for path in planted:
        path.write_bytes(b"x" * 16_000_000 if path.suffix == ".partial" else b"x")
    size = sum(p.stat().st_size for p in planted)
    open_home(home, unencrypted=True).close()
    assert [p for p in planted if p.exists()] == []
    assert stray_files(home) == []
    print(f"\nleftovers: {len(planted)} files, {size / 1e6:.0f} MB removed at the next start")


def test_a_running_processs_temporary_file_is_left_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    open_home(home, unencrypted=True).close()
    mine = home / "backups" / f".auto-x.db.legalaid-{os.getpid()}-beef.partial"
    mine.parent.mkdir()
    mine.write_bytes(b"being written")
    (home / "backups" / "auto-x.db.key").write_bytes(b"its key copy")
    open_home(home, unencrypted=True).close()
    assert mine.exists() and (home / "backups" / "auto-x.db.key").exists()
    mine.unlink()


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "casos.csv"
    with pytest.raises(RuntimeError), partial(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("the disk went away")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StorageError, match="no existe"):
        write_atomic(tmp_path / "nope" / "casos.csv", b"x")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_holder_leaves_no_holder_file_after_the_next_start(tmp_path: Path) -> None:
    from tests.safety.test_home_lock import _holder

    home = tmp_path / "home"
    open_home(home, unencrypted=True).close()
    holder = _holder(home, "cases")
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert len(list((home / "locks").iterdir())) == 1
    open_home(home, unencrypted=True).close()
    assert list((home / "locks").iterdir()) == []
