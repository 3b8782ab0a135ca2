"""Writing files: owner-only (0600 files, 0700 folders), atomically, never half a file left.

Every file LegalAid writes holds people's data (letters, exports, backups, keys), so each is
created readable by its owner only, whatever the umask: ``write_atomic`` writes a temporary file
beside the target, flushes it to disk and renames it over; ``partial`` hands the temporary name
to code that writes it itself (SQLite's backup, the letters' joining). A failure removes the
temporary file. A temporary file outside the home (an export, a batch of letters) is named with
this process's id and its folder is noted in the home's ``pending`` folder, so when a crash or a
kill leaves it, the next start removes it (``sweep_pending``).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import socket
import stat
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from legalaid.errors import StorageError
from legalaid.i18n import N_

FILE_MODE = 0o600
DIR_MODE = 0o700
PARTIAL = ".partial"  # every temporary file ends so: the sweeps recognise them
# .NAME.legalaid-PID-RANDOM.partial: whose it is (a process that may be gone) and what; SQLite
# adds -wal, -shm or -journal files beside those it writes.
_OWNED = re.compile(r"^\..+\.legalaid-(\d+)-[0-9a-f]+\.partial(-wal|-shm|-journal)?$")

REASONS = {
    errno.ENOENT: N_("Cannot write to %(path)s: the folder does not exist."),
    errno.ENOTDIR: N_("Cannot write to %(path)s: the folder does not exist."),
    errno.EACCES: N_("Cannot write to %(path)s: permission denied."),
    errno.EPERM: N_("Cannot write to %(path)s: permission denied."),
    errno.EROFS: N_("Cannot write to %(path)s: the disk is read-only."),
    errno.ENOSPC: N_("Cannot write to %(path)s: the disk is full."),
    getattr(errno, "EDQUOT", errno.ENOSPC): N_("Cannot write to %(path)s: the disk is full."),
    errno.EFBIG: N_("Cannot write to %(path)s: the file is too large for this disk."),
    errno.EISDIR: N_("Cannot write to %(path)s: it is a folder; give a file name ending in .pdf."),
}
OTHER = N_("Cannot write to %(path)s: %(reason)s")


def owner_only() -> None:
    """Files and folders this process creates are its user's only (the commands and the client
    call this first; the functions below set the modes themselves as well)."""
    os.umask(0o077)


def storage_error(path: Path, error: OSError) -> StorageError:
    msgid = REASONS.get(error.errno or 0, OTHER)
    return StorageError(msgid, "out", path=str(path), reason=error.strerror or str(error))


def check_folder(folder: Path, *, create: bool = False) -> None:
    """Fail early, before any work, when ``folder`` cannot take new files."""
    try:
        if create:
            make_folder(folder)
        if not folder.exists():
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(folder))
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
    except OSError as error:
        raise storage_error(folder, error) from error


def check_file(path: Path) -> None:
    """``path`` can be written: its folder exists and is writable, and it is not a folder."""
    if path.is_dir():
        raise storage_error(path, IsADirectoryError(errno.EISDIR, "", str(path)))
    check_folder(path.parent if str(path.parent) else Path("."))


def make_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) owner-only; an existing folder is left as is."""
    missing = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(path, DIR_MODE)


def create_private(path: Path) -> None:
    """A new empty file at ``path``, owner-only (SQLite then keeps its mode, and gives it to
    the -wal and -shm files beside it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)


def make_private(path: Path) -> None:
    """Take away group and other access from an existing file or folder."""
    try:
        mode = path.stat().st_mode
        wanted = DIR_MODE if stat.S_ISDIR(mode) else FILE_MODE
        if stat.S_IMODE(mode) & 0o077:
            os.chmod(path, stat.S_IMODE(mode) & ~0o077 | (wanted & 0o700))
    except OSError:
        pass  # not ours to change (another owner): nothing more to do


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_folder(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def copy_private(source: Path, target: Path) -> None:
    """Copy ``source`` to a new owner-only ``target`` (replaced if there), flushed to disk."""
    with partial(target) as tmp, source.open("rb") as src, tmp.open("r+b") as out:
        while chunk := src.read(1 << 20):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


def partial_name(path: Path) -> Path:
    """The temporary name beside ``path`` that ``partial`` writes: hidden, this process's."""
    return path.with_name(f".{path.name}.legalaid-{os.getpid()}-{secrets.token_hex(4)}{PARTIAL}")


def new_partial(path: Path) -> Path:
    """Make the empty owner-only temporary file for ``path``, noted for the clean-up after a
    crash; the caller writes it, renames it over ``path`` or removes it, then calls
    ``drop_partial``."""
    tmp = partial_name(path)
    _note(tmp.parent, +1)
    try:
        create_private(tmp)
    except BaseException:
        _note(tmp.parent, -1)
        raise
    return tmp


def drop_partial(tmp: Path) -> None:
    """``tmp`` (from ``new_partial``) was renamed or removed: no longer to clean up."""
    _note(tmp.parent, -1)


@contextmanager
def partial(path: Path, *, durable: bool = True) -> Iterator[Path]:
    """An empty owner-only temporary file beside ``path``: write it in the block; on success it
    is flushed and renamed over ``path``, on any failure removed. OSErrors become a
    translated StorageError naming ``path``."""
    try:
        tmp = new_partial(path)
    except OSError as error:
        raise storage_error(path, error) from error
    try:
        yield tmp
        if durable:
            fsync_file(tmp)
        os.replace(tmp, path)
        if durable:
            fsync_folder(path.parent)
    except BaseException as error:
        tmp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise storage_error(path, error) from error
        raise
    finally:
        drop_partial(tmp)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, rename it over."""
    with partial(path) as tmp, tmp.open("r+b") as stream:
        stream.write(data)
        stream.flush()


@contextmanager
def atomic_stream(path: Path) -> Iterator[BinaryIO]:
    """``write_atomic`` for a file written piece by piece (a spreadsheet): the stream is the
    owner-only temporary file beside ``path``, renamed over it when the block ends without
    error; on any error it is removed and nothing is left behind."""
    with partial(path) as tmp, tmp.open("r+b") as stream:
        yield stream
        stream.flush()


# --- temporary files a kill left behind ----------------------------------------------------
# While this process has temporary files, the home's "pending" folder holds a note named with
# its pid and host listing their folders; it goes when the last one is renamed or removed.
_pending: Path | None = None  # the home's "pending" folder (set when a home is opened)
_in_flight: dict[Path, int] = {}  # folder -> temporary files of this process in it
_companions: set[Path] = set()  # key copies written before their backup is in place
_notes = threading.Lock()
KEY_COPY = ".db.key"


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:64] or "host"


def _entry(folder: Path) -> Path:
    return folder / f"{os.getpid()}@{_host()}.txt"


def use_pending_folder(folder: Path | None) -> None:
    """Where this process notes the folders it writes temporary files in (the home's)."""
    global _pending
    with _notes:
        _pending = folder


def note_key_copy(path: Path, writing: bool) -> None:
    """A backup's key copy (``NAME.db.key``) written before the backup is renamed into place:
    if this process is killed in between, the next start removes the key copy when its backup
    is not there (``writing=False`` once the backup is in place, or gone)."""
    with _notes:
        if writing:
            _companions.add(path.resolve())
        else:
            _companions.discard(path.resolve())
    _note(path.parent, 0)


def _note(folder: Path, change: int) -> None:
    with _notes:
        try:
            folder = folder.resolve()
        except OSError:
            return
        count = _in_flight.get(folder, 0) + change
        if count > 0:
            _in_flight[folder] = count
        else:
            _in_flight.pop(folder, None)
        if _pending is None:
            return
        entry = _entry(_pending)
        try:
            if not _in_flight and not _companions:
                entry.unlink(missing_ok=True)
                return
            make_folder(_pending)
            text = "".join(f"{path}\n" for path in _in_flight)
            text += "".join(f"{KEY_COPY}:{path}\n" for path in _companions)
            fd = os.open(entry, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
            try:
                os.write(fd, text.encode("utf-8", "surrogateescape"))
            finally:
                os.close(fd)
        except OSError:
            pass  # only for the clean-up after a crash; the write itself goes on


def forget_pending() -> None:
    """This process is ending cleanly: its temporary files are gone, so is its note."""
    with _notes:
        _in_flight.clear()
        _companions.clear()
        if _pending is not None:
            _entry(_pending).unlink(missing_ok=True)


def owned_partials(folder: Path, pid: int | None = None) -> list[Path]:
    """The temporary files ``partial`` made in ``folder`` (those of process ``pid``)."""
    try:
        names = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for path in names:
        match = _OWNED.match(path.name)
        if match and (pid is None or int(match.group(1)) == pid):
            found.append(path)
    return found


def sweep_pending(folder: Path, is_alive: Callable[[int], bool]) -> list[Path]:
    """Remove the temporary files of processes that are gone from the folders they noted in
    ``folder``; returns what was removed."""
    removed: list[Path] = []
    try:
        entries = list(folder.glob("*@*.txt"))
    except OSError:
        return removed
    for entry in entries:
        pid_text, _at, host = entry.stem.partition("@")
        if host != _host() or not pid_text.isdigit() or is_alive(int(pid_text)):
            continue
        try:
            lines = entry.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
        except OSError:
            continue
        for line in dict.fromkeys(lines):
            if line.startswith(f"{KEY_COPY}:"):
                copy = Path(line[len(KEY_COPY) + 1 :])
                if copy.name.endswith(KEY_COPY) and not copy.with_name(copy.name[:-4]).exists():
                    with suppress(OSError):
                        copy.unlink()
                        removed.append(copy)
                continue
            for path in owned_partials(Path(line), int(pid_text)):
                try:
                    path.unlink()
                    removed.append(path)
                except OSError:
                    pass
        entry.unlink(missing_ok=True)
    return removed
