"""Locking the window: after some idle minutes, or on demand (Ctrl+L).

``IdleWatcher`` sees every key press and mouse action of the application and starts its timer
again; when it runs out the window locks. ``LockPage`` is what a locked window shows instead of
the case data: the passphrase (or recovery key) is checked against the home's key file on a
worker, so the window never freezes. In the unencrypted demo mode the page unlocks without a
passphrase and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.errors import LegalAidError
from legalaid.i18n import N_, _
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import ErrorLabel, Translatable

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` after ``minutes`` without keyboard or mouse input (0: never)."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None, *, watch: bool = True) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self._jobs = 0
        self.set_minutes(minutes)
        self.watching = False
        if watch:
            self.watch()

    def watch(self) -> None:
        """Start seeing the application's input. Every event of every object passes through
        this filter, so a window installs it once its first screen is painted."""
        app = QApplication.instance()
        if app is not None and not self.watching:
            app.installEventFilter(self)
            self.watching = True

    def busy(self) -> None:
        """A long job runs (a batch being printed): the person is waiting for it, not away.
        Until ``done()`` the filter is taken off, since each event passing through Python
        waits for the interpreter the job is using (the window stuttered 50-100 ms), and the
        idle minutes count again from the job's end."""
        self._jobs += 1
        app = QApplication.instance()
        if app is not None and self.watching:
            app.removeEventFilter(self)
        self.timer.stop()

    def done(self) -> None:
        self._jobs = max(0, self._jobs - 1)
        if self._jobs:
            return
        app = QApplication.instance()
        if app is not None and self.watching:
            app.installEventFilter(self)
        if self.minutes:
            self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        self.minutes = max(0, int(minutes))
        if self.minutes:
            self.timer.setInterval(self.minutes * 60_000)
            self.timer.start()
        else:
            self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.minutes and event.type() in INPUT_EVENTS:
            self.timer.start()  # start again from now
        return False

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.watching = False


def on_server(ctx: AppContext) -> bool:
    """Whether ``ctx`` is the office server's (its lock asks for the login's password)."""
    return bool(getattr(ctx, "server", ""))


def check_secret(ctx: AppContext, secret: str) -> None:
    """Raises WrongPassphrase unless ``secret`` opens this home's key file; on the office
    server, a LegalAidError unless the server accepts it as the login's password (worker
    thread)."""
    if on_server(ctx):
        from legalaid.server.desk import WRONG_PASSWORD, probe

        if probe(str(getattr(ctx.db, "url", "")), secret) == WRONG_PASSWORD:
            raise LegalAidError(N_("Wrong password, or no such login."))
        return
    from legalaid.safety.keys import unlock

    unlock(ctx.home.key_file, secret)


class LockPage(Translatable, QWidget):
    """Shown instead of every case view while the window is locked; ``unlocked`` when opened."""

    unlocked = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockPage")
        self.ctx, self.runner = ctx, runner
        self._checking = False
        self._elsewhere = False  # a dialog in front takes the passphrase instead
        self._error: BaseException | None = None  # the last refusal, said again in a new language
        self.title = QLabel()
        self.title.setObjectName("lockTitle")
        self.title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.title.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
        self.label = QLabel()
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("lockPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setMinimumWidth(360)
        self.passphrase.returnPressed.connect(self.try_unlock)
        self.label.setBuddy(self.passphrase)
        self.error = ErrorLabel()
        self.error.setObjectName("lockError")
        self.working = QLabel()
        self.button = QPushButton()
        self.button.setObjectName("unlockButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self.try_unlock)
        card = QFrame()
        card.setObjectName("lockCard")
        card.setMaximumWidth(560)
        box = QVBoxLayout(card)
        box.addWidget(self.title)
        box.addSpacing(12)
        box.addWidget(self.intro)
        box.addSpacing(12)
        box.addWidget(self.label)
        box.addWidget(self.passphrase)
        box.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.working, 1)
        row.addWidget(self.button)
        box.addLayout(row)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(card, 2)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(2)
        self.retranslate()

    @property
    def needs_secret(self) -> bool:
        return bool(getattr(self.ctx, "encrypted", False)) or on_server(self.ctx)

    def retranslate(self) -> None:
        self.title.setText(_("LegalAid is locked"))
        if self._elsewhere:
            self.intro.setText(
                _(
                    "The case data is hidden. Write the passphrase in the window in front of "
                    "this one. Nothing you typed was lost."
                )
            )
        elif on_server(self.ctx):
            self.intro.setText(
                _(
                    "The case data is hidden. Write the password of your login on the office "
                    "server to go on where you left off. Nothing you typed was lost."
                )
            )
        elif self.needs_secret:
            self.intro.setText(
                _(
                    "The case data is hidden. Write the passphrase, or the recovery key, "
                    "to go on where you left off. Nothing you typed was lost."
                )
            )
        else:
            self.intro.setText(
                _(
                    "The case data is hidden. This database is not encrypted (demo mode), "
                    "so Unlock opens it without a passphrase. Nothing you typed was lost."
                )
            )
        server = on_server(self.ctx)
        self.label.setText(
            _("&Password of your login") if server else _("&Passphrase or recovery key")
        )
        self.button.setText(_("&Unlock"))
        self.working.setText(_("Checking…") if self._checking else "")
        self.label.setVisible(self.needs_secret and not self._elsewhere)
        self.passphrase.setVisible(self.needs_secret and not self._elsewhere)
        self.button.setVisible(not self._elsewhere)
        if self._error is not None:
            self.error.show_message(
                self._error.message()
                if isinstance(self._error, LegalAidError)
                else describe(self._error)
            )

    def passphrase_or_button(self) -> QWidget:
        return self.passphrase if self.needs_secret else self.button

    def set_elsewhere(self, elsewhere: bool) -> None:
        """Another window in front takes the passphrase (this one is blocked by it)."""
        self._elsewhere = elsewhere
        self.retranslate()

    def reset(self) -> None:
        """Called when the window locks: an empty field, no old message, the cursor in it."""
        self._checking = False
        self._elsewhere = False
        self._error = None
        self.passphrase.clear()
        self.error.show_message("")
        self.button.setEnabled(True)
        self.retranslate()
        self.passphrase_or_button().setFocus()

    def try_unlock(self) -> None:
        if self._checking:
            return
        if not self.needs_secret:
            self.unlocked.emit()
            return
        secret = self.passphrase.text()
        if not secret:
            self._error = LegalAidError(
                N_("Write the password.") if on_server(self.ctx) else N_("Write the passphrase.")
            )
            self.retranslate()
            self.passphrase.setFocus()
            return
        self._checking = True
        self.button.setEnabled(False)
        self._error = None
        self.error.show_message("")
        self.retranslate()
        ctx = self.ctx
        self.runner.query(
            lambda _c: check_secret(ctx, secret),
            done=lambda _r: self._opened(),
            failed=self._refused,
            owner=self,
        )

    def _opened(self) -> None:
        self._checking = False
        self.button.setEnabled(True)
        self.passphrase.clear()
        self.retranslate()
        self.unlocked.emit()

    def _refused(self, error: BaseException) -> None:
        self._checking = False
        self.button.setEnabled(True)
        self._error = error
        self.retranslate()  # shows the message (again after a language switch)
        self.passphrase.selectAll()
        self.passphrase.setFocus()


class LockCover(QObject):
    """A modal dialog that was open when the window locked (a hearing being typed, a question):
    its content is hidden under a lock page of its own, since the dialog blocks the window's.
    What was typed in it stays; it cannot be closed or used until LegalAid is unlocked."""

    def __init__(
        self, dialog: QWidget, ctx: AppContext, runner: TaskRunner, on_unlocked: Any
    ) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.focused = dialog.focusWidget()  # where the typing goes on after unlocking
        self.hidden = [
            w
            for w in dialog.findChildren(
                QWidget, options=QtCore.Qt.FindChildOption.FindDirectChildrenOnly
            )
            if w.isVisible() and not w.isWindow()
        ]
        dialog.installEventFilter(self)
        for widget in self.hidden:
            widget.hide()
        self.page = LockPage(ctx, runner, dialog)
        self.page.setObjectName("lockCover")
        self.page.unlocked.connect(on_unlocked)
        # The dialog's own layout would shrink it to nothing with its content hidden: hold it
        # at a size the lock page fits in, and give the layout back on unlock.
        self.old_size = dialog.size()
        self.old_minimum, self.old_maximum = dialog.minimumSize(), dialog.maximumSize()
        layout = dialog.layout()
        self.old_constraint = layout.sizeConstraint() if layout is not None else None
        if layout is not None:
            layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        size = self.old_size.expandedTo(self.page.sizeHint()).expandedTo(QSize(440, 280))
        dialog.setMaximumSize(QSize(16_777_215, 16_777_215))
        dialog.setMinimumSize(size)
        dialog.resize(size)
        self.page.setGeometry(dialog.rect())
        self.page.show()
        self.page.raise_()
        self.page.reset()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.dialog:
            kind = event.type()
            if kind == QEvent.Type.Resize:
                self.page.setGeometry(self.dialog.rect())
            elif kind == QEvent.Type.LayoutRequest:
                return True  # its layout (a message box's own sizing) would shrink it away
            elif kind == QEvent.Type.Close:
                event.ignore()  # closing would throw away what was typed in it
                return True
            elif (
                kind == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() == QtCore.Qt.Key.Key_Escape
            ):
                return True  # Esc would reject the dialog
        return False

    def remove(self) -> None:
        """Unlocked: the dialog as it was, with what was typed."""
        if not shiboken6.isValid(self.dialog):
            return
        self.dialog.removeEventFilter(self)
        self.page.hide()
        self.page.deleteLater()
        for widget in self.hidden:
            if shiboken6.isValid(widget):
                widget.show()
        self.dialog.setMinimumSize(self.old_minimum)
        self.dialog.setMaximumSize(self.old_maximum)
        layout = self.dialog.layout()
        if layout is not None and self.old_constraint is not None:
            layout.setSizeConstraint(self.old_constraint)
        self.dialog.resize(self.old_size)
        if self.focused is not None and shiboken6.isValid(self.focused):
            self.focused.setFocus()
        self.deleteLater()


class WindowLock(QObject):
    """Locks a main window: the lock page instead of its pages, its other windows hidden (a
    modal dialog covered by a lock page of its own), its actions off but ``keep``'s."""

    unlocked = Signal()

    def __init__(
        self,
        window: QMainWindow,
        stack: QStackedWidget,
        ctx: AppContext,
        runner: TaskRunner,
        idle: IdleWatcher,
        keep: Callable[[], set[QAction]],
    ) -> None:
        super().__init__(window)
        self.window, self.stack, self.ctx, self.runner = window, stack, ctx, runner
        self.idle, self.keep = idle, keep
        self.locked = False
        self.before: QWidget | None = None  # the page to show again after unlocking
        self._page: LockPage | None = None  # made when the window first locks
        self._hidden: list[QWidget] = []
        self._covers: list[LockCover] = []
        self._actions: list[QAction] = []

    @property
    def page(self) -> LockPage:
        """What the locked window shows (made when first needed: not for the first screen)."""
        if self._page is None:
            page = self._page = LockPage(self.ctx, self.runner)
            page.unlocked.connect(self.unlock)
            self.stack.addWidget(page)
        return self._page

    def show(self, page: QWidget) -> None:
        """The page to show; while locked it is shown only after unlocking."""
        if self.locked:
            self.before = page
        else:
            self.stack.setCurrentWidget(page)

    def retranslate(self) -> None:
        if self._page is not None:
            self._page.retranslate()

    def lock(self) -> None:
        if self.locked:
            return
        window = self.window
        self.locked = True
        self.before = self.stack.currentWidget()
        others = [w for w in QApplication.topLevelWidgets() if w is not window and w.isWindow()]
        self._hidden = [w for w in others if w.isVisible() and not w.isModal()]
        for other in self._hidden:
            other.hide()
        # A modal dialog cannot be hidden without ending it: cover it (its own unlock page).
        self._covers = [
            LockCover(w, self.ctx, self.runner, self.unlock)
            for w in others
            if w.isVisible() and w.isModal()
        ]
        keep = self.keep()
        mine = window.findChildren(
            QAction, options=QtCore.Qt.FindChildOption.FindDirectChildrenOnly
        )
        self._actions = [a for a in mine if a not in keep and a.isEnabled()]
        for action in self._actions:
            action.setEnabled(False)
        window.statusBar().clearMessage()  # "Unlocked." or a case's name must not stay
        self.stack.setCurrentWidget(self.page)
        if window.isMinimized():
            window.showNormal()
        self.page.reset()
        self.page.set_elsewhere(bool(self._covers))
        if self._covers:
            # A modal dialog blocks the window's keyboard: the passphrase is written in the
            # dialog's own lock page, which is put in front with the keyboard focus.
            front = self._covers[-1]
            front.dialog.raise_()
            front.dialog.activateWindow()
            front.page.passphrase_or_button().setFocus()
        else:
            window.raise_()
            window.activateWindow()
        self.idle.timer.stop()

    def unlock(self) -> None:
        if not self.locked:
            return
        self.locked = False
        for cover in self._covers:
            cover.remove()
        self._covers = []
        for action in self._actions:
            action.setEnabled(True)
        self.stack.setCurrentWidget(self.before or self.stack.widget(0) or self.page)
        for other in self._hidden:
            other.show()
        self._hidden = []
        self.idle.set_minutes(self.ctx.settings.lock_after_minutes)
        self.unlocked.emit()
