"""Backups that restore: online copies (SQLite backup API), verified, rotated, encrypted.

A backup is a copy of the database file, encrypted with the same key as the live one, plus a copy
of the key file beside it (``NAME.db.key``) so it can be opened on another laptop with the
passphrase or the recovery key. A copy that fails SQLite's integrity check is not kept: the live
database is damaged, and the older backups stay as they are (``DatabaseDamaged``).

Restore holds the home alone (legalaid.homelock), verifies the backup, keeps the current data as
a backup first, and swaps in steps that a kill at any point leaves undoable: the backup is
copied into ``restore.staging`` and checked there; the current files are moved into
``restore.old`` (its list of what existed written first); the copies are moved in and checked in
place; only then is ``restore.old`` removed. A restore interrupted before that is undone when the
home is next opened (``finish_restore``), so the data is either all old or all restored.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from legalaid import faults, homelock
from legalaid.context import AppContext
from legalaid.db import FULL, is_database_error, looks_encrypted, open_raw, storage_error
from legalaid.errors import LegalAidError, PassphraseRequired, StorageError, WrongPassphrase
from legalaid.files import (
    REASONS,
    copy_private,
    fsync_folder,
    make_folder,
    note_key_copy,
    partial,
    write_atomic,
)
from legalaid.i18n import N_
from legalaid.leftovers import (
    LIVE_NAMES,
    RESTORE_DONE,
    RESTORE_OLD,
    RESTORE_STAGING,
    finish_restore,
)
from legalaid.leftovers import clean_restore as _clean
from legalaid.leftovers import roll_back_restore as _roll_back
from legalaid.paths import HomePaths, key_path_for, resolve_home
from legalaid.safety.keys import database_id, unlock

AUTO_PREFIX = "auto-"
NOT_A_BACKUP = N_("%(path)s is not a usable LegalAid backup (%(reason)s). Nothing was changed.")
BACKUP_FAILED = N_("The backup could not be written to %(path)s: %(reason)s")
BACKUP_DISK_FULL = N_(
    "The backup could not be written to %(path)s: the disk is full. Free some space or choose "
    "another place, then try again. The earlier backups are untouched."
)
DAMAGED_LIVE = N_(
    "The database has damaged parts (the check found: %(detail)s). This backup was not kept, "
    "and the earlier backups are untouched. Restore the newest backup (File > Restore from a "
    "backup, or legalaid restore FILE); changes made since that backup must then be typed "
    "again, so note them first."
)
RESTORE_DISK_FULL = N_(
    "The backup could not be restored: the disk is full. Free some space, then try again. "
    "Nothing was changed."
)
RESTORE_FAILED = N_("The backup could not be restored: %(reason)s. Nothing was changed.")
KEY_COPY_MISSING = N_(
    "The backup %(path)s is encrypted with another key than this folder's, and its key copy "
    "%(key)s is not beside it. Put that file (it was made with the backup) next to it, then "
    "try again. Nothing was changed."
)
OTHER_HOME = N_(
    "The backup %(file)s was made by another LegalAid folder, which has its own passphrase. "
    "Restoring it replaces the data here, and from then on this folder opens with the "
    "passphrase (or recovery key) of that backup. The data here now is kept first, in "
    "%(folder)s, and can be restored later with this folder's passphrase."
)
WRONG_BACKUP_PASSPHRASE = N_(
    "That passphrase does not open the backup %(file)s. It was made by another LegalAid "
    "folder: write the passphrase (or recovery key) that was in use there when it was made."
)
CURRENT_PASSPHRASE = N_(
    "Write the passphrase of this LegalAid folder (the data here now), so that its data is "
    "kept as a backup before the restore."
)
NOT_IN_PLACE = N_(
    "The restored copy did not pass its check in place (%(reason)s). The data from before the "
    "restore is back as it was."
)
BACKUP_STEPS = ("copy", "verify", "key", "rename")
RESTORE_STEPS = ("safety", "stage", "stage-verify", "commit", "aside", "swap", "verify", "done")


class DatabaseDamaged(StorageError):
    """The live database failed its integrity check while being backed up."""


class OtherHomeBackup(StorageError):
    """The backup belongs to another LegalAid folder: restoring it needs a confirmation."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str | None
    cases: int
    people: int
    hearings: int


@dataclass(frozen=True)
class BackupOrigin:
    """What a restore of a backup file will need and do."""

    encrypted: bool  # it needs a database key
    key_copy: bool  # NAME.db.key is beside it
    other_home: bool  # made by another LegalAid folder: its key (and passphrase) come with it


@dataclass(frozen=True)
class Restored:
    safety_copy: Path | None  # the data from before, kept as a backup (None: there was none)
    key: bytes | None  # the database key of the restored data
    other_home: bool


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


def _backup_error(dest: Path, error: BaseException) -> StorageError:
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return StorageError(BACKUP_DISK_FULL, path=str(dest))
    if isinstance(error, OSError) and error.errno in REASONS:
        return StorageError(REASONS[error.errno], path=str(dest))
    mapped = storage_error(error, dest)
    if mapped is not None and mapped.problems[0].msgid == FULL:
        return StorageError(BACKUP_DISK_FULL, path=str(dest))
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
    else:
        reason = str(getattr(error, "orig", error))
    return StorageError(BACKUP_FAILED, path=str(dest), reason=reason)


def backup_to(ctx: AppContext, dest: Path) -> Path:
    """Write a verified backup to ``dest`` (e.g. a USB stick); never leaves half a file.

    The copy is checked (integrity, schema) before it is kept; its key copy is written beside
    it first, so a kept backup always has its key."""
    dest = dest.expanduser()
    if dest.is_dir():
        dest = dest / f"legalaid-{_stamp()}.db"
    kept = False
    try:
        make_folder(dest.parent)
        with partial(dest) as tmp:
            faults.reached("backup", "copy")
            ctx.db.backup_into(tmp)
            faults.reached("backup", "verify")
            _verify(tmp, ctx.db._key, live=True)
            faults.reached("backup", "key")
            if ctx.encrypted:
                note_key_copy(key_path_for(dest), writing=True)
                copy_private(ctx.home.key_file, key_path_for(dest))
            faults.reached("backup", "rename")
        kept = True
    except StorageError as error:  # partial() names the OSError; say it as a backup's
        if isinstance(error.__cause__, OSError) and not isinstance(error, DatabaseDamaged):
            raise _backup_error(dest, error.__cause__) from error
        raise
    except Exception as error:
        if isinstance(error, OSError) or is_database_error(error):
            raise _backup_error(dest, error) from error
        raise
    finally:
        if ctx.encrypted:
            if not kept and not dest.exists():
                key_path_for(dest).unlink(missing_ok=True)  # the key copy of no backup
            note_key_copy(key_path_for(dest), writing=False)
    return dest


def auto_backup(ctx: AppContext, label: str = "", *, only_if_changed: bool = False) -> Path:
    """A backup in the home's backups folder; keeps the newest ``settings.backup_keep``.

    ``only_if_changed`` (the client's timer and close): when nothing changed since the last
    automatic backup, that backup is the answer and nothing is written, so a window left open
    for days does not rotate the older, different backups away with identical copies.
    """
    try:
        signature = database_signature(ctx) if only_if_changed else ""
    except StorageError:  # a damaged database: the backup's own check says so, in full
        signature = ""
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
    try:
        data = json.dumps({"signature": signature, "file": path.name}).encode("utf-8")
        write_atomic(folder / LAST_AUTO, data)
    except (OSError, StorageError):
        pass  # only an optimisation: the next backup is simply written


def rotate(folder: Path, keep: int) -> list[Path]:
    backups = sorted(folder.glob(f"{AUTO_PREFIX}*.db"))
    removed = backups[: max(0, len(backups) - keep)]
    for old in removed:
        old.unlink(missing_ok=True)
        key_path_for(old).unlink(missing_ok=True)
    return removed


def _verify(path: Path, key: bytes | None, *, live: bool = False) -> BackupInfo:
    """Open the file with the key, check integrity and that it is a LegalAid database.

    ``live``: a fresh copy of the live database, whose failed check means the live database is
    damaged (DatabaseDamaged), not that a backup file is unusable."""
    try:
        conn = open_raw(path, key)
    except Exception as error:
        raise StorageError(NOT_A_BACKUP, path=str(path), reason=str(error)) from error
    try:
        return _inspect(conn, path, live)
    except StorageError:
        raise
    except Exception as error:
        if live and storage_error(error, path) is not None and "malformed" in str(error):
            raise DatabaseDamaged(DAMAGED_LIVE, detail=str(error)[:200]) from error
        raise StorageError(NOT_A_BACKUP, path=str(path), reason=str(error)) from error
    finally:
        conn.close()


def _inspect(conn: Any, path: Path, live: bool = False) -> BackupInfo:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)").fetchall()]
    if problems != ["ok"]:
        detail = "; ".join(str(p) for p in problems)[:300]
        if live:
            raise DatabaseDamaged(DAMAGED_LIVE, detail=detail)
        raise StorageError(NOT_A_BACKUP, path=str(path), reason=detail)
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


def backup_origin(home: str | os.PathLike[str] | None, source: Path) -> BackupOrigin:
    """Whether ``source`` is encrypted, has its key copy, and comes from another folder."""
    paths = HomePaths(resolve_home(home))
    sidecar = key_path_for(source)
    encrypted = sidecar.exists() or looks_encrypted(source)
    other = False
    if sidecar.exists():
        try:
            other = database_id(sidecar) != database_id(paths.key_file)
        except LegalAidError:
            other = True  # this folder has no readable key file: the backup's comes with it
    return BackupOrigin(encrypted, sidecar.exists(), other)


def restore(
    home: str | os.PathLike[str] | None,
    source: Path,
    *,
    secret: str | None = None,
    unencrypted: bool = False,
    backup_secret: str | None = None,
    key: bytes | None = None,
    other_home: bool = False,
) -> Path:
    """Replace the home's database with a verified backup; returns the safety copy made first
    (or ``source`` when there was no data to keep). See ``restore_home``."""
    done = restore_home(
        home,
        source,
        secret=secret,
        unencrypted=unencrypted,
        backup_secret=backup_secret,
        key=key,
        other_home=other_home,
    )
    return done.safety_copy or source


def restore_home(
    home: str | os.PathLike[str] | None,
    source: Path,
    *,
    secret: str | None = None,
    unencrypted: bool = False,
    backup_secret: str | None = None,
    key: bytes | None = None,
    other_home: bool = False,
    own: homelock.Hold | None = None,
) -> Restored:
    """Replace the home's data with the backup ``source``.

    ``secret`` (or ``key``, its database key) opens this folder's data, which is kept as a
    backup first. A backup of this folder opens with this folder's key, whatever passphrase
    was in use when it was made, and the folder keeps its passphrase. A backup of another
    folder (``backup_origin``) opens with ``backup_secret`` (else ``secret``), needs
    ``other_home=True`` (OtherHomeBackup otherwise, before anything changes), and brings its
    key file. The home is held alone meanwhile (HomeInUse when another program has it open;
    ``own``: the caller's own hold, its database closed).
    """
    paths = HomePaths(resolve_home(home))
    source = source.expanduser()
    if not source.is_file():
        raise StorageError(N_("The backup %(path)s does not exist."), path=str(source))
    with homelock.exclusive(paths.root, own=own):
        finish_restore(paths)
        origin = backup_origin(paths.root, source)
        has_data = _has_data(paths)
        current = key
        if current is None and paths.key_file.exists() and (has_data or not origin.other_home):
            current = _current_key(paths, secret)
        backup_key = _backup_key(paths, source, origin, current, backup_secret or secret)
        info = _verify(source, backup_key)
        if info.revision is None:
            raise StorageError(NOT_A_BACKUP, path=str(source), reason="no schema version")
        if origin.other_home and has_data and not other_home:
            raise OtherHomeBackup(OTHER_HOME, file=source.name, folder=str(paths.backups))
        new_key = key_path_for(source) if origin.other_home else None
        try:
            faults.reached("restore", "safety")
            safety = _keep_current(paths, current, unencrypted) if has_data else None
            _swap_in(paths, source, new_key, backup_key, info)
        except LegalAidError as error:
            if isinstance(error.__cause__, OSError) and error.__cause__.errno == errno.ENOSPC:
                raise StorageError(RESTORE_DISK_FULL) from error
            raise
        except Exception as error:
            mapped = storage_error(error, paths.database) if is_database_error(error) else None
            if (isinstance(error, OSError) and error.errno == errno.ENOSPC) or (
                mapped is not None and mapped.problems[0].msgid == FULL
            ):
                raise StorageError(RESTORE_DISK_FULL) from error
            if isinstance(error, OSError):
                raise StorageError(RESTORE_FAILED, reason=error.strerror or str(error)) from error
            raise
        return Restored(safety, backup_key, origin.other_home)


def _has_data(paths: HomePaths) -> bool:
    try:
        return paths.database.stat().st_size > 0
    except FileNotFoundError:
        return False


def _current_key(paths: HomePaths, secret: str | None) -> bytes | None:
    """This folder's database key, to keep its data (None: the key file cannot be read, so
    the data is kept as raw files)."""
    try:
        from legalaid.safety.keys import read_key_file

        read_key_file(paths.key_file)
    except LegalAidError:
        return None
    if not secret:
        raise PassphraseRequired(CURRENT_PASSPHRASE)
    return unlock(paths.key_file, secret)


def _backup_key(
    paths: HomePaths,
    source: Path,
    origin: BackupOrigin,
    current: bytes | None,
    secret: str | None,
) -> bytes | None:
    if not origin.encrypted:
        return None
    if origin.other_home:
        if not secret:
            raise PassphraseRequired(N_("This backup is encrypted: enter its passphrase."))
        try:
            return unlock(key_path_for(source), secret)
        except WrongPassphrase as error:
            if type(error) is not WrongPassphrase:
                raise  # the key copy is damaged: its own message says so
            raise WrongPassphrase(
                WRONG_BACKUP_PASSPHRASE, "passphrase", file=source.name
            ) from error
    if current is None:
        raise StorageError(KEY_COPY_MISSING, path=str(source), key=str(key_path_for(source)))
    if not origin.key_copy:
        try:
            _verify(source, current)
        except StorageError as error:
            raise StorageError(
                KEY_COPY_MISSING, path=str(source), key=str(key_path_for(source))
            ) from error
    return current


def _keep_current(paths: HomePaths, key: bytes | None, unencrypted: bool) -> Path:
    """Back up the current database; if it cannot be opened, keep its raw files (restorable
    by ``restore`` when they are sound: a database with its key copy beside it)."""
    from legalaid.home import open_home

    try:
        current = open_home(paths.root, key=key, unencrypted=key is None)
    except WrongPassphrase:
        raise
    except LegalAidError:
        return _raw_copy(paths)
    try:
        return auto_backup(current, "before-restore")
    except DatabaseDamaged:
        current.close()
        return _raw_copy(paths)  # as it is: a damaged database is kept whole, not checked
    finally:
        current.close()


def _raw_copy(paths: HomePaths) -> Path:
    make_folder(paths.backups)
    target = paths.backups / f"damaged-{_stamp()}.db"
    pairs = [
        (paths.database, target),
        (Path(f"{paths.database}-wal"), Path(f"{target}-wal")),
        (paths.key_file, key_path_for(target)),
    ]
    for path, copy in pairs:
        if path.exists():
            copy_private(path, copy)
    return target


def _swap_in(
    paths: HomePaths, source: Path, new_key: Path | None, key: bytes | None, info: BackupInfo
) -> None:
    """Stage, check, move the current files aside, move the copies in, check in place."""
    root = paths.root
    staging = root / RESTORE_STAGING
    pending = root / f"{RESTORE_OLD}.partial"
    try:
        shutil.rmtree(staging, ignore_errors=True)
        make_folder(staging)
        faults.reached("restore", "stage")
        copy_private(source, staging / "legalaid.db")
        if new_key is not None:
            copy_private(new_key, staging / "legalaid.key")
        faults.reached("restore", "stage-verify")
        staged = _verify(staging / "legalaid.db", key)
        if (staged.cases, staged.people, staged.hearings) != (
            info.cases,
            info.people,
            info.hearings,
        ):
            raise StorageError(NOT_A_BACKUP, path=str(source), reason="copy differs")
        # The commit point: what existed is written down before anything moves.
        faults.reached("restore", "commit")
        shutil.rmtree(pending, ignore_errors=True)
        make_folder(pending)
        had = [name for name in LIVE_NAMES if (root / name).exists()]
        write_atomic(pending / "manifest.json", json.dumps({"had": had}).encode("utf-8"))
        os.replace(pending, root / RESTORE_OLD)
        fsync_folder(root)
    except BaseException:
        _clean(paths)  # nothing was moved yet: the staged copies go
        raise
    old = root / RESTORE_OLD
    try:
        faults.reached("restore", "aside")
        moving = ["legalaid.db-wal", "legalaid.db-shm", "legalaid.db"]
        if new_key is not None:
            moving.append("legalaid.key")
        for name in moving:
            if (root / name).exists():
                os.replace(root / name, old / name)
        faults.reached("restore", "swap")
        os.replace(staging / "legalaid.db", paths.database)
        if new_key is not None:
            os.replace(staging / "legalaid.key", paths.key_file)
        fsync_folder(root)
        faults.reached("restore", "verify")
        try:
            placed = _verify(paths.database, key)
            if new_key is not None and paths.key_file.read_bytes() != new_key.read_bytes():
                raise StorageError(NOT_A_BACKUP, path=str(source), reason="key copy differs")
        except StorageError as error:
            reason = str(error.problems[0].params.get("reason", error.message()))
            raise StorageError(NOT_IN_PLACE, reason=reason) from error
        if (placed.cases, placed.people, placed.hearings) != (
            info.cases,
            info.people,
            info.hearings,
        ):
            raise StorageError(NOT_IN_PLACE, reason="counts differ")
    except BaseException:
        _roll_back(paths)
        raise
    # Verified in place: from here the restore is done; what was aside goes.
    os.replace(old, root / RESTORE_DONE)
    try:
        faults.reached("restore", "done")
        _clean(paths)
    except OSError:
        pass  # the restore is done; what is left of it goes at the next start
