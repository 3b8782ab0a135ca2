"""Opening a LegalAid home for the client: the one function that unlocks it.

An encrypted home asks for its passphrase (or recovery key); a new home asks for a new one and
shows the recovery key once; a plaintext home opens only when the person explicitly chooses the
demo mode (``unencrypted=True`` does that for tests and demos). LEGALAID_PASSPHRASE_FILE works
as on the command line.
"""

from __future__ import annotations

import contextlib
import os

from PySide6.QtWidgets import QMessageBox, QWidget

from legalaid.context import AppContext
from legalaid.errors import LegalAidError
from legalaid.home import NOT_ENCRYPTED, HomeState, home_state, open_home
from legalaid.i18n import _


def open_session(
    home: str | os.PathLike[str] | None = None,
    *,
    unencrypted: bool = False,
    parent: QWidget | None = None,
) -> AppContext | None:
    """The opened home, or None when the person chose not to open it."""
    state = home_state(home)
    if unencrypted and state is not HomeState.ENCRYPTED:
        return open_home(home, unencrypted=True)
    if state is HomeState.PLAIN:
        return open_home(home, unencrypted=True) if _accept_plain(parent) else None
    from legalaid.safety import passphrase as from_env
    from ui.security.unlock import UnlockDialog, show_recovery_key

    secret = from_env.from_file()
    chosen = ""  # a language picked in the first-run dialogs: kept in the home's settings
    if secret is not None:
        ctx = open_home(home, passphrase=secret)
    else:
        dialog = UnlockDialog(home, new=state is HomeState.NEW, parent=parent)
        if dialog.exec() != UnlockDialog.DialogCode.Accepted or dialog.ctx is None:
            return None
        ctx = dialog.ctx
        chosen = dialog.language.chosen
    chosen = show_recovery_key(ctx, parent) or chosen
    if chosen:
        ctx.settings.language = chosen
        with contextlib.suppress(OSError, LegalAidError):  # read-only: kept for this session
            ctx.save_settings()
    return ctx


def _accept_plain(parent: QWidget | None) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Database not encrypted"))
    box.setText(_(NOT_ENCRYPTED))
    demo = box.addButton(_("Open in demo mode"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is demo
