"""Backups that restore: online copies (SQLite backup API), verified, rotated, encrypted.

A backup is a copy of the database file, encrypted with the same key as the live one, plus a copy
of the key file beside it (``NAME.db.key``) so it can be opened on another laptop with the
passphrase or the recovery key. Restore verifies a backup before it replaces anything and keeps the
current database as a backup first.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from legalaid.context import AppContext, HomeState, home_state
from legalaid.db import open_raw
from legalaid.errors import LegalAidError, StorageError
from legalaid.i18n import N_
from legalaid.paths import HomePaths, resolve_home
from legalaid.safety.keys import unlock

AUTO_PREFIX = "auto-"
KEY_SUFFIX = ".key"
NOT_A_BACKUP = N_("%(path)s is not a usable LegalAid backup (%(reason)s). Nothing was changed.")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str | None
    cases: int
    people: int
    hearings: int


def key_path_for(backup: Path) -> Path:
    return backup.with_name(backup.name + KEY_SUFFIX)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


def backup_to(ctx: AppContext, dest: Path) -> Path:
    """Write a verified backup to ``dest`` (e.g. a USB stick); never leaves half a file."""
    dest = dest.expanduser()
    if dest.is_dir():
        dest = dest / f"legalaid-{_stamp()}.db"
    tmp = dest.with_name(f".{dest.name}.partial")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        ctx.db.backup_into(tmp)
        _verify(tmp, ctx.db._key)
        _fsync(tmp)
        if ctx.encrypted:
            shutil.copyfile(ctx.home.key_file, key_path_for(tmp))
            os.replace(key_path_for(tmp), key_path_for(dest))
        os.replace(tmp, dest)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        key_path_for(tmp).unlink(missing_ok=True)
        raise StorageError(
            N_("The backup could not be written to %(path)s: %(reason)s"),
            path=str(dest),
            reason=error.strerror or str(error),
        ) from error
    return dest


def auto_backup(ctx: AppContext, label: str = "", *, only_if_changed: bool = False) -> Path:
    """A backup in the home's backups folder; keeps the newest ``settings.backup_keep``.

    ``only_if_changed`` (the client's timer and close): when nothing changed since the last
    automatic backup, that backup is the answer and nothing is written, so a window left open
    for days does not rotate the older, different backups away with identical copies.
    """
    signature = database_signature(ctx) if only_if_changed else ""
    if signature:
        last = _last_auto(ctx.home.backups)
        if last is not None and last[0] == signature:
            return last[1]
    name = f"{AUTO_PREFIX}{_stamp()}{'-' + label if label else ''}.db"
    path = backup_to(ctx, ctx.home.backups / name)
    rotate(ctx.home.backups, ctx.settings.backup_keep)
    _remember_auto(ctx.home.backups, signature or database_signature(ctx), path)
    return path


LAST_AUTO = "last-auto.json"  # the signature of the newest automatic backup, beside it
VERSIONED = (
    "case",
    "person",
    "hearing",
    "hearing_attendee",
    "risk_assessment",
    "incident",
    "crossing",
    "court",
    "case_sequence",
)
INSERT_ONLY = ("audit_entry", "document_log")


def database_signature(ctx: AppContext) -> str:
    """Changes to the data, summed up: rows, newest row and version sums of every table.

    Every change through LegalAid adds a row or raises a version counter, so two equal
    signatures mean the same data (a program editing the file by hand could fool it; a backup
    is then simply skipped once more until the next change)."""
    parts: list[object] = []
    with ctx.db.query() as conn:
        for table in VERSIONED:
            parts += conn.execute(
                f'SELECT count(*), max(rowid), total(version) FROM "{table}"'
            ).fetchone()
        for table in INSERT_ONLY:
            parts += conn.execute(f'SELECT count(*), max(rowid) FROM "{table}"').fetchone()
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _last_auto(folder: Path) -> tuple[str, Path] | None:
    try:
        data = json.loads((folder / LAST_AUTO).read_text(encoding="utf-8"))
        signature, path = str(data["signature"]), folder / Path(str(data["file"])).name
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return (signature, path) if path.is_file() else None


def _remember_auto(folder: Path, signature: str, path: Path) -> None:
    marker = folder / LAST_AUTO
    tmp = marker.with_name(f".{LAST_AUTO}.partial")
    try:
        tmp.write_text(json.dumps({"signature": signature, "file": path.name}), encoding="utf-8")
        os.replace(tmp, marker)
    except OSError:
        tmp.unlink(missing_ok=True)  # only an optimisation: the next backup is simply written


def rotate(folder: Path, keep: int) -> list[Path]:
    backups = sorted(folder.glob(f"{AUTO_PREFIX}*.db"))
    removed = backups[: max(0, len(backups) - keep)]
    for old in removed:
        old.unlink(missing_ok=True)
        key_path_for(old).unlink(missing_ok=True)
    return removed


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _verify(path: Path, key: bytes | None) -> BackupInfo:
    """Open the file with the key, check integrity and that it is a LegalAid database."""
    try:
        conn = open_raw(path, key)
    except Exception as error:
        raise StorageError(NOT_A_BACKUP, path=str(path), reason=str(error)) from error
    try:
        return _inspect(conn, path)
    except StorageError:
        raise
    except Exception as error:
        raise StorageError(NOT_A_BACKUP, path=str(path), reason=str(error)) from error
    finally:
        conn.close()


def _inspect(conn: Any, path: Path) -> BackupInfo:
    status = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if status != "ok":
        raise StorageError(NOT_A_BACKUP, path=str(path), reason=str(status)[:200])
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    counts = [
        conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for table in ("case", "person", "hearing")
    ]
    return BackupInfo(path, revision[0] if revision else None, *counts)


def inspect_backup(path: Path, secret: str | None = None, key: bytes | None = None) -> BackupInfo:
    """Verify a backup file; encrypted ones need the passphrase/recovery key or the key."""
    key_file = key_path_for(path)
    if key is None and key_file.exists():
        if not secret:
            raise StorageError(N_("This backup is encrypted: enter its passphrase."))
        key = unlock(key_file, secret)
    info = _verify(path, key)
    if info.revision is None:
        raise StorageError(NOT_A_BACKUP, path=str(path), reason="no schema version")
    return info


def restore(
    home: str | os.PathLike[str] | None,
    source: Path,
    *,
    secret: str | None = None,
    unencrypted: bool = False,
) -> Path:
    """Replace the home's database with a verified backup; returns the safety copy made first.

    The home must not be open elsewhere in this process (close the AppContext first).
    """
    paths = HomePaths(resolve_home(home))
    source = source.expanduser()
    if not source.exists():
        raise StorageError(N_("The backup %(path)s does not exist."), path=str(source))
    key = _backup_key(paths, source, secret)
    info = _verify(source, key)
    if info.revision is None:
        raise StorageError(NOT_A_BACKUP, path=str(source), reason="no schema version")
    safety = _keep_current(paths, secret, unencrypted) if paths.database.exists() else None
    _replace_database(paths, source, key_path_for(source) if key else None)
    return safety or source


def _keep_current(paths: HomePaths, secret: str | None, unencrypted: bool) -> Path:
    """Back up the current database; if it is too damaged to open, keep its raw files."""
    from legalaid.context import open_home

    try:
        current = open_home(paths.root, passphrase=secret, unencrypted=unencrypted)
    except LegalAidError:
        return _raw_copy(paths)
    try:
        return auto_backup(current, "before-restore")
    finally:
        current.close()


def _raw_copy(paths: HomePaths) -> Path:
    folder = paths.backups / f"damaged-{_stamp()}"
    folder.mkdir(parents=True, exist_ok=True)
    for path in (paths.database, Path(f"{paths.database}-wal"), paths.key_file):
        if path.exists():
            shutil.copy2(path, folder / path.name)
    return folder


def _backup_key(paths: HomePaths, source: Path, secret: str | None) -> bytes | None:
    sidecar = key_path_for(source)
    if sidecar.exists():
        if not secret:
            raise StorageError(N_("This backup is encrypted: enter its passphrase."))
        return unlock(sidecar, secret)
    if home_state(paths.root) is HomeState.ENCRYPTED:
        if not secret:
            raise StorageError(N_("This backup is encrypted: enter its passphrase."))
        return unlock(paths.key_file, secret)
    return None


def _replace_database(paths: HomePaths, source: Path, key_file: Path | None) -> None:
    tmp = paths.root / ".restore.partial"
    shutil.copyfile(source, tmp)
    _fsync(tmp)
    for suffix in ("-wal", "-shm"):
        Path(str(paths.database) + suffix).unlink(missing_ok=True)
    if key_file is not None:
        shutil.copyfile(key_file, paths.root / ".restore-key.partial")
        os.replace(paths.root / ".restore-key.partial", paths.key_file)
    os.replace(tmp, paths.database)
