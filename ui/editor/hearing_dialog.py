"""Schedule or reschedule a hearing: wall-clock times in the court's and the crossing's zones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from legalaid.errors import LegalAidError, Problem
from legalaid.formatting import clock_with_zone, long_date, zone_name
from legalaid.i18n import N_, _
from legalaid.models import Hearing
from legalaid.services.hearings import HearingInput, unusual_day
from ui.common.reference import Reference, with_blank
from ui.common.screen import FitsScreen
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import CodeCombo, ErrorLabel, FieldErrors, Translatable, boxed
from ui.editor.datefields import DateField, TimeField, first_problem
from ui.editor.household import CHOOSE

Submit = Callable[[HearingInput], Any]


class HearingDialog(Translatable, FitsScreen, QDialog):
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
        # A new hearing's date and time start empty: nothing is saved that nobody typed.
        moving = rescheduling is not None
        self.day = DateField(required=moving, missing=N_("Write the new date the court gave."))
        self.day.setObjectName("hearingDay")
        self.at = TimeField(
            required=moving, missing=N_("Write the hearing time as well as its date.")
        )
        self.at.setObjectName("hearingTime")
        self.own_report = QCheckBox()
        self.report_at = TimeField(required=True)
        self.report_at.setObjectName("reportTime")
        self.report_at.setEnabled(False)
        self.own_report.toggled.connect(self.report_at.setEnabled)
        self.at.set_extra(lambda: self._zone_words(self.court_zone()))
        self.report_at.set_extra(lambda: self._zone_words(self.crossing_zone()))
        for field in (self.day, self.at):
            field.changed.connect(self._zones)
        self.old = QLabel()
        self.old.setObjectName("oldHearing")
        self.old.setWordWrap(True)
        self.old.setStyleSheet("font-weight: bold;")
        self.old.setVisible(rescheduling is not None)
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
        layout.addWidget(self.old)
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
        for combo in (self.court, self.crossing):
            combo.currentIndexChanged.connect(self._zones)

    def retranslate(self) -> None:
        self.setWindowTitle(
            _("Reschedule the hearing") if self.rescheduling else _("Schedule a hearing")
        )
        self.intro.setText(
            _(
                "Write the new date and time the court gave. The old date stays in the history, "
                "marked as postponed."
            )
            if self.rescheduling
            else _("Times are those written on the notice: court time for the hearing.")
        )
        self.old.setText(self._old_words())
        texts = {
            "court": _("Co&urt"),
            "crossing": _("C&rossing"),
            "day": _("New &date") if self.rescheduling else _("&Date"),
            "at": _("New &time") if self.rescheduling else _("&Time"),
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

    def _old_words(self) -> str:
        old = self.rescheduling
        if old is None:
            return ""
        if old.starts_at is None:
            return _("Old date: not set yet.")
        local = old.starts_at.astimezone(ZoneInfo(old.zone))
        return _("Old date: %(date)s, %(time)s") % {
            "date": long_date(local.date()),
            "time": clock_with_zone(old.starts_at, old.zone),
        }

    # --- time zones read back beside the times -------------------------------------------------
    def court_zone(self) -> str | None:
        court = self.reference.court(self.court.code())
        return court.zone if court else None

    def crossing_zone(self) -> str | None:
        crossing = self.reference.crossing(self.crossing.code())
        return crossing.zone if crossing else None

    def _zone_words(self, zone: str | None) -> str:
        """The zone's name on that day ("hora estándar del Pacífico"), once date and time are
        known; "" before."""
        day, at = self.day.value(), self.at.value()
        if zone is None or day is None or at is None:
            return ""
        return zone_name(datetime.combine(day, at, tzinfo=ZoneInfo(zone)), zone)

    def _zones(self) -> None:
        self.at.read_back()
        self.report_at.read_back()

    # --- saving ---------------------------------------------------------------------------------
    def hearing_input(self) -> HearingInput:
        return HearingInput(
            court=self.court.code() or None,
            crossing=self.crossing.code() or None,
            day=self.day.value(),
            at=self.at.value(),
            report_at=self.report_at.value() if self.own_report.isChecked() else None,
            kind=self.kind.code(),
            mode=self.mode.code(),
            source=self.source.code(),
            notes=self.notes.toPlainText(),
        )

    def typed_fields(self) -> list[DateField | TimeField]:
        fields: list[DateField | TimeField] = [self.day, self.at]
        return fields + ([self.report_at] if self.own_report.isChecked() else [])

    def save(self) -> None:
        """Nothing is sent while a date or time cannot be read; an unusual date is asked about."""
        wrong = first_problem(self.typed_fields())
        if wrong is not None:
            wrong.setFocus()
            return
        question = unusual_day(self.day.value())
        if question is not None and not self._confirmed(question):
            self.day.setFocus()
            return
        data, submit = self.hearing_input(), self.submit
        self.buttons.setEnabled(False)
        self.runner.command(
            lambda _c: submit(data), done=self._saved, failed=self._refused, owner=self
        )

    def _confirmed(self, question: Problem) -> bool:
        day = question.params["date"]
        answer = QMessageBox.question(
            self,
            _("Check the date"),
            _(question.msgid) % {"date": long_date(day)},
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Save

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
