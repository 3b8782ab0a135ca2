"""Every multi-step operation killed (SIGKILL) at each of its steps, in a real process: restore,
encrypt, change of passphrase, backup and batches of letters. After each kill the next start
leaves the data all old or all new (no row lost), the operation runs again to the end, and no
temporary file is left anywhere. Each test prints its figures (kills, faults survived, rows
lost, files left before and after the next start)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psutil
import pytest

from legalaid.context import open_home
from legalaid.documents.parallel import STEPS as BATCH_STEPS
from legalaid.safety.backup import BACKUP_STEPS, RESTORE_STEPS, auto_backup, backup_to
from legalaid.safety.convert import STEPS as ENCRYPT_STEPS
from legalaid.safety.keys import STEPS as KEY_STEPS
from legalaid.safety.keys import WrongPassphrase, unlock
from legalaid.services.demo import generate_demo
from tests.core.helpers import family
from tests.safety.conftest import dump, files_containing
from tests.safety.faulty import (
    KILLED,
    OTHER_PASS,
    PASS,
    cli,
    environment,
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


def _encrypted_home_with_backup(tmp_path: Path) -> tuple[Path, Path, bytes, dict, dict]:  # type: ignore[type-arg]
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


@pytest.mark.slow
def test_restore_killed_at_every_step(tmp_path: Path) -> None:
    base, backup, key, current, restored = _encrypted_home_with_backup(tmp_path)
    secret = passfile(tmp_path)
    left_after_kill = left_after_start = lost = 0
    for step in RESTORE_STEPS:
        home = tmp_path / step
        shutil.copytree(base, home)
        killed = cli(home, "restore", str(backup), fault=f"restore.{step}", passfile=secret)
        assert killed.returncode == KILLED, (step, killed.stderr)
        left_after_kill += len(stray_files(home))
        ctx = open_home(home, passphrase=PASS)  # the next start: undone, or done
        now = dump(home / "legalaid.db", key)
        ctx.close()
        lost += now not in (current, restored)
        assert now in (current, restored), step
        assert now == restored or step != "done"  # verified in place: it stays restored
        assert stray_files(home) == [], step
        left_after_start += len(stray_files(home))
        again = cli(home, "restore", str(backup), passfile=secret)
        assert again.returncode == 0, again.stderr
        assert dump(home / "legalaid.db", key) == restored
        assert stray_files(home) == []
    _figures("restore", len(RESTORE_STEPS), len(RESTORE_STEPS), lost, left_after_kill, 0)


@pytest.mark.slow
def test_restore_of_another_folders_backup_killed_at_every_step(tmp_path: Path) -> None:
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
    secret, theirs_secret = passfile(tmp_path), passfile(tmp_path, OTHER_PASS, "other.txt")
    for step in RESTORE_STEPS:
        home = tmp_path / f"foreign-{step}"
        shutil.copytree(base, home)
        killed = cli(
            home,
            "restore",
            "--other-home",
            str(foreign),
            fault=f"restore.{step}",
            passfile=secret,
            backup_passfile=theirs_secret,
        )
        assert killed.returncode == KILLED, (step, killed.stderr)
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


def _plain_home_with_backups(tmp_path: Path) -> tuple[Path, dict[str, dict]]:  # type: ignore[type-arg]
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


def _check_encrypted(home: Path, originals: dict[str, dict]) -> str:  # type: ignore[type-arg]
    key = unlock(home / "legalaid.key", PASS)
    assert dump(home / "legalaid.db", key) == originals["legalaid.db"]
    for name, rows in originals.items():
        if name != "legalaid.db":
            backup = home / "backups" / name
            assert dump(backup, unlock(Path(f"{backup}.key"), PASS)) == rows, name
    assert files_containing(home, NEEDLES) == []
    assert stray_files(home) == []
    return key.hex()


@pytest.mark.slow
def test_encrypt_killed_at_every_step_and_run_again(tmp_path: Path) -> None:
    """Run again as the app advises: finished, every backup kept and readable, no plaintext."""
    base, originals = _plain_home_with_backups(tmp_path)
    secret = passfile(tmp_path)
    left_after_kill = 0
    for step in ENCRYPT_STEPS:
        home = tmp_path / step
        shutil.copytree(base, home)
        killed = cli(home, "encrypt", fault=f"encrypt.{step}", passfile=secret)
        assert killed.returncode == KILLED, (step, killed.stderr)
        left_after_kill += len(stray_files(home))
        again = cli(home, "encrypt", passfile=secret)
        assert again.returncode == 0, (step, again.stderr)
        recovery = re.findall(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){5}", again.stdout)[0]
        _check_encrypted(home, originals)
        assert unlock(home / "legalaid.key", recovery)  # the key shown opens it
    _figures("encrypt", len(ENCRYPT_STEPS), len(ENCRYPT_STEPS), 0, left_after_kill, 0)


@pytest.mark.slow
def test_an_interrupted_encryption_is_finished_by_opening_the_home(tmp_path: Path) -> None:
    base, originals = _plain_home_with_backups(tmp_path)
    secret = passfile(tmp_path)
    for step in ("aside", "swap", "wipe", "backup-swap"):  # after the commit
        home = tmp_path / step
        shutil.copytree(base, home)
        assert cli(home, "encrypt", fault=f"encrypt.{step}", passfile=secret).returncode == KILLED
        listing = cli(home, "cases", passfile=secret)
        assert listing.returncode == 0, listing.stderr
        assert "clave de recuperación" in listing.stderr  # the first one was never shown
        _check_encrypted(home, originals)
    wrong = tmp_path / "wrong"
    shutil.copytree(base, wrong)
    assert cli(wrong, "encrypt", fault="encrypt.aside", passfile=secret).returncode == KILLED
    refused = cli(wrong, "encrypt", passfile=passfile(tmp_path, "otra frase distinta", "w.txt"))
    assert refused.returncode == 1 and "interrumpió" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.slow
def test_passphrase_change_killed_at_every_step(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, passphrase=PASS)
    recovery = ctx.recovery_key
    assert recovery is not None
    ctx.close()
    new = "la frase nueva y más larga"
    for step in KEY_STEPS:
        killed = worker("change-passphrase", str(home), PASS, new, fault=step)
        assert killed.returncode == KILLED, (step, killed.stderr)
        assert unlock(home / "legalaid.key", PASS)  # killed before the rename: still the old
        assert unlock(home / "legalaid.key", recovery)
        open_home(home, passphrase=PASS).close()
        assert stray_files(home) == [], step
    done = worker("change-passphrase", str(home), PASS, new)
    assert done.returncode == 0, done.stderr
    assert unlock(home / "legalaid.key", new) and unlock(home / "legalaid.key", recovery)
    _figures("change-passphrase", len(KEY_STEPS), len(KEY_STEPS), 0, 0, 0)


@pytest.mark.slow
def test_backup_killed_at_every_step(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ctx = open_home(home, passphrase=PASS)
    generate_demo(ctx, 20, seed=2)
    first = auto_backup(ctx)
    key = ctx.db._key
    assert key is not None
    ctx.close()
    kept = dump(first, key)
    secret = passfile(tmp_path)
    (tmp_path / "usb").mkdir()
    left_after_kill = 0
    for step in BACKUP_STEPS:
        for target in ([], ["-o", str(tmp_path / "usb" / "copia.db")]):
            killed = cli(home, "backup", *target, fault=f"backup.{step}", passfile=secret)
            assert killed.returncode == KILLED, (step, killed.stderr)
            left_after_kill += len(stray_files(home)) + len(list((tmp_path / "usb").iterdir()))
            assert cli(home, "cases", passfile=secret).returncode == 0  # the next start
            assert stray_files(home) == [], step
            assert [p.name for p in (tmp_path / "usb").iterdir()] == [], step
            assert dump(first, key) == kept
    assert cli(home, "backup", passfile=secret).returncode == 0
    assert len(list((home / "backups").glob("auto-*.db"))) == 2
    _figures("backup", 2 * len(BACKUP_STEPS), 2 * len(BACKUP_STEPS), 0, left_after_kill, 0)


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


@pytest.mark.slow
def test_a_killed_batch_leaves_no_process_and_no_file(tmp_path: Path) -> None:
    """SIGKILL the command while its workers lay letters out: the workers and the resource
    tracker end within seconds, the chunks were in the private temporary folder (owner-only),
    and the next start removes what was left there and in the output folder."""
    home, first, last = _batch_home(tmp_path, 1100)
    out, tmpdir = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    tmpdir.mkdir()
    survivors_total = 0
    for step in ("chunks", "join", "rename"):
        args = [sys.executable, "-m", "legalaid", "--home", str(home), "--unencrypted"]
        args += ["reminders", "--from", first, "--to", last, "-o", str(out / "cartas.pdf")]
        env = environment(fault=f"batch.{step}", tmpdir=tmpdir)
        child = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen: set[int] = set()
        private: list[str] = []
        while child.poll() is None:
            try:
                seen |= {p.pid for p in psutil.Process(child.pid).children(recursive=True)}
            except psutil.NoSuchProcess:
                break
            private += readable_by_others(tmpdir)
            time.sleep(0.05)
        child.communicate()
        assert child.returncode == KILLED, step
        assert len(seen) >= 2, step  # the workers (and the resource tracker) had started
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in seen):
            time.sleep(0.1)
        survivors = [pid for pid in seen if _alive(pid)]
        survivors_total += len(survivors)
        assert survivors == [], step
        assert private == []  # the chunks were owner-only in an owner-only folder
        assert not any(p.suffix == ".pdf" for p in out.iterdir())  # no chunk, no half PDF
        assert cli(home, "--unencrypted", "crossings", tmpdir=tmpdir).returncode == 0
        assert list(out.iterdir()) == [], step  # the next start removed the partial file
        assert list(tmpdir.iterdir()) == [], step  # and the chunks' folder
    print(f"\nbatch: 3 kills, worker processes left after 10 s: {survivors_total}")
    done = cli(home, "--unencrypted", "reminders", "--from", first, "--to", last, "-o",
               str(out / "cartas.pdf"), tmpdir=tmpdir)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out.iterdir()] == ["cartas.pdf"]
    assert list(tmpdir.iterdir()) == []
    assert readable_by_others(out) == []


@pytest.mark.slow
def test_a_killed_batch_per_household_leaves_no_file(tmp_path: Path) -> None:
    home, first, last = _batch_home(tmp_path, 60)
    out = tmp_path / "cartas"
    for step in ("household", "rename"):
        killed = cli(home, "--unencrypted", "reminders", "--from", first, "--to", last,
                     "--per-household", "-o", str(out), fault=f"batch.{step}")  # fmt: skip
        assert killed.returncode == KILLED, (step, killed.stderr)
        assert not any(p.suffix == ".pdf" for p in out.iterdir())
        assert cli(home, "--unencrypted", "crossings").returncode == 0
        assert list(out.iterdir()) == [], step
    done = cli(home, "--unencrypted", "reminders", "--from", first, "--to", last,
               "--per-household", "-o", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(list(out.glob("*.pdf"))) >= 2 and not list(out.glob(".*"))
    assert readable_by_others(out) == []


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
