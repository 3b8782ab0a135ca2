"""A full disk during backup and restore: a translated message (exit 1), nothing changed,
nothing half-written left. Once on a real, small file system (tmpfs, where this machine lets a
test mount one) and everywhere with the "disk full" error injected at each step."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from legalaid.errors import StorageError
from legalaid.home import open_home
from legalaid.safety.backup import BACKUP_STEPS, RESTORE_STEPS, auto_backup, backup_to, restore
from legalaid.services.demo import generate_demo
from tests.safety.conftest import Dump, dump
from tests.safety.faulty import PASS, cli, passfile, stray_files


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB file system of its own (tmpfs); skipped where mounting is not permitted."""
    mount = tmp_path / "small"
    mount.mkdir()
    if not shutil.which("mount"):
        pytest.skip("no mount command here")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until ``leave`` bytes are free."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    with (folder / "filler").open("wb") as out:
        out.write(b"\0" * max(0, free - leave))


def test_backup_and_restore_on_a_full_disk(tmp_path: Path, small_disk: Path) -> None:
    home = small_disk / "home"
    ctx = open_home(home, passphrase=PASS)
    generate_demo(ctx, 120, seed=4)
    outside = backup_to(ctx, tmp_path / "copia.db")  # a backup from elsewhere, to restore
    generate_demo(ctx, 5, seed=5)
    key = ctx.db._key
    ctx.close()
    before = dump(home / "legalaid.db", key)
    _fill(small_disk, (home / "legalaid.db").stat().st_size // 3)
    secret = passfile(tmp_path)
    full = cli(home, "backup", passfile=secret)
    assert full.returncode == 1, full.stderr
    assert "el disco está lleno" in full.stderr and "Traceback" not in full.stderr
    restored = cli(home, "restore", str(outside), passfile=secret)
    assert restored.returncode == 1, restored.stderr
    assert "el disco está lleno" in restored.stderr and "Traceback" not in restored.stderr
    (small_disk / "filler").unlink()
    assert dump(home / "legalaid.db", key) == before
    assert stray_files(home) == []


def _home_and_backup(tmp_path: Path) -> tuple[Path, Path, bytes, Dump]:
    home = tmp_path / "home"
    ctx = open_home(home, passphrase=PASS)
    generate_demo(ctx, 10, seed=1)
    backup = auto_backup(ctx)
    generate_demo(ctx, 2, seed=2)
    key = ctx.db._key
    assert key is not None
    ctx.close()
    return home, backup, key, dump(home / "legalaid.db", key)


def test_disk_full_at_every_step_of_backup_and_restore(
    tmp_path: Path, quick_kdf: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, backup, key, before = _home_and_backup(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    ctx = open_home(home, passphrase=PASS)
    for step in BACKUP_STEPS:
        monkeypatch.setenv("LEGALAID_FAULT", f"backup.{step}=enospc")
        for target in (None, usb):
            with pytest.raises(StorageError) as caught:
                auto_backup(ctx) if target is None else backup_to(ctx, target)
            assert "el disco está lleno" in caught.value.message(), step
            open_files = ("legalaid.db-wal", "legalaid.db-shm")  # the home is open here
            left = [p for p in stray_files(home) if p not in open_files and p != "locks"]
            assert [p for p in left if not p.startswith("locks/")] == [], step
            assert list(usb.iterdir()) == [], step
    ctx.close()
    survived = 0
    for step in RESTORE_STEPS:
        monkeypatch.setenv("LEGALAID_FAULT", f"restore.{step}=enospc")
        if step == "done":  # after the check in place: the restore is done, only tidying
            restore(home, backup, secret=PASS)
            assert dump(home / "legalaid.db", key) == dump(backup, key)
            break
        with pytest.raises(StorageError) as caught:
            restore(home, backup, secret=PASS)
        assert "el disco está lleno" in caught.value.message(), step
        assert dump(home / "legalaid.db", key) == before, step
        leftovers = [p for p in stray_files(home) if not p.startswith("backups/")]
        assert leftovers == [], step
        survived += 1
    monkeypatch.delenv("LEGALAID_FAULT")
    open_home(home, passphrase=PASS).close()
    assert stray_files(home) == []
    secret = passfile(tmp_path)  # and the commands: a message and exit status 1
    for args, fault in ((["backup"], "backup.copy"), (["restore", str(backup)], "restore.stage")):
        full = cli(home, *args, fault=f"{fault}=enospc", passfile=secret)
        assert full.returncode == 1 and "el disco está lleno" in full.stderr, full.stderr
        assert "Traceback" not in full.stderr
    print(f"\ndisk full: {len(BACKUP_STEPS) * 2} backup and {survived} restore faults survived")
