"""The application context: one home folder, its settings and its database, passed in explicitly."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from legalaid.db import Database
from legalaid.errors import StorageError
from legalaid.i18n import N_
from legalaid.paths import HomePaths, resolve_home
from legalaid.settings import Settings, load_settings, save_settings


@dataclass
class AppContext:
    home: HomePaths
    settings: Settings
    db: Database

    @property
    def actor(self) -> str:
        return self.settings.actor

    def save_settings(self) -> None:
        save_settings(self.home.settings, self.settings)

    def close(self) -> None:
        self.db.dispose()


def open_home(
    home: str | os.PathLike[str] | None = None,
    *,
    passphrase: str | None = None,
    unencrypted: bool = False,
) -> AppContext:
    """Open (creating and migrating on first use) the home folder and its database.

    ``passphrase`` unlocks an encrypted home; ``unencrypted=True`` is the explicit demo/test mode.
    (Encryption at rest lands with the data-safety work; until then both are accepted.)
    """
    from legalaid.services.reference import seed_reference

    paths = HomePaths(resolve_home(home))
    _ensure_writable_home(paths.root)
    settings = load_settings(paths.settings)
    db = Database(paths.database)
    db.upgrade()
    seed_reference(db)
    return AppContext(home=paths, settings=settings, db=db)


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
