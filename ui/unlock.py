"""The passphrase dialog (unlock an encrypted home, or choose one for a new home) and the
one-time display of the recovery key. Key derivation runs on a worker: the window never freezes."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext, open_home
from legalaid.errors import LegalAidError
from legalaid.i18n import _
from legalaid.safety.keys import check_new_passphrase
from ui.screen import FitsScreen
from ui.tasks import TaskRunner, describe
from ui.widgets import ErrorLabel, FieldErrors, Translatable, boxed


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
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.working)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
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

    def unlock(self) -> None:
        secret = self.passphrase.text()
        try:
            if self.new:
                check_new_passphrase(secret, self.repeat.text())
            elif not secret:
                self.errors.show({"passphrase": _("Write the passphrase.")})
                return
        except LegalAidError as error:
            self.errors.show(error.by_field())
            return
        self.errors.clear()
        self.buttons.setEnabled(False)
        self.retranslate()
        home = self.home
        self.runner.run(
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
        by_field: dict[str | None, str] = (
            error.by_field() if isinstance(error, LegalAidError) else {None: describe(error)}
        )
        self.errors.show(by_field)
        self.passphrase.selectAll()
        self.passphrase.setFocus()


class RecoveryKeyDialog(Translatable, FitsScreen, QDialog):
    """Shown once, right after a new encrypted home was created."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryKeyDialog")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.key = QLabel(key)
        self.key.setStyleSheet("font-family: monospace; font-size: 16pt;")
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.key, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Recovery key"))
        self.text.setText(
            _(
                "Write this recovery key on paper and keep it away from this computer. It opens "
                "the data if the passphrase is forgotten. It is shown only now; "
                "`legalaid recovery-sheet` prints a new one."
            )
        )


def show_recovery_key(ctx: Any, parent: QWidget | None = None) -> None:
    if getattr(ctx, "recovery_key", None):
        RecoveryKeyDialog(ctx.recovery_key, parent).exec()
