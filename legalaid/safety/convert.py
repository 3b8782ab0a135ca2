"""Encrypt an existing plaintext home in one action: export, verify, swap, wipe the plaintext.

Order of the swap (each step a rename, so a crash leaves a state ``finish_conversion`` repairs):
encrypted copy and new key file written beside the originals and verified; plaintext database
renamed aside; key file and encrypted database moved in; the plaintext copy overwritten and removed.
Plaintext backups in the home's backups folder are encrypted the same way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from legalaid.context import HomeState, home_state
from legalaid.db import open_raw
from legalaid.errors import StorageError
from legalaid.i18n import N_
from legalaid.paths import PLAIN_ASIDE, HomePaths, resolve_home
from legalaid.safety.keys import NewKey, create_key_file


def encrypt_home(home: str | os.PathLike[str] | None, passphrase: str) -> NewKey:
    """Convert a plaintext home to an encrypted one; returns the key with its recovery key."""
    paths = HomePaths(resolve_home(home))
    if home_state(paths.root) is not HomeState.PLAIN:
        raise StorageError(
            N_("There is no unencrypted database to convert in %(path)s."), path=str(paths.root)
        )
    partial_key = paths.root / "legalaid.key.partial"
    new = create_key_file(partial_key, passphrase)
    encrypted = paths.root / "legalaid.db.encrypting"
    _export(paths.database, encrypted, new.dek)
    for backup in sorted(paths.backups.glob("*.db")):
        _encrypt_backup(backup, new.dek, partial_key)
    aside = paths.root / PLAIN_ASIDE
    os.replace(paths.database, aside)
    os.replace(partial_key, paths.key_file)
    os.replace(encrypted, paths.database)
    finish_conversion(paths)
    return new


def _export(plain: Path, target: Path, dek: bytes) -> None:
    """sqlcipher_export the plaintext file into ``target`` and check every table's rows."""
    from sqlcipher3 import dbapi2 as sqlcipher

    target.unlink(missing_ok=True)
    source = sqlcipher.connect(str(plain))
    try:
        source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        key = f"x'{dek.hex()}'"
        source.execute(f'ATTACH DATABASE ? AS enc KEY "{key}"', (str(target),))
        source.execute("SELECT sqlcipher_export('enc')")
        source.execute("DETACH DATABASE enc")
        expected = _counts(source)
    finally:
        source.close()
    check = open_raw(target, dek)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if not ok or _counts(check) != expected:
            raise StorageError(N_("The encrypted copy did not match; nothing was changed."))
    finally:
        check.close()


def _counts(conn: Any) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'case_fts%'"
        )
    ]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _encrypt_backup(backup: Path, dek: bytes, key_file: Path) -> None:
    encrypted = backup.with_name(backup.name + ".encrypting")
    _export(backup, encrypted, dek)
    wipe(backup)
    os.replace(encrypted, backup)
    backup.with_name(backup.name + ".key").write_bytes(key_file.read_bytes())


def wipe(path: Path) -> None:
    """Overwrite a file with zeros, then remove it (best effort on SSDs: use disk encryption)."""
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if not candidate.exists():
            continue
        size = candidate.stat().st_size
        with candidate.open("r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        candidate.unlink()


def finish_conversion(paths: HomePaths) -> None:
    """Complete or undo a conversion that a crash interrupted."""
    aside = paths.root / PLAIN_ASIDE
    if not aside.exists():
        return
    if paths.database.exists() and paths.key_file.exists():
        wipe(aside)
        return
    if not paths.database.exists():
        paths.key_file.unlink(missing_ok=True)
        os.replace(aside, paths.database)
