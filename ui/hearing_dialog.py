"""Schedule or reschedule a hearing: wall-clock times in the court's and the crossing's zones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from legalaid.errors import LegalAidError
from legalaid.i18n import _
from legalaid.models import Hearing
from legalaid.services.hearings import HearingInput
from ui.household import CHOOSE
from ui.reference import Reference, with_blank
from ui.tasks import TaskRunner, describe
from ui.widgets import CodeCombo, DateEdit, ErrorLabel, FieldErrors, Translatable, boxed

Submit = Callable[[HearingInput], Any]


class HearingDialog(Translatable, QDialog):
    """Runs ``submit(input)`` on a worker; stays open with inline messages when refused."""

    def __init__(
        self,
        runner: TaskRunner,
        reference: Reference,
        submit: Submit,
        *,
        rescheduling: Hearing | None = None,
        crossing: str = "",
        court: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hearingDialog")
        self.runner, self.reference, self.submit = runner, reference, submit
        self.rescheduling = rescheduling
        self.result_hearing: Any = None
        self.errors = FieldErrors(ErrorLabel())
        self.court = CodeCombo(items=lambda: with_blank(reference.court_items(), CHOOSE))
        self.crossing = CodeCombo(items=lambda: with_blank(reference.crossing_items(), CHOOSE))
        self.day = DateEdit()
        self.at = QTimeEdit(QTime(8, 0))
        self.at.setDisplayFormat("HH:mm")
        self.own_report = QCheckBox()
        self.report_at = QTimeEdit(QTime(4, 0))
        self.report_at.setDisplayFormat("HH:mm")
        self.report_at.setEnabled(False)
        self.own_report.toggled.connect(self.report_at.setEnabled)
        self.kind = CodeCombo("hearing_kind")
        self.mode = CodeCombo("hearing_mode")
        self.source = CodeCombo("date_source")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.labels: dict[str, QLabel] = {}
        self._layout()
        self._prefill(crossing, court)
        self.retranslate()

    def _layout(self) -> None:
        form = QFormLayout()
        report = QWidget()
        report_row = QHBoxLayout(report)
        report_row.setContentsMargins(0, 0, 0, 0)
        report_row.addWidget(self.own_report)
        report_row.addWidget(self.report_at, 1)
        for name, widget in (
            ("court", self.court),
            ("crossing", self.crossing),
            ("day", self.day),
            ("at", self.at),
            ("report_at", report),
            ("kind", self.kind),
            ("mode", self.mode),
            ("source", self.source),
            ("notes", self.notes),
        ):
            label = QLabel()
            label.setBuddy(widget)
            self.labels[name] = label
            form.addRow(label, boxed(widget, self.errors.add(name, widget)))
        self.errors.widgets["report_at"] = self.report_at
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)

    def _prefill(self, crossing: str, court: str) -> None:
        old = self.rescheduling
        if old is not None:
            crossing = getattr(self.reference.crossing_by_id(old.crossing_id), "code", crossing)
            court = getattr(self.reference.court_by_id(old.court_id), "code", court)
            self.kind.set_code(old.kind)
            self.mode.set_code(old.mode)
            self.source.set_code("tear_sheet")
        self.crossing.set_code(crossing)
        self.court.set_code(court)

    def retranslate(self) -> None:
        self.setWindowTitle(
            _("Reschedule the hearing") if self.rescheduling else _("Schedule a hearing")
        )
        self.intro.setText(
            _("The old date stays in the history, marked as postponed.")
            if self.rescheduling
            else _("Times are those written on the notice: court time for the hearing.")
        )
        texts = {
            "court": _("Co&urt"),
            "crossing": _("C&rossing"),
            "day": _("&Date"),
            "at": _("&Time (24 h)"),
            "report_at": _("Report at the crossing"),
            "kind": _("Kind"),
            "mode": _("Mode"),
            "source": _("Where the date comes from"),
            "notes": _("Notes"),
        }
        for name, text in texts.items():
            self.labels[name].setText(text)
        self.own_report.setText(_("At another time:"))
        self.own_report.setToolTip(
            _("Leave unticked to use the crossing's usual time before the hearing")
        )
        for combo in (self.court, self.crossing, self.kind, self.mode, self.source):
            combo.retranslate()

    def hearing_input(self) -> HearingInput:
        return HearingInput(
            court=self.court.code() or None,
            crossing=self.crossing.code() or None,
            day=self.day.value(),
            at=_time(self.at.time()),
            report_at=_time(self.report_at.time()) if self.own_report.isChecked() else None,
            kind=self.kind.code(),
            mode=self.mode.code(),
            source=self.source.code(),
            notes=self.notes.toPlainText(),
        )

    def save(self) -> None:
        data, submit = self.hearing_input(), self.submit
        self.buttons.setEnabled(False)
        self.runner.run(
            lambda _c: submit(data), done=self._saved, failed=self._refused, write=True, owner=self
        )

    def _saved(self, hearing: Any) -> None:
        self.result_hearing = hearing
        self.buttons.setEnabled(True)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, LegalAidError):
            first = self.errors.show(error.by_field())
            if first is not None:
                first.setFocus()
        else:
            self.errors.show({None: describe(error)})


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())
