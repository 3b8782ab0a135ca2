"""One dialog for every passphrase question of the data-safety actions.

Modes: ``ask`` (the current passphrase or recovery key), ``change`` (the current one, a new one
twice), ``new`` (a new one twice). The dialog checks what it can at once (length, the same twice),
then runs ``work(current, new)`` on a worker; a refusal (wrong passphrase, a bad backup) is shown
inside the dialog and the person tries again; on success ``value`` holds the work's result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from legalaid.errors import LegalAidError
from legalaid.i18n import _
from legalaid.safety.keys import WrongPassphrase, check_new_passphrase
from ui.common.screen import FitsScreen
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import ErrorLabel, FieldErrors, Translatable, boxed

ASK, CHANGE, NEW = "ask", "change", "new"
Text = Callable[[], str]  # called again on every language change


class PassphraseDialog(Translatable, FitsScreen, QDialog):
    def __init__(
        self,
        mode: str,
        runner: TaskRunner,
        work: Callable[[str, str], Any],
        title: Text,
        intro: Text,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseDialog")
        self.mode, self.runner, self.work = mode, runner, work
        self._title, self._intro = title, intro
        self.value: Any = None
        self.busy = False
        self.errors = FieldErrors(ErrorLabel())
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.current, self.new, self.repeat = QLineEdit(), QLineEdit(), QLineEdit()
        self.labels = {name: QLabel() for name in ("current", "passphrase", "passphrase_repeat")}
        form = QFormLayout()
        rows = (("current", self.current), ("passphrase", self.new))
        for name, field in (*rows, ("passphrase_repeat", self.repeat)):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setObjectName(name)
            self.labels[name].setBuddy(field)
            form.addRow(self.labels[name], boxed(field, self.errors.add(name, field)))
        shown = {
            ASK: {"current"},
            CHANGE: set(self.labels),
            NEW: {"passphrase", "passphrase_repeat"},
        }
        for name, field in (*rows, ("passphrase_repeat", self.repeat)):
            field.setVisible(name in shown[mode])
            self.labels[name].setVisible(name in shown[mode])
        self.working = QLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.working)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.retranslate()
        (self.new if mode == NEW else self.current).setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(self._title())
        self.intro.setText(self._intro())
        self.labels["current"].setText(
            _("&Current passphrase or recovery key")
            if self.mode == CHANGE
            else _("&Passphrase or recovery key")
        )
        self.labels["passphrase"].setText(
            _("&New passphrase") if self.mode == CHANGE else _("&Passphrase")
        )
        self.labels["passphrase_repeat"].setText(_("The same &again"))
        self.working.setText(_("Working…") if self.busy else "")

    def submit(self) -> None:
        if self.busy:
            return
        current, new = self.current.text(), self.new.text()
        try:
            if self.mode in (CHANGE, NEW):
                check_new_passphrase(new, self.repeat.text())
            if self.mode in (ASK, CHANGE) and not current:
                self.errors.show({"current": _("Write the passphrase.")})
                self.current.setFocus()
                return
        except LegalAidError as error:
            first = self.errors.show(error.by_field())
            (first or self.new).setFocus()
            return
        self.errors.clear()
        self._busy(True)
        work = self.work
        self.runner.command(  # the keys, encryption: writes
            lambda _c: work(current, new), done=self._done, failed=self._refused, owner=self
        )

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)
        self.retranslate()

    def _done(self, value: Any) -> None:
        self._busy(False)
        self.value = value
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self._busy(False)
        if isinstance(error, WrongPassphrase):
            self.errors.show({"current": error.message()})
            self.current.selectAll()
            self.current.setFocus()
            return
        if isinstance(error, LegalAidError):
            first = self.errors.show(error.by_field())
            if first is not None:
                first.setFocus()
            return
        self.errors.show({None: describe(error)})
