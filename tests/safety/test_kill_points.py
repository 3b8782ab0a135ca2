"""Every multi-step operation killed (SIGKILL) at each of its steps: restore, encrypt, change of
passphrase, backup and batches of letters. After each kill the next start leaves the data all
old or all new (no row lost), the operation runs again to the end, and no temporary file is left
anywhere. Each step is killed in a forked child (no interpreter start per kill, and the cheap key
derivation of ``quick_kdf``), and each command once in a process of its own. The tests print
their figures (kills, faults survived, rows lost, files left before and after the next start)."""

from __future__ import annotations

import contextlib
import functools
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psutil
import pytest

from legalaid.documents.parallel import STEPS as BATCH_STEPS
from legalaid.home import open_home
from legalaid.paths import HomePaths
from legalaid.safety.backup import (
    BACKUP_STEPS,
    RESTORE_STEPS,
    auto_backup,
    backup_to,
    restore_home,
)
from legalaid.safety.convert import STEPS as ENCRYPT_STEPS
from legalaid.safety.convert import encrypt_home
from legalaid.safety.keys import STEPS as KEY_STEPS
from legalaid.safety.keys import WrongPassphrase, change_home_passphrase, unlock
from legalaid.services.demo import generate_demo
from tests.core.helpers import family
from tests.safety.conftest import Dump, dump, files_containing
from tests.safety.faulty import (
    KILLED,
    OTHER_PASS,
    PASS,
    cli,
    environment,
    forked,
    passfile,
    readable_by_others,
    stray_files,
    worker,
)

NEEDLES = ["Quiñónez".encode(), b"Ybarra", b"987654321"]


def _figures(operation: str, kills: int, survived: int, lost: int, before: int, after: int) -> None:
    print(
        f"\n{operation}: {kills} kills, {survived} survived, rows lost {lost}, "
        f"files left after the kill {before}, after the next start {after}"
    )


def _encrypted_home_with_backup(tmp_path: Path) -> tuple[Path, Path, bytes, Dump, Dump]:
    base = tmp_path / "base"
    ctx = open_home(base, passphrase=PASS)
    generate_demo(ctx, 30, seed=3)
    (tmp_path / "usb").mkdir()
    backup = backup_to(ctx, tmp_path / "usb" / "copia.db")
    generate_demo(ctx, 5, seed=8)
    auto_backup(ctx)
    key = ctx.db._key
    assert key is not None
    ctx.close()
    return base, backup, key, dump(base / "legalaid.db", key), dump(backup, key)


def test_restore_killed_at_every_step(tmp_path: Path, quick_kdf: None) -> None:
    base, backup, key, current, restored = _encrypted_home_with_backup(tmp_path)
    left_after_kill = lost = 0
    for step in RESTORE_STEPS:
        home = tmp_path / step
        shutil.copytree(base, home)
        status = forked(
            functools.partial(restore_home, home, backup, secret=PASS), f"restore.{step}"
        )
        assert status == KILLED, step
        left_after_kill += len(stray_files(home))
        ctx = open_home(home, passphrase=PASS)  # the next start: undone, or done
        now = dump(home / "legalaid.db", key)
        ctx.close()
        lost += now not in (current, restored)
        assert now in (current, restored), step
        assert now == restored or step != "done"  # verified in place: it stays restored
        assert stray_files(home) == [], step
        restore_home(home, backup, secret=PASS)  # and again, to the end
        assert dump(home / "legalaid.db", key) == restored
        assert stray_files(home) == []
    # The command itself, killed in the middle of the swap and run again.
    home, secret = tmp_path / "command", passfile(tmp_path)
    shutil.copytree(base, home)
    killed = cli(home, "restore", str(backup), fault="restore.swap", passfile=secret)
    assert killed.returncode == KILLED, killed.stderr
    again = cli(home, "restore", str(backup), passfile=secret)
    assert again.returncode == 0, again.stderr
    assert dump(home / "legalaid.db", key) == restored and stray_files(home) == []
    _figures("restore", len(RESTORE_STEPS) + 1, len(RESTORE_STEPS) + 1, lost, left_after_kill, 0)


def test_restore_of_another_folders_backup_killed_at_every_step(
    tmp_path: Path, quick_kdf: None
) -> None:
    """The key file comes with the backup: after a kill the home opens with its own passphrase
    and holds its own data, or with the backup's and holds the backup's, never a mix."""
    base, _backup, key, current, _restored = _encrypted_home_with_backup(tmp_path)
    other = open_home(tmp_path / "other", passphrase=OTHER_PASS)
    family(other, given="Ana", family_names="De Otra Carpeta")
    foreign = backup_to(other, tmp_path / "usb" / "otra.db")
    other_key = other.db._key
    assert other_key is not None
    other.close()
    theirs = dump(foreign, other_key)
    for step in RESTORE_STEPS:
        home = tmp_path / f"foreign-{step}"
        shutil.copytree(base, home)
        status = forked(
            functools.partial(
                restore_home, home, foreign, secret=PASS, backup_secret=OTHER_PASS, other_home=True
            ),
            f"restore.{step}",
        )
        assert status == KILLED, step
        try:
            ctx = open_home(home, passphrase=PASS)
            expected, with_key = current, key
        except WrongPassphrase:
            ctx = open_home(home, passphrase=OTHER_PASS)
            expected, with_key = theirs, other_key
        ctx.close()
        assert dump(home / "legalaid.db", with_key) == expected, step
        assert stray_files(home) == [], step
    _figures("restore (another folder's backup)", len(RESTORE_STEPS), len(RESTORE_STEPS), 0, 0, 0)


def _plain_home_with_backups(tmp_path: Path) -> tuple[Path, dict[str, Dump]]:
    base = tmp_path / "base"
    ctx = open_home(base, unencrypted=True)
    family(ctx, given="Xóchitl", family_names="Quiñónez Ybarra", a_number="A 987-654-321")
    generate_demo(ctx, 20, seed=5)
    auto_backup(ctx)
    generate_demo(ctx, 3, seed=6)
    auto_backup(ctx)
    ctx.close()
    originals = {"legalaid.db": dump(base / "legalaid.db")}
    for backup in sorted((base / "backups").glob("*.db")):
        originals[backup.name] = dump(backup)
    assert len(originals) == 3
    return base, originals


def _check_encrypted(home: Path, originals: dict[str, Dump]) -> None:
    key = unlock(home / "legalaid.key", PASS)
    assert dump(home / "legalaid.db", key) == originals["legalaid.db"]
    for name, rows in originals.items():
        if name != "legalaid.db":
            backup = home / "backups" / name
            assert dump(backup, unlock(Path(f"{backup}.key"), PASS)) == rows, name
    assert files_containing(home, NEEDLES) == []
    assert stray_files(home) == []


def test_encrypt_killed_at_every_step_and_run_again(tmp_path: Path, quick_kdf: None) -> None:
    """Run again as the app advises: finished, every backup kept and readable, no plaintext."""
    base, originals = _plain_home_with_backups(tmp_path)
    left_after_kill = 0
    for step in ENCRYPT_STEPS:
        home = tmp_path / step
        shutil.copytree(base, home)
        status = forked(functools.partial(encrypt_home, home, PASS), f"encrypt.{step}")
        assert status == KILLED, step
        left_after_kill += len(stray_files(home))
        new = encrypt_home(home, PASS)
        _check_encrypted(home, originals)
        assert unlock(home / "legalaid.key", new.recovery_key) == new.dek  # the key shown
    _figures("encrypt", len(ENCRYPT_STEPS), len(ENCRYPT_STEPS), 0, left_after_kill, 0)


@pytest.mark.slow
def test_the_encrypt_command_killed_then_run_again_or_the_home_opened(tmp_path: Path) -> None:
    base, originals = _plain_home_with_backups(tmp_path)
    secret = passfile(tmp_path)
    home = tmp_path / "again"
    shutil.copytree(base, home)
    assert cli(home, "encrypt", fault="encrypt.backup-aside", passfile=secret).returncode == KILLED
    again = cli(home, "encrypt", passfile=secret)
    assert again.returncode == 0, again.stderr
    recovery = re.findall(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){5}", again.stdout)[0]
    _check_encrypted(home, originals)
    assert unlock(home / "legalaid.key", recovery)
    opened = tmp_path / "opened"
    shutil.copytree(base, opened)
    assert cli(opened, "encrypt", fault="encrypt.swap", passfile=secret).returncode == KILLED
    listing = cli(opened, "cases", passfile=secret)
    assert listing.returncode == 0, listing.stderr
    assert "clave de recuperación" in listing.stderr  # the first one was never shown
    _check_encrypted(opened, originals)
    wrong = tmp_path / "wrong"
    shutil.copytree(base, wrong)
    assert cli(wrong, "encrypt", fault="encrypt.aside", passfile=secret).returncode == KILLED
    refused = cli(wrong, "encrypt", passfile=passfile(tmp_path, "otra frase distinta", "w.txt"))
    assert refused.returncode == 1 and "interrumpió" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_passphrase_change_killed_at_every_step(tmp_path: Path, quick_kdf: None) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, passphrase=PASS)
    recovery = ctx.recovery_key
    assert recovery is not None
    ctx.close()
    new = "la frase nueva y más larga"
    for step in KEY_STEPS:
        status = forked(lambda: change_home_passphrase(HomePaths(home), PASS, new), step)
        assert status == KILLED, step
        assert unlock(home / "legalaid.key", PASS)  # killed before the rename: still the old
        assert unlock(home / "legalaid.key", recovery)
        open_home(home, passphrase=PASS).close()
        assert stray_files(home) == [], step
    done = worker("change-passphrase", str(home), PASS, new)  # the real thing, to the end
    assert done.returncode == 0, done.stderr
    assert unlock(home / "legalaid.key", new) and unlock(home / "legalaid.key", recovery)
    _figures("change-passphrase", len(KEY_STEPS), len(KEY_STEPS), 0, 0, 0)


def _back_up(home: Path, target: Path | None) -> None:
    ctx = open_home(home, passphrase=PASS)
    try:
        if target is None:
            auto_backup(ctx)
        else:
            backup_to(ctx, target)
    finally:
        ctx.close()


def test_backup_killed_at_every_step(tmp_path: Path, quick_kdf: None) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, passphrase=PASS)
    generate_demo(ctx, 20, seed=2)
    first = auto_backup(ctx)
    key = ctx.db._key
    assert key is not None
    ctx.close()
    kept = dump(first, key)
    usb = tmp_path / "usb"
    usb.mkdir()
    left_after_kill = 0
    for step in BACKUP_STEPS:
        for target in (None, usb / "copia.db"):
            status = forked(functools.partial(_back_up, home, target), f"backup.{step}")
            assert status == KILLED, step
            left_after_kill += len(stray_files(home)) + len(list(usb.iterdir()))
            open_home(home, passphrase=PASS).close()  # the next start
            assert stray_files(home) == [], step
            assert [p.name for p in usb.iterdir()] == [], step
            assert dump(first, key) == kept
    secret = passfile(tmp_path)
    killed = cli(home, "backup", "-o", str(usb), fault="backup.rename", passfile=secret)
    assert killed.returncode == KILLED
    assert cli(home, "backup", passfile=secret).returncode == 0
    assert list(usb.iterdir()) == [] and stray_files(home) == []
    assert len(list((home / "backups").glob("auto-*.db"))) == 2
    kills = 2 * len(BACKUP_STEPS) + 1
    _figures("backup", kills, kills, 0, left_after_kill, 0)


def _batch_home(tmp_path: Path, cases: int) -> tuple[Path, str, str]:
    home = tmp_path / "home"
    ctx = open_home(home, unencrypted=True)
    generate_demo(ctx, cases, seed=1)
    ctx.close()
    start = date.today()
    return home, start.isoformat(), (start + timedelta(days=30)).isoformat()


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _children(pid: int, seen: set[int]) -> None:
    with contextlib.suppress(psutil.NoSuchProcess):
        seen |= {p.pid for p in psutil.Process(pid).children(recursive=True)}


def _survivors(seen: set[int]) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in seen):
        time.sleep(0.1)
    return [pid for pid in seen if _alive(pid)]


@pytest.mark.slow
def test_a_killed_batch_of_300_letters_leaves_no_process_and_no_file(tmp_path: Path) -> None:
    """SIGKILL the command while its workers lay 300+ letters out: the workers and the resource
    tracker end within seconds, the chunks were in the private temporary folder (owner-only),
    and the next start removes what was left there and in the output folder."""
    home, first, last = _batch_home(tmp_path, 1100)
    out, tmpdir = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    tmpdir.mkdir()
    args = [sys.executable, "-m", "legalaid", "--home", str(home), "--unencrypted"]
    args += ["reminders", "--from", first, "--to", last, "-o", str(out / "cartas.pdf")]
    env = environment(fault="batch.chunks", tmpdir=tmpdir)
    child = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: set[int] = set()
    private: list[str] = []
    while child.poll() is None:
        _children(child.pid, seen)
        private += readable_by_others(tmpdir)
        time.sleep(0.05)
    child.communicate()
    assert child.returncode == KILLED
    assert len(seen) >= 2  # the workers (and the resource tracker) had started
    assert _survivors(seen) == []
    assert private == []  # the chunks were owner-only in an owner-only folder
    assert list(out.iterdir()) == []  # no chunk in the output folder
    assert list(tmpdir.iterdir())  # they were in the temporary folder ...
    assert cli(home, "--unencrypted", "crossings", tmpdir=tmpdir).returncode == 0
    assert list(tmpdir.iterdir()) == []  # ... which the next start cleaned
    print(f"\nbatch of 300+ letters killed: {len(seen)} child processes, none left after 10 s")


def test_a_batch_killed_at_every_step_leaves_no_process_and_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from legalaid.documents import parallel, reminders_batch
    from legalaid.services.upcoming import upcoming

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10)  # workers for a small batch
    monkeypatch.setattr(parallel, "MIN_CHUNK", 6)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)
    home, _first, _last = _batch_home(tmp_path, 150)
    ctx = open_home(home, unencrypted=True)
    ids = [r.hearing_id for r in upcoming(ctx, 30) if r.status == "scheduled"][:30]
    ctx.close()
    out, tmpdir = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    tmpdir.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again

    def batch(per_household: bool) -> None:
        ctx = open_home(home, unencrypted=True)
        target = out / ("casas" if per_household else "cartas.pdf")
        reminders_batch(ctx, hearing_ids=ids, out=target, per_household=per_household)

    kills = survivors = 0
    for step in BATCH_STEPS:
        per_household = step == "household"
        seen: set[int] = set()
        status = forked(
            functools.partial(batch, per_household),
            f"batch.{step}",
            watch=functools.partial(_children, seen=seen),
        )
        assert status == KILLED, step
        kills += 1
        survivors += len(_survivors(seen))
        assert not [p for p in out.rglob("*.pdf") if not p.name.startswith(".")], step
        open_home(home, unencrypted=True).close()  # the next start
        assert [p for p in out.rglob("*") if p.is_file()] == [], step
        assert list(tmpdir.iterdir()) == [], step
    assert survivors == 0
    status = forked(lambda: batch(True), "batch.rename")  # "rename" of one file per household
    assert status == KILLED
    open_home(home, unencrypted=True).close()
    assert [p for p in out.rglob("*") if p.is_file()] == []
    print(f"\nbatch: {kills + 1} kills, worker processes left after 10 s: {survivors}")


def test_every_step_list_names_real_steps() -> None:
    """The step lists the tests walk are the ones the code reaches (a renamed step would
    otherwise be skipped silently)."""
    import inspect

    import legalaid.documents.batch
    import legalaid.documents.parallel
    import legalaid.safety.backup
    import legalaid.safety.convert
    import legalaid.safety.keys

    modules = [
        legalaid.safety.backup,
        legalaid.safety.convert,
        legalaid.safety.keys,
        legalaid.documents.parallel,
        legalaid.documents.batch,
    ]
    source = "\n".join(inspect.getsource(m) for m in modules)
    reached = set(re.findall(r'faults\.reached\("([a-z-]+)", "([a-z-]+)"\)', source))
    listed = {("restore", s) for s in RESTORE_STEPS} | {("backup", s) for s in BACKUP_STEPS}
    listed |= {("encrypt", s) for s in ENCRYPT_STEPS} | {("batch", s) for s in BATCH_STEPS}
    listed |= {tuple(s.split(".")) for s in KEY_STEPS}  # type: ignore[misc]
    assert reached == listed
