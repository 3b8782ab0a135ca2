"""The main window on the office server: other desks' writes heard, the login's role respected.

``attach(window)`` gives every window a desk: on this laptop's database it does nothing; on the
office server (:class:`OfficeDesk`) it

* listens for the other desks' writes (legalaid.server.notify) on a thread of its own, and
  announces them through the window's runner, so the case list, Upcoming and the open case
  windows refresh as after a save made here (a case window with unsaved typing is left as it
  is: its save then meets the conflict bar);
* shows in the status bar when that connection is lost (and tried again, with longer pauses);
* leaves out what the login's role may not do (PostgreSQL refuses it anyway), saying why: a
  volunteer's case windows have no risk tab nor risk note; what only this laptop has
  (backups, restore, the passphrase) is not offered.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from legalaid.i18n import _
from legalaid.services.ops import NOTHING, OpChanges

if TYPE_CHECKING:
    from legalaid.server.desk import LoginRole

# The main window (ui.window.main_window imports this module): its ctx, runner, menus and
# status bar are used.
MainWindow = Any

GATHER_MS = 250  # notifications arriving together refresh the views once


class Desk(QObject):
    """This laptop's database: nothing to listen to, nothing left out."""

    def restrict(self, editor: QWidget) -> None:
        """A case window just made: what the login may not do is left out."""

    def stop(self) -> None:
        """The window closes."""


def attach(window: MainWindow) -> Desk:
    if not getattr(window.ctx, "server", ""):
        return Desk(window)
    return OfficeDesk(window)


class ListenerState(QLabel):
    """The status bar's word about the other desks' updates: shown only when they are lost."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("serverUpdates")
        self.setStyleSheet("color: #b00020;")
        self.lost = False
        self.hide()
        self.retranslate()

    def set_lost(self, lost: bool) -> None:
        self.lost = lost
        self.setVisible(lost)
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(_("No updates from the other desks: reconnecting…") if self.lost else "")
        self.setToolTip(
            _(
                "The connection that tells this window about the other desks' changes was "
                "lost. LegalAid tries again by itself; your own work is saved as usual."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class OfficeDesk(Desk):
    heard = Signal(object)  # OpChanges from another desk (emitted on the listener's thread)
    listening = Signal(str)  # legalaid.server.notify's LISTENING or LOST

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        from legalaid.server.desk import role_of

        self.window = window
        self.role: LoginRole = role_of(window.ctx.db)
        self.pending: OpChanges = NOTHING
        self.gather = QTimer(self)
        self.gather.setSingleShot(True)
        self.gather.setInterval(GATHER_MS)
        self.gather.timeout.connect(self._announce)
        self.state = ListenerState()
        window.statusBar().addPermanentWidget(self.state)
        self.heard.connect(self._heard)
        self.listening.connect(self._state)
        menus = window.menus
        for action in (menus.backup_action, menus.restore_action, menus.security_menu.menuAction()):
            action.setVisible(False)  # the server is backed up on the server (pg_dump)
        self._listener = self._start()

    # --- other desks ----------------------------------------------------------------------
    def _start(self) -> Any:
        from legalaid.server.notify import Listener

        db: Any = self.window.ctx.db
        listener = Listener(
            lambda: db.connect_raw(autocommit=True), db.sender, self.heard.emit, self.listening.emit
        )
        self._thread = threading.Thread(target=listener.run, name="office-listener", daemon=True)
        self._thread.start()
        return listener

    def _heard(self, changes: OpChanges) -> None:
        self.pending = self.pending | changes
        if not self.gather.isActive():
            self.gather.start()

    def _announce(self) -> None:
        changes, self.pending = self.pending, NOTHING
        self.window.runner.announce(changes)

    def _state(self, state: str) -> None:
        from legalaid.server.notify import LOST

        self.state.set_lost(state == LOST)

    def stop(self) -> None:
        self._listener.stop()
        self._thread.join(5)

    # --- the login's role -----------------------------------------------------------------
    def restrict(self, editor: QWidget) -> None:
        if not self.role.lawyer:
            RiskLeftOut(editor)


class RiskLeftOut(QObject):
    """A case window of a login that is not a lawyer's: its risk tab disabled with the reason
    on it, no risk note (the server would refuse both)."""

    def __init__(self, editor: Any) -> None:
        super().__init__(editor)
        self.editor = editor
        index = editor.tabs.indexOf(editor.risk)
        editor.tabs.setTabEnabled(index, False)
        editor.documents.buttons["risk"].setVisible(False)
        editor.installEventFilter(self)
        self.retranslate()

    def retranslate(self) -> None:
        index = self.editor.tabs.indexOf(self.editor.risk)
        self.editor.tabs.setTabToolTip(
            index,
            _(
                "Risk assessments, incidents and risk notes are for lawyers: your login on "
                "the office server is not a lawyer's."
            ),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False
