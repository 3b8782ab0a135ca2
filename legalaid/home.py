"""Opening a home folder: created, unlocked, repaired after an interruption, migrated, held.

Above the modules it calls (the reference seed, the restore and encryption journals), which
work on the ``AppContext`` it returns (``legalaid.context``).
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from legalaid import homelock
from legalaid.context import AppContext
from legalaid.db import Database, check_database_file, looks_encrypted
from legalaid.errors import PassphraseRequired, StorageError
from legalaid.files import create_private, make_folder, make_private, use_pending_folder
from legalaid.i18n import N_
from legalaid.paths import CONVERSION_JOURNAL, PLAIN_ASIDE, HomePaths, resolve_home
from legalaid.settings import load_settings

NOT_ENCRYPTED = N_(
    "This LegalAid database is not encrypted. Encrypt it now (legalaid encrypt), "
    "or open it in the unencrypted demo mode (--unencrypted)."
)
DATABASE_LOST = N_(
    "The database file %(path)s is empty or missing, but this folder's key file shows that it "
    "held data. It was left as it is. Restore the newest backup (legalaid restore FILE, or "
    "File > Restore from a backup); the backups are in %(backups)s."
)
KEY_MISSING = N_(
    "The key file %(path)s is missing, and the database cannot be opened without it. Each "
    "backup has a copy of it beside it: copy the newest, %(copy)s, to %(path)s, then open "
    "LegalAid with the passphrase that was in use when that backup was made."
)
KEY_MISSING_NO_COPY = N_(
    "The key file %(path)s is missing, and the database cannot be opened without it. Put back "
    "a copy of it (each backup has one beside it, ending in .db.key), then open LegalAid with "
    "the passphrase that was in use when that copy was made."
)

CONVERSION_TO_FINISH = N_(
    "An encryption of this LegalAid folder was interrupted. Write the passphrase chosen for it "
    "to finish it; nothing has been lost."
)


class HomeState(StrEnum):
    NEW = "new"
    ENCRYPTED = "encrypted"
    PLAIN = "plain"


def home_state(home: str | os.PathLike[str] | None = None) -> HomeState:
    """Whether a home is new, encrypted (a key file, or an encrypted-looking database whose key
    file is missing, or an encryption to finish) or a plaintext database."""
    paths = HomePaths(resolve_home(home))
    if paths.key_file.exists() or (paths.root / CONVERSION_JOURNAL).exists():
        return HomeState.ENCRYPTED
    if paths.database.exists():
        return HomeState.ENCRYPTED if looks_encrypted(paths.database) else HomeState.PLAIN
    return HomeState.NEW


def open_home(
    home: str | os.PathLike[str] | None = None,
    *,
    passphrase: str | None = None,
    unencrypted: bool = False,
    key: bytes | None = None,
) -> AppContext:
    """Open (creating and migrating on first use) the home folder and its database.

    An encrypted home needs its passphrase (or the recovery key), or ``key``, its database key
    (the client reopening a home it had open). A new home is created encrypted with
    ``passphrase``; ``unencrypted=True`` is the explicit, clearly labelled demo/test mode.
    The home is held (legalaid.homelock) until the context is closed: a restore, an
    encryption or a key change elsewhere waits for it.
    """
    from legalaid.reference_data import reference_missing

    paths = HomePaths(resolve_home(home))
    _ensure_writable_home(paths.root)
    hold = homelock.hold(paths.root)
    try:
        _repair_interrupted(paths, hold)
        state = home_state(paths.root)
        made_now = state is HomeState.NEW or _refuse_lost_database(paths, state)
        dek, recovery = _database_key(paths, state, passphrase, unencrypted, key, hold)
        settings = load_settings(paths.settings)
        if not paths.database.exists():
            create_private(paths.database)  # SQLite keeps its mode for the file, WAL and SHM
        db = Database(paths.database, dek)
        try:
            db.upgrade()
            if reference_missing(db):  # a cheap check: the ORM is not imported on a usual start
                from legalaid.services.reference import seed_reference

                seed_reference(db)
            _repair_sort_names(db)
            if made_now and dek is not None:
                from legalaid.safety.keys import database_made

                database_made(paths.key_file)
        except BaseException:
            db.dispose()
            raise
    except BaseException:
        hold.release()
        raise
    use_pending_folder(paths.pending)
    return AppContext(home=paths, settings=settings, db=db, recovery_key=recovery, hold=hold)


def _repair_interrupted(paths: HomePaths, hold: homelock.Hold) -> None:
    """Undo a restore a kill interrupted, and remove what interrupted writes left behind."""
    from legalaid.leftovers import interrupted_restore, sweep_home

    if interrupted_restore(paths):
        from legalaid.leftovers import finish_restore

        with homelock.exclusive(paths.root, own=hold):
            finish_restore(paths)
    if (paths.root / PLAIN_ASIDE).exists() and not (paths.root / CONVERSION_JOURNAL).exists():
        from legalaid.safety.convert import finish_conversion

        with homelock.exclusive(paths.root, own=hold):
            finish_conversion(paths)
    sweep_home(paths)


def _refuse_lost_database(paths: HomePaths, state: HomeState) -> bool:
    """An empty or missing database beside a key file of a database that was made: refuse
    (keeping the file) rather than start a new, empty one over the loss. True when the key
    file is still waiting for its new database (a first start that was interrupted)."""
    if state is not HomeState.ENCRYPTED or not paths.key_file.exists():
        return False
    if (paths.root / CONVERSION_JOURNAL).exists():
        return False
    try:
        size = paths.database.stat().st_size
    except FileNotFoundError:
        size = 0
    if size:
        return False
    from legalaid.safety.keys import expects_new_database

    if not expects_new_database(paths.key_file):
        raise StorageError(DATABASE_LOST, path=str(paths.database), backups=str(paths.backups))
    return True


def _repair_sort_names(db: Database) -> None:
    """Give a name sort key to cases another program added without one (legalaid.sort_keys)."""
    from legalaid.sort_keys import missing_sort_names, sync_sort_names

    with db.query() as conn:
        missing = missing_sort_names(conn)
        if not missing:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            sync_sort_names(conn, missing)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _database_key(
    paths: HomePaths,
    state: HomeState,
    passphrase: str | None,
    unencrypted: bool,
    key: bytes | None,
    hold: homelock.Hold,
) -> tuple[bytes | None, str | None]:
    if state is HomeState.ENCRYPTED:
        if (paths.root / CONVERSION_JOURNAL).exists():
            if not passphrase:
                raise PassphraseRequired(CONVERSION_TO_FINISH)
            from legalaid.safety.convert import resume_conversion

            with homelock.exclusive(paths.root, own=hold):
                new = resume_conversion(paths, passphrase)
            return new.dek, new.recovery_key
        if not paths.key_file.exists():
            raise _key_missing(paths)
        if key is not None:
            return key, None
        if not passphrase:
            raise PassphraseRequired(N_("Enter the passphrase of this LegalAid database."))
        from legalaid.safety.keys import unlock

        return unlock(paths.key_file, passphrase), None
    if state is HomeState.PLAIN:
        check_database_file(paths.database)  # a foreign file: say so, not "not encrypted"
        if not unencrypted:
            raise StorageError(NOT_ENCRYPTED)
        return None, None
    if unencrypted:
        return None, None
    if not passphrase:
        raise PassphraseRequired(
            N_("Choose a passphrase to protect this new LegalAid database."), "new"
        )
    from legalaid.safety.keys import create_key_file

    new = create_key_file(paths.key_file, passphrase, new_database=True)
    return new.dek, new.recovery_key


def _key_missing(paths: HomePaths) -> StorageError:
    """Say what is missing and where a copy of it is (a backup's key copy holds the same
    database key), rather than "damaged database, restore a backup" (which loses recent work)."""
    try:
        copies = sorted(paths.backups.glob("*.db.key"), key=lambda p: p.stat().st_mtime)
    except OSError:
        copies = []
    if copies:
        return StorageError(KEY_MISSING, path=str(paths.key_file), copy=str(copies[-1]))
    return StorageError(KEY_MISSING_NO_COPY, path=str(paths.key_file))


def _ensure_writable_home(root: Path) -> None:
    try:
        make_folder(root)
    except OSError as error:
        raise StorageError(
            N_("The LegalAid folder %(path)s cannot be created: %(reason)s"),
            path=str(root),
            reason=error.strerror or str(error),
        ) from error
    if not os.access(root, os.W_OK):
        raise StorageError(
            N_("The LegalAid folder %(path)s is read-only; choose another with --home."),
            path=str(root),
        )
    make_private(root)
