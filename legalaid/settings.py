"""Per-home settings kept as JSON beside the database, written atomically."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from legalaid.errors import ValidationError
from legalaid.i18n import N_

PAPER_SIZES = ("letter", "a4")
_PREFIX = re.compile(r"^[A-Z]{2,6}$")
_DESK = re.compile(r"^[A-Z]?$")


@dataclass
class Organisation:
    name: str = ""
    address: str = ""
    phone: str = ""
    whatsapp: str = ""
    logo: str = ""


@dataclass
class Settings:
    office_prefix: str = "TIJ"
    # This machine's letter in new case numbers (TIJ-2026-B0042) when one office keeps cases
    # on several laptops: each desk counts on its own, so two desks never hand out the same
    # number. Empty on a single desk (TIJ-2026-0042).
    desk_letter: str = ""
    staff_name: str = ""
    language: str = ""  # empty: follow the system locale on first start
    default_crossing: str = "SYS"
    paper_size: str = "letter"
    backup_keep: int = 10
    backup_every_hours: int = 4
    lock_after_minutes: int = 10
    organisation: Organisation = field(default_factory=Organisation)
    # The office server the client opens at start (a postgresql:// URL without a password),
    # or empty: this computer's own database.
    office_server: str = ""

    def needs_setup(self) -> bool:
        """Whether a fresh home's first-run screens ask who prints the letters: no
        organisation named yet (a home set up with ``legalaid settings`` is not asked)."""
        return not self.organisation.name.strip()

    @property
    def actor(self) -> str:
        return self.staff_name.strip() or "—"

    def validate(self) -> None:
        if not _PREFIX.match(self.office_prefix):
            raise ValidationError(
                N_("The case-number prefix must be 2 to 6 capital letters, for example TIJ."),
                "office_prefix",
            )
        if not _DESK.match(self.desk_letter):
            raise ValidationError(
                N_(
                    "The desk letter is one capital letter, A to Z (a different one on each "
                    "laptop of the office), or empty on a single laptop."
                ),
                "desk_letter",
            )
        if self.paper_size not in PAPER_SIZES:
            raise ValidationError(N_("Paper size must be Letter or A4."), "paper_size")
        if not 1 <= self.backup_keep <= 1000:
            raise ValidationError(N_("Keep between 1 and 1,000 backups."), "backup_keep")
        if not 0 <= self.lock_after_minutes <= 24 * 60:
            raise ValidationError(
                N_("The idle lock must be between 0 (never) and 1,440 minutes."),
                "lock_after_minutes",
            )
        if self.office_server:
            check_server_url(self.office_server)
        if not 0 <= self.backup_every_hours <= 168:
            raise ValidationError(
                N_("Back up every 0 (never) to 168 hours (a week)."), "backup_every_hours"
            )


SERVER_SCHEMES = ("postgresql://", "postgres://")


def check_server_url(url: str) -> None:
    """A server address that may be saved: libpq's URL, with no password in it."""
    if not url.startswith(SERVER_SCHEMES) or any(c.isspace() for c in url):
        raise ValidationError(
            N_(
                "The office server's address starts with postgresql:// and names the login, "
                "the server and the database, for example %(example)s."
            ),
            "office_server",
            example="postgresql://ana@server.office/legalaid",
        )
    if url_has_password(url):
        raise ValidationError(
            N_(
                "Leave the password out of the address: LegalAid never stores a password in "
                "plain text. It asks for it when it starts (or libpq reads it from ~/.pgpass)."
            ),
            "office_server",
        )


def url_has_password(url: str) -> bool:
    """Whether a postgresql:// URL carries a password (user:password@ or ?password=)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    try:
        parts = urlsplit(url)
        if parts.password is not None:
            return True
    except ValueError:
        return "@" in url and ":" in url.split("@", 1)[0].split("//", 1)[-1]
    query = {unquote(k).strip().lower() for k in parse_qs(parts.query, keep_blank_values=True)}
    return "password" in query


def load_settings(path: Path) -> Settings:
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    return _from_dict(raw if isinstance(raw, dict) else {})


def _from_dict(raw: dict[str, Any]) -> Settings:
    defaults = Settings()
    known = {f.name for f in fields(Settings)} - {"organisation"}
    values = {k: v for k, v in raw.items() if k in known and type(v) is type(getattr(defaults, k))}
    org_value = raw.get("organisation")
    org_raw: dict[str, Any] = org_value if isinstance(org_value, dict) else {}
    org_known = {f.name for f in fields(Organisation)}
    org = Organisation(
        **{k: v for k, v in org_raw.items() if k in org_known and isinstance(v, str)}
    )
    settings = Settings(**values, organisation=org)
    # A value out of range (a hand-edited file) falls back to its default, the others stay.
    for _attempt in range(len(known)):
        try:
            settings.validate()
            break
        except ValidationError as error:
            name = error.problems[0].field
            if name is None or not hasattr(defaults, name):
                return defaults
            setattr(settings, name, getattr(defaults, name))
    return settings


def save_settings(path: Path, settings: Settings) -> None:
    from legalaid.files import make_folder, write_atomic  # owner-only, nothing half-written

    settings.validate()
    make_folder(path.parent)
    text = json.dumps(asdict(settings), ensure_ascii=False, indent=2)
    write_atomic(path, text.encode("utf-8"))
