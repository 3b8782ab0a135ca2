"""Writing papers to disk: check the folder first, then write atomically (temporary file,
flushed to disk, renamed over the target), so a failure never leaves half a PDF behind."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from legalaid.errors import StorageError
from legalaid.i18n import N_

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


def storage_error(path: Path, error: OSError) -> StorageError:
    msgid = REASONS.get(error.errno or 0, OTHER)
    return StorageError(msgid, "out", path=str(path), reason=error.strerror or str(error))


def check_folder(folder: Path, *, create: bool = False) -> None:
    """Fail early, before any work, when ``folder`` cannot take new files."""
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
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


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it over."""
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise storage_error(path, error) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise storage_error(path, error) from error
        raise


@contextmanager
def atomic_stream(path: Path) -> Iterator[BinaryIO]:
    """``write_atomic`` for a file written piece by piece (a spreadsheet): the stream is a
    temporary file beside ``path``, flushed to disk and renamed over it when the block ends
    without error; on any error it is removed and nothing is left behind."""
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise storage_error(path, error) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise storage_error(path, error) from error
        raise
