"""Where a LegalAid home lives: --home, else $LEGALAID_HOME, else the platform's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "LegalAid"
APP_AUTHOR = "LegalAid"
ENV_HOME = "LEGALAID_HOME"
# The plaintext database kept aside while it is converted to an encrypted one (see
# legalaid.safety.convert): if it is there at start, a conversion was interrupted.
PLAIN_ASIDE = "legalaid.plain.old"
# Written when an encryption is committed (every encrypted copy made and checked); while it is
# there the conversion is finished, never undone (legalaid.safety.convert).
CONVERSION_JOURNAL = "legalaid.encrypting.json"
# A backup's copy of the key file, beside it: ``NAME.db.key`` (legalaid.safety.backup).
KEY_SUFFIX = ".key"


def key_path_for(backup: Path) -> Path:
    return backup.with_name(backup.name + KEY_SUFFIX)


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser().resolve()
    return Path(PlatformDirs(APP_NAME, APP_AUTHOR).user_data_dir)


class HomePaths:
    """The files of one home folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def database(self) -> Path:
        return self.root / "legalaid.db"

    @property
    def key_file(self) -> Path:
        return self.root / "legalaid.key"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def pending(self) -> Path:
        """Notes of the folders where running processes write temporary files (legalaid.files)."""
        return self.root / "pending"

    def ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
