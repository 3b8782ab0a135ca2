"""Getting the passphrase on the command line: from the file named by LEGALAID_PASSPHRASE_FILE,
or asked at a terminal prompt (twice for a new one). Never from an argument (shell history)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from legalaid.errors import StorageError, ValidationError
from legalaid.i18n import N_, _
from legalaid.safety.keys import check_new_passphrase

ENV_FILE = "LEGALAID_PASSPHRASE_FILE"


def from_file() -> str | None:
    name = os.environ.get(ENV_FILE)
    if not name:
        return None
    try:
        return Path(name).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as error:
        raise StorageError(
            N_("The passphrase file %(path)s cannot be read: %(reason)s"),
            path=name,
            reason=error.strerror or str(error),
        ) from error


def ask_existing() -> str:
    value = from_file()
    if value is not None:
        return value
    _need_terminal()
    return getpass.getpass(_("Passphrase: "))


def ask_new() -> str:
    value = from_file()
    if value is not None:
        check_new_passphrase(value)
        return value
    _need_terminal()
    for _attempt in range(3):
        first = getpass.getpass(_("New passphrase (at least 10 characters): "))
        second = getpass.getpass(_("The same passphrase again: "))
        try:
            check_new_passphrase(first, second)
            return first
        except ValidationError as error:
            print(error.message(), file=sys.stderr)
    raise ValidationError(N_("No passphrase was set."), "passphrase")


def _need_terminal() -> None:
    if not sys.stdin.isatty():
        raise StorageError(
            N_(
                "This database is encrypted and there is no terminal to ask for the "
                "passphrase: name a file holding it in LEGALAID_PASSPHRASE_FILE."
            )
        )
