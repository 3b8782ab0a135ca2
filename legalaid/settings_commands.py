"""``legalaid settings``: show the home's settings, or set some of them.

    legalaid settings                      # every setting, one per line
    legalaid settings --json               # the same, machine-readable
    legalaid settings --set org_name="Albergue Juventud 2000" --set org_phone="+52 664 123 4567"

The settings file lives beside the database and is not encrypted (it holds no one's case), so
this command does not ask for the passphrase.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from dataclasses import dataclass
from typing import Any

from legalaid.cli import Handler
from legalaid.errors import ValidationError
from legalaid.i18n import N_, _
from legalaid.paths import HomePaths, resolve_home
from legalaid.settings import Settings, load_settings, save_settings


@dataclass(frozen=True)
class Key:
    """A setting as the command line names it, and where it lives in ``Settings``."""

    name: str
    path: tuple[str, ...]
    label: str
    kind: type = str


KEYS = (
    Key("org_name", ("organisation", "name"), N_("Organisation name")),
    Key("org_address", ("organisation", "address"), N_("Organisation address")),
    Key("org_phone", ("organisation", "phone"), N_("Organisation phone")),
    Key("org_whatsapp", ("organisation", "whatsapp"), N_("Organisation WhatsApp")),
    Key("org_logo", ("organisation", "logo"), N_("Logo (PNG or JPEG)")),
    Key("staff_name", ("staff_name",), N_("Staff member's name (recorded as who made a change)")),
    Key("office_prefix", ("office_prefix",), N_("Case-number prefix")),
    Key("desk_letter", ("desk_letter",), N_("This laptop's letter in new case numbers (A-Z)")),
    Key("default_crossing", ("default_crossing",), N_("Default crossing")),
    Key("paper_size", ("paper_size",), N_("Paper size (letter or a4)")),
    Key("language", ("language",), N_("Interface language (es or en)")),
    Key("lock_after_minutes", ("lock_after_minutes",), N_("Lock after minutes without use"), int),
    Key("backup_every_hours", ("backup_every_hours",), N_("Back up every hours"), int),
    Key("backup_keep", ("backup_keep",), N_("Automatic backups to keep"), int),
)
BY_NAME = {key.name: key for key in KEYS}


def register(sub: Any) -> dict[str, Handler]:
    names = ", ".join(BY_NAME)
    parser = sub.add_parser(
        "settings",
        help=_("show or change the settings (organisation, staff member, paper...)"),
        description=_(
            "Show the settings of this LegalAid folder, or change some with --set. The "
            "organisation's name, phone and WhatsApp are printed on every letter; the staff "
            "member's name is recorded as who made each change. Names: %(names)s."
        )
        % {"names": names},
    )
    parser.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar=_("NAME=VALUE"),
        help=_("change one setting (repeat for more); an empty value clears a text"),
    )
    parser.add_argument("--json", action="store_true", help=_("machine-readable output"))
    return {"settings": cmd_settings}


def get(settings: Settings, key: Key) -> Any:
    value: Any = settings
    for part in key.path:
        value = getattr(value, part)
    return value


def assign(settings: Settings, assignment: str) -> None:
    """Apply one NAME=VALUE to ``settings``; a clear message when it cannot be."""
    name, equals, raw = assignment.partition("=")
    key = BY_NAME.get(name.strip())
    if not equals or key is None:
        raise ValidationError(
            N_("“%(text)s” is not NAME=VALUE with one of these names: %(names)s."),
            "set",
            text=assignment[:60],
            names=", ".join(BY_NAME),
        )
    value: Any = raw.strip()
    if key.kind is int:
        try:
            value = int(value)
        except ValueError:
            raise ValidationError(
                N_("%(name)s must be a whole number, not “%(value)s”."),
                key.name,
                name=key.name,
                value=raw[:30],
            ) from None
    elif key.name in ("office_prefix", "default_crossing", "desk_letter"):
        value = value.upper()
    elif key.name in ("paper_size", "language"):
        value = value.lower()
        if key.name == "language" and value not in ("", "es", "en"):
            raise ValidationError(N_("The language is “es” or “en”."), "language")
    target: Any = settings
    for part in key.path[:-1]:
        target = getattr(target, part)
    setattr(target, key.path[-1], value)


def cmd_settings(args: argparse.Namespace) -> int:
    paths = HomePaths(resolve_home(args.home))
    settings = load_settings(paths.settings)
    if args.assignments:
        for assignment in args.assignments:
            assign(settings, assignment)
        settings.validate()
        paths.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        save_settings(paths.settings, settings)
        with contextlib.suppress(OSError):  # a file system without modes
            os.chmod(paths.settings, 0o600)
    if args.json:
        print(json.dumps({k.name: get(settings, k) for k in KEYS}, ensure_ascii=False, indent=2))
        return 0
    width = max(len(k.name) for k in KEYS)
    shown = {k.name: str(get(settings, k)) or _("(not set)") for k in KEYS}
    column = max(len(text) for text in shown.values())
    for key in KEYS:
        print(f"{key.name:<{width}} = {shown[key.name]:<{column}}  # {_(key.label)}")
    return 0
