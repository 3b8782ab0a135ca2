"""Running LegalAid commands in real processes with a fault injected (LEGALAID_FAULT), and
looking at what they leave: the tests of kills, full disks, locks and permissions."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

KILLED = -signal.SIGKILL
PASS = "una frase larga y segura"
OTHER_PASS = "la frase de la otra carpeta"
WORKER = Path(__file__).with_name("fault_worker.py")


def environment(
    *,
    fault: str | None = None,
    passfile: Path | None = None,
    backup_passfile: Path | None = None,
    tmpdir: Path | None = None,
) -> dict[str, str]:
    env = {**os.environ, "LANG": "es_MX.UTF-8"}
    for name in list(env):
        if name.startswith("LEGALAID_"):
            env.pop(name)
    if fault:
        env["LEGALAID_FAULT"] = fault
    if passfile:
        env["LEGALAID_PASSPHRASE_FILE"] = str(passfile)
    if backup_passfile:
        env["LEGALAID_BACKUP_PASSPHRASE_FILE"] = str(backup_passfile)
    if tmpdir:
        env["TMPDIR"] = str(tmpdir)
    return env


def cli(
    home: Path,
    *args: str,
    fault: str | None = None,
    passfile: Path | None = None,
    backup_passfile: Path | None = None,
    tmpdir: Path | None = None,
    stdin: str | None = "",
) -> subprocess.CompletedProcess[str]:
    """``legalaid --home HOME ARGS`` in its own process, with umask 022 (as a desktop has)."""
    return subprocess.run(
        [sys.executable, "-m", "legalaid", "--home", str(home), *args],
        env=environment(
            fault=fault, passfile=passfile, backup_passfile=backup_passfile, tmpdir=tmpdir
        ),
        capture_output=True,
        text=True,
        timeout=300,
        input=stdin,
        preexec_fn=lambda: os.umask(0o022),
    )


def worker(*args: str, fault: str | None = None) -> subprocess.CompletedProcess[str]:
    """tests/safety/fault_worker.py ARGS: a core operation in its own process."""
    return subprocess.run(
        [sys.executable, str(WORKER), *args],
        env=environment(fault=fault),
        capture_output=True,
        text=True,
        timeout=300,
    )


def passfile(folder: Path, text: str = PASS, name: str = "pass.txt") -> Path:
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def stray_files(home: Path) -> list[str]:
    """What a home holds beyond its database, key, settings, lock and backups (each backup
    with its key copy): temporary and half-done files, named relative to the home."""
    stray = []
    for path in sorted(home.rglob("*")):
        rel = path.relative_to(home)
        parts = rel.parts
        if len(parts) == 1 and parts[0] in (
            "legalaid.db",
            "legalaid.key",
            "legalaid.lock",
            "settings.json",
            "locks",
            "pending",
            "backups",
        ):
            continue
        if parts[0] == "backups" and len(parts) == 2:
            name = parts[1]
            if name == "last-auto.json" or (name.endswith(".db") and not name.startswith(".")):
                continue
            if name.endswith(".db.key") and path.with_name(name[:-4]).exists():
                continue
        stray.append(str(rel))
    return stray


def readable_by_others(*roots: Path) -> list[str]:
    """Every file or folder under ``roots`` (not the roots: the test made them) that its group
    or others may read or enter."""
    found = []
    for root in roots:
        for path in root.rglob("*"):
            mode = stat.S_IMODE(path.lstat().st_mode)
            if mode & 0o077:
                found.append(f"{path} {oct(mode)}")
    return found


def forked(
    work: Callable[[], object],
    fault: str | None = None,
    watch: Callable[[int], object] | None = None,
) -> int:
    """Run ``work`` in a forked child with LEGALAID_FAULT set (the child inherits what this
    process loaded and patched, so no interpreter start per kill); its exit status, or minus
    the signal that ended it. ``watch(pid)`` is called every 50 ms while the child runs. Call
    with no home open here (a child shares open files)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.environ.pop("LEGALAID_FAULT", None)
            if fault:
                os.environ["LEGALAID_FAULT"] = fault
            work()
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG if watch else 0)
        if done:
            break
        assert watch is not None
        watch(pid)
        time.sleep(0.05)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
