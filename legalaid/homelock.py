"""Who has a home open: the client and every command hold it; restore, encrypt and the key
changes need it alone.

Each process that opens a home makes a *holder file* in the home's ``locks`` folder (its pid,
host and what it is) and keeps an operating-system lock on it (``flock`` on POSIX,
``msvcrt.locking`` on Windows) for as long as it has the home open. An operation that replaces
the database or the key file takes the home's gate, ``legalaid.lock``, and then every holder
file: a file it can lock belongs to a process that is gone (the system drops a dead process's
locks, so a crash never blocks the home) and is removed; a file it cannot lock names the
program to close first. Opening a home takes the gate for a moment too, so nothing opens the
home while it is being replaced. The holder files exist only to name who holds the home; the
locks are what count.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from legalaid.errors import StorageError
from legalaid.files import FILE_MODE, make_folder
from legalaid.i18n import N_

GATE = "legalaid.lock"
HOLDERS = "locks"
SUFFIX = ".hold"
CLIENT = "client"
WAIT_S = 3.0  # opening waits this long for another opening (a few ms) before giving up
_LOCK_AT = 1 << 20  # the byte locked on Windows, past the text (its locks are mandatory)

IN_USE_BY_CLIENT = N_(
    "This LegalAid folder is open in a LegalAid window (process %(pid)s on %(host)s). "
    "Close that window first, or do this from its File menu."
)
IN_USE_BY_COMMAND = N_(
    "This LegalAid folder is in use by the command “legalaid %(command)s” (process %(pid)s on "
    "%(host)s). Wait until it has finished, then try again."
)
BEING_REPLACED = N_(
    "LegalAid is replacing or encrypting the data of this folder (“legalaid %(command)s”, "
    "process %(pid)s on %(host)s). Wait until it has finished, then try again."
)


class HomeInUse(StorageError):
    """Another process holds the home (its pid, host and program are in the message)."""


_program = "legalaid"
_exclusive: dict[Path, int] = {}  # homes this process holds alone, and how deeply
_held: set[Hold] = set()  # this process's holds, released at its end (release_all)
_state = threading.Lock()


def set_program(what: str) -> None:
    """What this process is, as other processes will be told: ``CLIENT`` or a command name."""
    global _program
    _program = what


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    what: str

    def refusal(self, replacing: bool = False) -> HomeInUse:
        if replacing:
            return HomeInUse(BEING_REPLACED, command=self.what, pid=self.pid, host=self.host)
        if self.what == CLIENT:
            return HomeInUse(IN_USE_BY_CLIENT, pid=self.pid, host=self.host)
        return HomeInUse(IN_USE_BY_COMMAND, command=self.what, pid=self.pid, host=self.host)


def _me() -> dict[str, Any]:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "what": _program,
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _read_holder(fd: int) -> Holder:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 4096).decode("utf-8"))
        return Holder(int(data["pid"]), str(data["host"]), str(data["what"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Holder(0, "?", "?")


def _write_holder(fd: int) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(_me()).encode("utf-8"))


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, _LOCK_AT, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        os.lseek(fd, _LOCK_AT, os.SEEK_SET)
        with suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as error:
        raise StorageError(
            N_("The LegalAid folder %(path)s cannot be used: %(reason)s"),
            path=str(path.parent),
            reason=error.strerror or str(error),
        ) from error


def _take_gate(root: Path, wait: float) -> int:
    """The gate's descriptor, locked; HomeInUse if a replacing operation keeps it."""
    fd = _open(root / GATE)
    deadline = time.monotonic() + wait
    while not _try_lock(fd):
        if time.monotonic() >= deadline:
            holder = _read_holder(fd)
            os.close(fd)
            raise holder.refusal(replacing=True)
        time.sleep(0.02)
    return fd


def _release(fd: int) -> None:
    try:
        _unlock(fd)
    finally:
        os.close(fd)


class Hold:
    """This process has the home open (see the module's text); ``release`` when closed."""

    def __init__(self, root: Path, path: Path | None, fd: int | None) -> None:
        self.root, self.path, self._fd = root, path, fd
        if fd is not None:
            with _state:
                _held.add(self)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        with _state:
            fd, self._fd = self._fd, None
            _held.discard(self)
        if fd is None or self.path is None:
            return
        _release(fd)
        with suppress(OSError):  # after closing it (Windows keeps open files); else the
            self.path.unlink(missing_ok=True)  # next operation that takes the home removes it


def release_all() -> None:
    """Release every hold of this process (a command ending without closing its home: the
    system would drop the locks anyway, but the holder files would stay)."""
    with _state:
        holds = list(_held)
    for each in holds:
        each.release()


def hold(root: Path, *, wait: float = WAIT_S) -> Hold:
    """Hold ``root`` alongside other programs (the client, every command).

    Inside an operation that already holds the home alone in this process, a no-op hold."""
    root = root.resolve()
    with _state:
        if _exclusive.get(root):
            return Hold(root, None, None)
    folder = root / HOLDERS
    make_folder(folder)
    gate = _take_gate(root, wait)
    try:
        holders(root)  # removes the holder files of processes that are gone
        path = folder / f"{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            _write_holder(fd)
            if not _try_lock(fd):  # a new file nobody else has opened
                raise OSError("lock refused")
        except BaseException:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
    except OSError as error:
        raise StorageError(
            N_("The LegalAid folder %(path)s cannot be used: %(reason)s"),
            path=str(root),
            reason=error.strerror or str(error),
        ) from error
    finally:
        _release(gate)
    return Hold(root, path, fd)


def holders(root: Path, *, ignore: Hold | None = None) -> list[Holder]:
    """The live programs holding ``root`` (other than ``ignore``); stale holder files of
    processes that are gone are removed on the way. Call with the gate taken."""
    found: list[Holder] = []
    folder = root / HOLDERS
    try:
        paths = sorted(folder.glob(f"*{SUFFIX}"))
    except OSError:
        return found
    for path in paths:
        if ignore is not None and ignore.path == path:
            continue
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue  # removed meanwhile
        stale = False
        try:
            if _try_lock(fd):
                stale = True  # its process is gone
                _unlock(fd)
            else:
                found.append(_read_holder(fd))
        finally:
            os.close(fd)
        if stale:
            with suppress(OSError):
                path.unlink(missing_ok=True)
    return found


@contextmanager
def exclusive(root: Path, *, own: Hold | None = None) -> Iterator[None]:
    """Hold ``root`` alone for a restore, an encryption or a key change.

    ``own``: this process's own hold (the client doing it from its menu, its database closed
    first), which does not count as another program. Raises HomeInUse naming the program that
    holds it."""
    root = root.resolve()
    with _state:
        depth = _exclusive.get(root, 0)
        if depth:
            _exclusive[root] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _state:
                _exclusive[root] -= 1
        return
    make_folder(root)
    gate = _take_gate(root, WAIT_S)
    try:
        others = holders(root, ignore=own)
        if others:
            raise others[0].refusal()
        _write_holder(gate)
        with _state:
            _exclusive[root] = 1
        try:
            yield
        finally:
            with _state:
                _exclusive.pop(root, None)
    finally:
        _release(gate)
