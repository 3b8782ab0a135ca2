"""The application context: one home folder, its settings and its database, passed in explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from legalaid.db import Database, check_database_file
from legalaid.errors import PassphraseRequired, StorageError
from legalaid.i18n import N_
from legalaid.paths import PLAIN_ASIDE, HomePaths, resolve_home
from legalaid.settings import Settings, load_settings, save_settings


@dataclass
class AppContext:
    home: HomePaths
    settings: Settings
    db: Database
    # Shown once, right after an encrypted home is created: print it on the recovery sheet.
    recovery_key: str | None = None

    @property
    def actor(self) -> str:
        return self.settings.actor

    @property
    def encrypted(self) -> bool:
        return self.db.encrypted

    def save_settings(self) -> None:
        save_settings(self.home.settings, self.settings)

    def close(self) -> None:
        self.db.dispose()


NOT_ENCRYPTED = N_(
    "This LegalAid database is not encrypted. Encrypt it now (legalaid encrypt), "
    "or open it in the unencrypted demo mode (--unencrypted)."
)


class HomeState(StrEnum):
    NEW = "new"
    ENCRYPTED = "encrypted"
    PLAIN = "plain"


def home_state(home: str | os.PathLike[str] | None = None) -> HomeState:
    """Whether a home is new, encrypted (has a key file) or a plaintext database."""
    paths = HomePaths(resolve_home(home))
    if paths.key_file.exists():
        return HomeState.ENCRYPTED
    if paths.database.exists():
        return HomeState.PLAIN
    return HomeState.NEW


def open_home(
    home: str | os.PathLike[str] | None = None,
    *,
    passphrase: str | None = None,
    unencrypted: bool = False,
) -> AppContext:
    """Open (creating and migrating on first use) the home folder and its database.

    An encrypted home needs its passphrase (or the recovery key). A new home is created encrypted
    with ``passphrase``; ``unencrypted=True`` is the explicit, clearly labelled demo/test mode.
    """
    from legalaid.reference_data import reference_missing

    paths = HomePaths(resolve_home(home))
    _ensure_writable_home(paths.root)
    if (paths.root / PLAIN_ASIDE).exists():
        from legalaid.safety.convert import finish_conversion

        finish_conversion(paths)
    state = home_state(paths.root)
    key, recovery = _database_key(paths, state, passphrase, unencrypted)
    settings = load_settings(paths.settings)
    db = Database(paths.database, key)
    try:
        db.upgrade()
        if reference_missing(db):  # a cheap check: the ORM is not imported on a usual start
            from legalaid.services.reference import seed_reference

            seed_reference(db)
        _repair_sort_names(db)
    except BaseException:
        db.dispose()
        raise
    return AppContext(home=paths, settings=settings, db=db, recovery_key=recovery)


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
    paths: HomePaths, state: HomeState, passphrase: str | None, unencrypted: bool
) -> tuple[bytes | None, str | None]:
    if state is HomeState.ENCRYPTED:
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

    new = create_key_file(paths.key_file, passphrase)
    return new.dek, new.recovery_key


def _ensure_writable_home(root: Path) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
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
