"""Encrypt an existing plaintext home (and its backups) in one action, resumable from any step.

Two phases, with the home held alone (legalaid.homelock):

1. Prepare, touching no original: a new key file (``legalaid.key.partial``) and an encrypted copy
   of the database and of every plaintext backup (``NAME.db.encrypting``), each checked by
   SQLite. Interrupted here, the next run (or the next start) throws the copies away and starts
   again: nothing depends on them.
2. Commit, by writing ``legalaid.encrypting.json`` (the journal), then move in: each original is
   renamed aside (``legalaid.plain.old``, ``NAME.db.plain``), its encrypted copy renamed in and
   compared with it row by row in place, and only then is the original overwritten and removed.
   Interrupted here, every step is redone or skipped from what is on disk, by ``encrypt`` run
   again or by opening the home with the passphrase chosen (``resume_conversion``); the journal
   goes last. The recovery key of an interrupted run may never have been shown, so a resumed
   conversion makes a new one.
"""

from __future__ import annotations

import json
import os
import sqlite3
from itertools import zip_longest
from pathlib import Path
from typing import Any

from legalaid import faults, homelock
from legalaid.db import check_database_file, looks_encrypted, open_raw
from legalaid.errors import StorageError, WrongPassphrase
from legalaid.files import copy_private, create_private, fsync_file, fsync_folder, write_atomic
from legalaid.i18n import N_
from legalaid.paths import CONVERSION_JOURNAL, PLAIN_ASIDE, HomePaths, key_path_for, resolve_home
from legalaid.safety.keys import (
    NewKey,
    create_key_file,
    read_key_file,
    replace_recovery_key,
    unlock,
)

PARTIAL_KEY = "legalaid.key.partial"
ENCRYPTING = ".encrypting"
PLAIN = ".plain"
STEPS = (
    "key",
    "export",
    "backup-export",
    "commit",
    "aside",
    "swap",
    "key-in",
    "verify",
    "wipe",
    "backup-aside",
    "backup-swap",
    "backup-key",
    "backup-wipe",
    "done",
)
NOTHING_TO_CONVERT = N_("There is no unencrypted database to convert in %(path)s.")
MISMATCH = N_(
    "The encrypted copy of %(path)s did not match the original (%(table)s); the original is "
    "kept as it is. Nothing was lost: try again, and if it happens again, keep a copy of the "
    "folder for whoever helps you."
)
RESUME_PASSPHRASE = N_(
    "An encryption of this folder was interrupted after its encrypted copies were made. Write "
    "the passphrase chosen for it then (or its recovery key) to finish it; nothing was lost."
)


def encrypt_home(
    home: str | os.PathLike[str] | None, passphrase: str, *, own: homelock.Hold | None = None
) -> NewKey:
    """Convert a plaintext home to an encrypted one (or finish a conversion that was
    interrupted); returns the key with a recovery key to show."""
    paths = HomePaths(resolve_home(home))
    with homelock.exclusive(paths.root, own=own):
        if (paths.root / CONVERSION_JOURNAL).exists():
            return resume_conversion(paths, passphrase)
        if paths.key_file.exists() or not paths.database.exists():
            raise StorageError(NOTHING_TO_CONVERT, path=str(paths.root))
        check_database_file(paths.database)
        if looks_encrypted(paths.database):
            raise StorageError(NOTHING_TO_CONVERT, path=str(paths.root))
        new, backups = _prepare(paths, passphrase)
        _roll_forward(paths, new.dek, backups)
        return new


def conversion_pending(paths: HomePaths) -> bool:
    return (paths.root / CONVERSION_JOURNAL).exists()


def resume_conversion(paths: HomePaths, passphrase: str) -> NewKey:
    """Finish a committed conversion (call with the home held alone); a new recovery key."""
    journal = _read_journal(paths)
    key_file = paths.key_file if paths.key_file.exists() else paths.root / PARTIAL_KEY
    try:
        dek = unlock(key_file, passphrase)
    except WrongPassphrase as error:
        if type(error) is not WrongPassphrase:
            raise
        raise WrongPassphrase(RESUME_PASSPHRASE, "passphrase") from error
    _roll_forward(paths, dek, journal["backups"])
    recovery = replace_recovery_key(paths.key_file, passphrase)
    return NewKey(dek, recovery, str(read_key_file(paths.key_file)["database_id"]))


def _read_journal(paths: HomePaths) -> dict[str, Any]:
    try:
        data = json.loads((paths.root / CONVERSION_JOURNAL).read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("backups"), list):
            return data
    except (OSError, ValueError):
        pass
    raise StorageError(
        N_("The record of an interrupted encryption, %(path)s, is damaged."),
        path=str(paths.root / CONVERSION_JOURNAL),
    )


def _prepare(paths: HomePaths, passphrase: str) -> tuple[NewKey, list[str]]:
    """Phase 1: a new key and checked encrypted copies, beside untouched originals."""
    _discard_uncommitted(paths)
    faults.reached("encrypt", "key")
    new = create_key_file(paths.root / PARTIAL_KEY, passphrase)
    faults.reached("encrypt", "export")
    _export(paths.database, _encrypting(paths.database), new.dek)
    backups = []
    for backup in sorted(paths.backups.glob("*.db")):
        if not backup.is_file() or looks_encrypted(backup) or backup.stat().st_size == 0:
            continue  # already encrypted (or empty): nothing to convert
        faults.reached("encrypt", "backup-export")
        _export(backup, _encrypting(backup), new.dek)
        backups.append(backup.name)
    faults.reached("encrypt", "commit")
    write_atomic(paths.root / CONVERSION_JOURNAL, json.dumps({"backups": backups}).encode())
    fsync_folder(paths.root)
    return new, backups


def _discard_uncommitted(paths: HomePaths) -> None:
    """What a run interrupted before its commit left: nothing depends on it."""
    (paths.root / PARTIAL_KEY).unlink(missing_ok=True)
    for folder in (paths.root, paths.backups):
        for leftover in folder.glob(f"*{ENCRYPTING}*"):
            wipe(leftover)


def _encrypting(path: Path) -> Path:
    return path.with_name(path.name + ENCRYPTING)


def _export(plain: Path, target: Path, dek: bytes) -> None:
    """sqlcipher_export the plaintext file into an owner-only ``target``, checked by SQLite."""
    from sqlcipher3 import dbapi2 as sqlcipher

    wipe(target)
    create_private(target)
    source = sqlcipher.connect(str(plain))
    try:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        key = f"x'{dek.hex()}'"
        source.execute(f'ATTACH DATABASE ? AS enc KEY "{key}"', (str(target),))
        source.execute("SELECT sqlcipher_export('enc')")
        source.execute("DETACH DATABASE enc")
    finally:
        source.close()
    fsync_file(target)
    check = open_raw(target, dek)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise StorageError(MISMATCH, path=str(plain), table="integrity_check")
    finally:
        check.close()


def _tables(conn: Any) -> list[str]:
    """Every table with rows of its own (the full-text index's virtual table is read through
    its shadow tables, which are compared like any other)."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
        )
    ]


def same_rows(plain: Path, encrypted: Path, dek: bytes) -> None:
    """Compare every row of every table of the two files, in order; StorageError at the first
    difference. Both scans are in rowid (or primary key) order, whatever the page layout."""
    left = sqlite3.connect(str(plain))
    right = open_raw(encrypted, dek)
    try:
        tables = _tables(left)
        if tables != _tables(right):
            raise StorageError(MISMATCH, path=str(plain), table="tables")
        for table in tables:
            query = f'SELECT * FROM "{table}"'
            for a, b in zip_longest(left.execute(query), right.execute(query)):
                if a != b:
                    raise StorageError(MISMATCH, path=str(plain), table=table)
    finally:
        left.close()
        right.close()


def _roll_forward(paths: HomePaths, dek: bytes, backups: list[str]) -> None:
    """Phase 2: every step redone or skipped from what is on disk (see the module's text)."""
    root = paths.root
    aside = root / PLAIN_ASIDE
    encrypting = _encrypting(paths.database)
    if encrypting.exists():
        faults.reached("encrypt", "aside")
        if paths.database.exists():
            _move_aside(paths.database, aside)
        faults.reached("encrypt", "swap")
        os.replace(encrypting, paths.database)
        fsync_folder(root)
    faults.reached("encrypt", "key-in")
    if (root / PARTIAL_KEY).exists():
        os.replace(root / PARTIAL_KEY, paths.key_file)
        fsync_folder(root)
    if aside.exists():
        faults.reached("encrypt", "verify")
        same_rows(aside, paths.database, dek)
        faults.reached("encrypt", "wipe")
        wipe(aside)
    for name in backups:
        _roll_backup(paths, paths.backups / name, dek)
    faults.reached("encrypt", "done")
    (root / CONVERSION_JOURNAL).unlink(missing_ok=True)
    fsync_folder(root)


def _move_aside(original: Path, aside: Path) -> None:
    """Rename a plaintext database (and its WAL files) aside; a database already encrypted in
    place was moved before (a resumed run)."""
    if looks_encrypted(original):
        return
    if aside.exists():  # cannot happen in the order above; never overwrite a plaintext copy
        raise StorageError(MISMATCH, path=str(original), table=aside.name)
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{original}{suffix}")
        if extra.exists():
            os.replace(extra, Path(f"{aside}{suffix}"))
    os.replace(original, aside)


def _roll_backup(paths: HomePaths, backup: Path, dek: bytes) -> None:
    encrypting = _encrypting(backup)
    plain = backup.with_name(backup.name + PLAIN)
    if encrypting.exists():
        faults.reached("encrypt", "backup-aside")
        if backup.exists():
            _move_aside(backup, plain)
        faults.reached("encrypt", "backup-swap")
        os.replace(encrypting, backup)
    faults.reached("encrypt", "backup-key")
    if backup.exists() and not key_path_for(backup).exists():
        copy_private(paths.key_file, key_path_for(backup))
    if plain.exists():
        same_rows(plain, backup, dek)
        faults.reached("encrypt", "backup-wipe")
        wipe(plain)


def wipe(path: Path) -> None:
    """Overwrite a file with zeros, then remove it (best effort on SSDs: use disk encryption)."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if not candidate.exists():
            continue
        left = candidate.stat().st_size
        zeros = bytes(1 << 20)
        with candidate.open("r+b") as handle:
            while left > 0:
                left -= handle.write(zeros[: min(left, len(zeros))])
            handle.flush()
            os.fsync(handle.fileno())
        candidate.unlink()


def finish_conversion(paths: HomePaths) -> None:
    """A plaintext database left aside with no journal (a conversion by an older version that
    was interrupted): put it back unless an encrypted database and its key are in place."""
    aside = paths.root / PLAIN_ASIDE
    if not aside.exists() or conversion_pending(paths):
        return
    if paths.database.exists() and paths.key_file.exists():
        wipe(aside)  # as that version did: its encrypted copy was in place and counted
        return
    if not paths.database.exists():
        paths.key_file.unlink(missing_ok=True)
        os.replace(aside, paths.database)
