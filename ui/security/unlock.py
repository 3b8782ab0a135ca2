"""The passphrase dialog (unlock an encrypted home, or choose one for a new home) and the
one-time display of the recovery key. Key derivation runs on a worker: the window never freezes."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.errors import LegalAidError
from legalaid.home import open_home
from legalaid.i18n import N_, _
from legalaid.safety.keys import check_new_passphrase
from ui.common.language import LanguageChoice
from ui.common.screen import FitsScreen
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import ErrorLabel, FieldErrors, Translatable, boxed, strip_mnemonic


class UnlockDialog(Translatable, FitsScreen, QDialog):
    """``ctx`` holds the opened home after Accept."""

    def __init__(
        self, home: str | os.PathLike[str] | None, new: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.home, self.new = home, new
        self.ctx: AppContext | None = None
        self.runner = TaskRunner(self)
        self.errors = FieldErrors(ErrorLabel())
        self._error: LegalAidError | None = None  # shown again in a new language
        self.language = LanguageChoice()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.labels = {"passphrase": QLabel(), "passphrase_repeat": QLabel()}
        form = QFormLayout()
        for name, widget in (("passphrase", self.passphrase), ("passphrase_repeat", self.repeat)):
            self.labels[name].setBuddy(widget)
            form.addRow(self.labels[name], boxed(widget, self.errors.add(name, widget)))
        if not new:
            self.repeat.hide()
            self.labels["passphrase_repeat"].hide()
        self.working = QLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.unlock)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.language)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.working)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        # Typing goes into the passphrase (the language box first would take the letters).
        QWidget.setTabOrder(self.passphrase, self.repeat)
        QWidget.setTabOrder(self.repeat, self.language.box)
        self.passphrase.setFocus()
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Open LegalAid"))
        self.intro.setText(
            _(
                "This is a new LegalAid database. Choose a passphrase to protect it: at least "
                "10 characters, a sentence you will remember. Without it (or the recovery key) "
                "nobody can read the data."
            )
            if self.new
            else _("The data is encrypted. Write the passphrase, or the recovery key.")
        )
        self.labels["passphrase"].setText(
            _("&Passphrase") if self.new else _("&Passphrase or recovery key")
        )
        self.labels["passphrase_repeat"].setText(_("The same &again"))
        self.working.setText(_("Opening…") if not self.buttons.isEnabled() else "")
        if self._error is not None:
            self.errors.show(self._error.by_field())

    def _show_error(self, error: LegalAidError | None) -> None:
        self._error = error
        if error is None:
            self.errors.clear()
        else:
            self.errors.show(error.by_field())

    def unlock(self) -> None:
        secret = self.passphrase.text()
        try:
            if self.new:
                check_new_passphrase(secret, self.repeat.text())
            elif not secret:
                self._show_error(LegalAidError(N_("Write the passphrase."), "passphrase"))
                return
        except LegalAidError as error:
            self._show_error(error)
            return
        self._show_error(None)
        self.buttons.setEnabled(False)
        self.retranslate()
        home = self.home
        self.runner.command(  # a new home is created here
            lambda _c: open_home(home, passphrase=secret),
            done=self._opened,
            failed=self._refused,
            owner=self,
        )

    def _opened(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.buttons.setEnabled(True)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.retranslate()
        if isinstance(error, LegalAidError):
            self._show_error(error)
        else:
            self._show_error(None)
            self.errors.show({None: describe(error)})
        self.passphrase.selectAll()
        self.passphrase.setFocus()


class RecoveryKeyDialog(Translatable, FitsScreen, QDialog):
    """Shown once, right after a new encrypted home was created (or encrypted): the key, with
    Print (a recovery sheet, through the preview, when ``ctx`` is given) and Copy. Closing asks
    first: the key is never shown again."""

    def __init__(
        self, key: str, parent: QWidget | None = None, *, ctx: AppContext | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryKeyDialog")
        self.ctx = ctx
        self.runner = TaskRunner(self)
        self.confirmed = False
        self.language = LanguageChoice()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.key = QLabel(key)
        self.key.setObjectName("recoveryKey")
        self.key.setStyleSheet("font-family: monospace; font-size: 16pt;")
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setObjectName("recoveryStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.done_button = QPushButton()  # not a standard button: Qt would rename it "OK"
        self.done_button.setObjectName("recoveryKeyDone")
        self.done_button.setDefault(True)
        self.buttons.addButton(self.done_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button = QPushButton()
        self.print_button.setObjectName("printRecoveryKey")
        self.copy_button = QPushButton()
        self.copy_button.setObjectName("copyRecoveryKey")
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setVisible(ctx is not None)
        self.print_button.clicked.connect(self.print_sheet)
        self.copy_button.clicked.connect(self.copy_key)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.language)
        layout.addWidget(self.text)
        layout.addWidget(self.key, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self._status: Callable[[], str] = lambda: ""
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Recovery key"))
        self.text.setText(
            _(
                "Write this recovery key on paper, or print it, and keep it away from this "
                "computer. It opens the data if the passphrase is forgotten. It is shown only "
                "now; %(menu)s makes a new one (the old one then stops working)."
            )
            % {"menu": recovery_menu_path()}
        )
        self.print_button.setText(_("&Print…"))
        self.print_button.setToolTip(_("A recovery sheet with this key, to print"))
        self.copy_button.setText(_("&Copy"))
        self.copy_button.setToolTip(_("Copy the key, to paste it where you keep it safe"))
        self.done_button.setText(_("I wrote it down"))
        self.status.setText(self._status())

    def _say(self, status: Callable[[], str]) -> None:
        self._status = status  # called again after a language switch
        self.status.setText(status())

    def copy_key(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.key.text())
        self._say(
            lambda: _(
                "Copied. Paste it where you keep it safe, then copy something else: the "
                "clipboard is not a safe place."
            )
        )

    def print_sheet(self) -> None:
        """The recovery sheet (the key, the organisation, what to do with it) in the preview,
        to print or save; it is not recorded in the document log."""
        ctx = self.ctx
        if ctx is None:
            return
        key = self.key.text()
        self.print_button.setEnabled(False)
        self._say(lambda: _("Preparing the sheet…"))

        def work(_control: object) -> object:
            from legalaid.safety.homeops import recovery_sheet

            return recovery_sheet(ctx, key)

        self.runner.query(work, done=self._sheet_ready, failed=self._sheet_failed, owner=self)

    def _sheet_ready(self, sheet: object) -> None:
        from ui.printing.preview import show_document

        assert self.ctx is not None
        self.print_button.setEnabled(True)
        self._say(lambda: "")
        self.preview = show_document(self.ctx, self.runner, sheet, self)

    def _sheet_failed(self, error: BaseException) -> None:
        self.print_button.setEnabled(True)
        self._say(lambda: describe(error))

    def _confirm_close(self) -> bool:
        if self.confirmed:
            return True
        answer = QMessageBox.question(
            self,
            _("Recovery key"),
            _(
                "Did you write down or print the recovery key? It will not be shown again. "
                "Without it, a forgotten passphrase means the data is lost."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        self.confirmed = answer == QMessageBox.StandardButton.Yes
        return self.confirmed

    def accept(self) -> None:
        if self._confirm_close():
            super().accept()

    def reject(self) -> None:  # Esc
        if self._confirm_close():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._confirm_close():
            event.accept()
        else:
            event.ignore()


def recovery_menu_path() -> str:
    """Where the person finds a new recovery sheet: "Archivo › Seguridad › Nueva hoja de
    recuperación…", the menu's own words in the interface language."""
    steps = (_("&File"), _("Se&curity"), _("New &recovery sheet…"))
    return " › ".join(strip_mnemonic(step) for step in steps)


def show_recovery_key(ctx: Any, parent: QWidget | None = None) -> str:
    """Show a new home's recovery key once; returns the language picked there ("" if none)."""
    if getattr(ctx, "recovery_key", None):
        dialog = RecoveryKeyDialog(ctx.recovery_key, parent, ctx=ctx)
        dialog.exec()
        return dialog.language.chosen
    return ""
