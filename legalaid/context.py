"""The application context: one home folder, its settings and its database, passed in explicitly.

Opening a home (creating, unlocking, repairing, migrating) is ``legalaid.home``: it sits above
the safety and reference modules it calls, which take an ``AppContext``.
"""

from __future__ import annotations

from dataclasses import dataclass

from legalaid.db import Database
from legalaid.homelock import Hold
from legalaid.paths import HomePaths
from legalaid.settings import Settings, save_settings


@dataclass
class AppContext:
    home: HomePaths
    settings: Settings
    db: Database
    # Shown once, right after an encrypted home is created: print it on the recovery sheet.
    recovery_key: str | None = None
    # This process's hold on the home (legalaid.homelock), released by ``close``.
    hold: Hold | None = None

    def __post_init__(self) -> None:
        self.db.actor = lambda: self.settings.actor  # the person on each change entry

    @property
    def actor(self) -> str:
        return self.settings.actor

    @property
    def encrypted(self) -> bool:
        return self.db.encrypted

    def save_settings(self) -> None:
        save_settings(self.home.settings, self.settings)

    def close(self) -> None:
        try:
            self.db.dispose()
        finally:
            if self.hold is not None:
                self.hold.release()
