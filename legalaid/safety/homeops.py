"""What a running program does to the home it has open: restore, encrypt, change the keys.

The client holds one ``AppContext`` that every panel and window shares. Restore and encryption
replace the database file under it: the context is closed, the core does its work, and the home
is opened again into the *same* ``AppContext`` object (``adopt``), so everything holding it goes
on working on the new database. Each function here runs on a worker (it waits on the disk) and
returns a plain value; none asks a question or shows anything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from legalaid.context import AppContext
from legalaid.home import open_home
from legalaid.i18n import _

log = logging.getLogger(__name__)


@dataclass
class Reopened:
    """What a restore or an encryption left: the new database opened, or why not.

    ``ctx`` is None when the home could not be opened again (the caller asks as at start-up);
    ``error`` is what went wrong (the home is opened again anyway when it can be)."""

    ctx: AppContext | None
    safety_copy: Path | None = None
    recovery_key: str | None = None
    error: BaseException | None = None
    other_home: bool = False


@dataclass
class RecoverySheet:
    """A recovery sheet to show and print: its PDF. Never written to the document log."""

    pdf: bytes
    title: str
    logged: bool = True  # as if already in the document log: saving or printing adds nothing


def database_key(ctx: AppContext) -> bytes | None:
    """The database key the context has open (None: the unencrypted demo mode)."""
    return ctx.db._key


def adopt(ctx: AppContext, opened: AppContext) -> None:
    """Point ``ctx`` (the context everything holds) at the newly opened database and its hold."""
    ctx.home, ctx.settings, ctx.db = opened.home, opened.settings, opened.db
    ctx.hold, opened.hold = opened.hold, None
    ctx.recovery_key = None


def reopen(ctx: AppContext, key: bytes | None) -> AppContext:
    """Open ``ctx``'s home again with a database key (None: unencrypted)."""
    return open_home(ctx.home.root, key=key, unencrypted=key is None)


def restore_and_reopen(
    ctx: AppContext, source: Path, backup_secret: str | None = None, other_home: bool = False
) -> Reopened:
    """Close ``ctx``'s database (every connection, and its hold on the home), restore the backup
    ``source`` (the core holds the home alone, verifies, keeps the current data first), reopen.

    ``ctx``'s database key opens a backup of this folder; ``backup_secret`` one made by another
    folder (``other_home``: confirmed by the person). The home is opened again even when the
    restore failed (the error is in the answer)."""
    from legalaid.safety.backup import restore_home

    key = database_key(ctx)
    ctx.close()
    outcome = Reopened(None, other_home=other_home)
    try:
        done = restore_home(
            ctx.home.root,
            source,
            key=key,
            backup_secret=backup_secret,
            unencrypted=key is None,
            other_home=other_home,
        )
        outcome.safety_copy, key = done.safety_copy, done.key
    except Exception as error:  # the core's message is shown; the home is opened again anyway
        outcome.error = error
    try:
        outcome.ctx = reopen(ctx, key)
    except Exception as error:
        log.warning("reopening after restore failed: %s", error)
        outcome.error = outcome.error or error
    return outcome


def encrypt_and_reopen(ctx: AppContext, passphrase: str) -> Reopened:
    """Close the plaintext database, encrypt the home with ``passphrase``, open it encrypted.
    On failure the home is opened again as it was (plaintext), the error in the answer."""
    from legalaid.safety.convert import encrypt_home

    ctx.close()
    try:
        new = encrypt_home(ctx.home.root, passphrase)
    except Exception as error:
        try:
            return Reopened(reopen(ctx, None), error=error)
        except Exception:
            return Reopened(None, error=error)
    return Reopened(reopen(ctx, new.dek), recovery_key=new.recovery_key)


def change_passphrase(ctx: AppContext, current: str, new: str) -> None:
    """Change the open home's passphrase (``current``: the passphrase or the recovery key)."""
    from legalaid.safety.keys import change_home_passphrase

    change_home_passphrase(ctx.home, current, new, own=ctx.hold)


def recovery_sheet(ctx: AppContext, key: str) -> RecoverySheet:
    """The recovery sheet of ``key``, with the organisation and paper of ``ctx``'s settings."""
    from legalaid.safety.recovery_sheet import recovery_sheet_pdf

    settings = ctx.settings
    pdf = recovery_sheet_pdf(key, settings.organisation.name, settings.paper_size)
    return RecoverySheet(pdf, _("Recovery sheet"))


def new_recovery_key(ctx: AppContext, secret: str) -> tuple[str, RecoverySheet]:
    """Replace the open home's recovery key (the old one stops working); the new key and its
    sheet. ``secret``: the passphrase (or the current recovery key)."""
    from legalaid.safety.keys import replace_home_recovery_key

    key = replace_home_recovery_key(ctx.home, secret, own=ctx.hold)
    return key, recovery_sheet(ctx, key)
