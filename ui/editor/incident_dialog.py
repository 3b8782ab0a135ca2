"""Add an incident (kidnapping, extortion, assault...) to a saved risk assessment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from legalaid.errors import LegalAidError
from legalaid.i18n import _
from legalaid.services.risk import IncidentInput
from ui.common.screen import FitsScreen
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import CodeCombo, ErrorLabel, FieldErrors, Translatable, boxed
from ui.editor.datefields import DateField, first_problem


class IncidentDialog(Translatable, FitsScreen, QDialog):
    def __init__(
        self,
        runner: TaskRunner,
        submit: Callable[[IncidentInput], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentDialog")
        self.runner, self.submit = runner, submit
        self.errors = FieldErrors(ErrorLabel())
        self.occurred = DateField(optional=True, past=True)
        self.city = QLineEdit()
        self.kind = CodeCombo("incident_kind")
        self.perpetrator = QLineEdit()
        self.reported = QCheckBox()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, widget in (
            ("occurred_on", self.occurred),
            ("kind", self.kind),
            ("city", self.city),
            ("perpetrator", self.perpetrator),
            ("reported", self.reported),
            ("description", self.description),
        ):
            label = QLabel()
            label.setBuddy(widget)
            self.labels[name] = label
            form.addRow(label, boxed(widget, self.errors.add(name, widget)))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Add an incident"))
        texts = {
            "occurred_on": _("&When"),
            "kind": _("&What happened"),
            "city": _("City"),
            "perpetrator": _("Who did it (if known)"),
            "reported": _("Reported"),
            "description": _("Description"),
        }
        for name, text in texts.items():
            self.labels[name].setText(text)
        self.reported.setText(_("Reported to the authorities"))
        self.kind.retranslate()

    def incident_input(self) -> IncidentInput:
        return IncidentInput(
            occurred_on=self.occurred.value(),
            city=self.city.text(),
            kind=self.kind.code(),
            perpetrator=self.perpetrator.text(),
            reported=self.reported.isChecked(),
            description=self.description.toPlainText(),
        )

    def save(self) -> None:
        wrong = first_problem([self.occurred])
        if wrong is not None:
            wrong.setFocus()
            return
        data, submit = self.incident_input(), self.submit
        self.buttons.setEnabled(False)
        self.runner.command(
            lambda _c: submit(data),
            done=lambda _i: self.accept(),
            failed=self._refused,
            owner=self,
        )

    def _refused(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        by_field: dict[str | None, str] = (
            error.by_field() if isinstance(error, LegalAidError) else {None: describe(error)}
        )
        self.errors.show(by_field)
