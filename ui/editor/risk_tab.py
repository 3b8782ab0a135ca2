"""The Risk tab: level, factors (sensitive ones only with consent), narrative, incidents."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.formatting import medium_date
from legalaid.i18n import _
from legalaid.labels import label
from legalaid.services.households import RiskDraft
from legalaid.services.risk import (
    RiskDetail,
    RiskInput,
    add_incident,
    factor_choices,
    list_assessments,
)
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import CodeCombo, ErrorLabel, FieldErrors, Translatable, boxed
from ui.editor.datefields import DateField
from ui.editor.incident_dialog import IncidentDialog

FIELDS = {
    "assessed_on",
    "level",
    "factors",
    "consent_sensitive",
    "fear_screening",
    "narrative_es",
    "narrative_en",
    "narrative_original",
    "risk",
}


class RiskTab(Translatable, QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.case_id: str | None = None
        self.assessments: list[RiskDetail] = []
        self.current: RiskDetail | None = None
        self._baseline = RiskInput()
        self.errors = FieldErrors(ErrorLabel())
        self.which = QComboBox()
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.start_new)
        self.assessed_on = DateField(required=True, past=True)
        self.level = CodeCombo("risk_level")
        self.screening = CodeCombo("fear_screening")
        self.factors: dict[str, QCheckBox] = {}
        self.factor_box = QGroupBox()
        grid = QGridLayout(self.factor_box)
        for position, (code, _text, _sensitive) in enumerate(factor_choices()):
            box = QCheckBox()
            box.toggled.connect(self.changed)
            self.factors[code] = box
            grid.addWidget(box, position // 2, position % 2)
        self.consent = QCheckBox()
        self.original = CodeCombo(items=lambda: [("es", _("Spanish")), ("en", _("English"))])
        self.narrative_es, self.narrative_en = QPlainTextEdit(), QPlainTextEdit()
        self.incidents = QListWidget()
        self.incidents.setObjectName("incidentList")
        self.incident_button = QPushButton()
        self.incident_button.clicked.connect(self.add_incident)
        self.labels: dict[str, QLabel] = {}
        self._layout()
        self._watch()
        self.which.currentIndexChanged.connect(self._choose)
        self.retranslate()
        self._set(None)

    def _layout(self) -> None:
        top = QHBoxLayout()
        self.which_label = QLabel()
        self.which_label.setBuddy(self.which)
        top.addWidget(self.which_label)
        top.addWidget(self.which, 1)
        top.addWidget(self.new_button)
        form = QFormLayout()
        for name, widget in (
            ("assessed_on", self.assessed_on),
            ("level", self.level),
            ("fear_screening", self.screening),
            ("narrative_original", self.original),
            ("narrative_es", self.narrative_es),
            ("narrative_en", self.narrative_en),
        ):
            label_widget = QLabel()
            label_widget.setBuddy(widget)
            self.labels[name] = label_widget
            form.addRow(label_widget, boxed(widget, self.errors.add(name, widget)))
        self.errors.add("factors", self.factor_box)
        self.errors.add("consent_sensitive", self.consent)
        incidents = QHBoxLayout()
        incidents.addWidget(self.incidents, 1)
        incidents.addWidget(self.incident_button)
        self.incident_title = QLabel()
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.factor_box)
        layout.addWidget(self.errors.labels["factors"])
        layout.addWidget(self.consent)
        layout.addWidget(self.errors.labels["consent_sensitive"])
        layout.addWidget(self.incident_title)
        layout.addLayout(incidents)
        layout.addWidget(self.errors.general)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _watch(self) -> None:
        for text in (self.narrative_es, self.narrative_en):
            text.setTabChangesFocus(True)
            text.textChanged.connect(self.changed)
        for combo in (self.level, self.screening, self.original):
            combo.currentIndexChanged.connect(self.changed)
        self.assessed_on.changed.connect(self.changed)
        self.consent.toggled.connect(self.changed)

    def retranslate(self) -> None:
        self.which_label.setText(_("Assessment"))
        self.new_button.setText(_("New assessment"))
        texts = {
            "assessed_on": _("Assessed on"),
            "level": _("Risk &level"),
            "fear_screening": _("Fear screening"),
            "narrative_original": _("Narrative written in"),
            "narrative_es": _("Narrative (Spanish)"),
            "narrative_en": _("Narrative (English)"),
        }
        for name, text in texts.items():
            self.labels[name].setText(text)
        self.factor_box.setTitle(_("Risk factors"))
        for code, text, sensitive in factor_choices():
            box = self.factors[code]
            box.setText(_("%(factor)s (sensitive)") % {"factor": text} if sensitive else text)
            box.setToolTip(_("Recorded only with consent") if sensitive else "")
        self.consent.setText(_("The person consents to recording sensitive factors"))
        self.incident_title.setText(_("Incidents"))
        self.incident_button.setText(_("Add an &incident…"))
        for combo in (self.level, self.screening, self.original):
            combo.retranslate()
        self._fill_which()
        self._show_incidents()

    # --- loading ------------------------------------------------------------------------------
    def load(self, case_id: str | None) -> None:
        self.case_id = case_id
        if case_id is None:
            self._set(None)
            return
        ctx = self.ctx
        self.runner.query(
            lambda _c: list_assessments(ctx, case_id),
            done=self._loaded,
            failed=lambda e: self.errors.show({None: describe(e)}),
            owner=self,
        )

    def _loaded(self, assessments: list[RiskDetail]) -> None:
        self.assessments = assessments
        self._set(assessments[0] if assessments else None)

    def _incidents_loaded(self, assessments: list[RiskDetail]) -> None:
        """After an incident was added: new incident list, the form left as typed."""
        self.assessments = assessments
        if self.current is not None:
            fresh = next(
                (a for a in assessments if a.assessment.id == self.current.assessment.id), None
            )
            self.current = fresh or self.current
        self._show_incidents()

    def saved(self, detail: RiskDetail) -> None:
        others = [a for a in self.assessments if a.assessment.id != detail.assessment.id]
        self._loaded([detail, *others])

    def _set(self, detail: RiskDetail | None) -> None:
        self.current = detail
        risk = detail.assessment if detail else None
        data = RiskInput(assessed_on=date.today()) if risk is None else _input_of(risk)
        self.blockSignals(True)
        self.assessed_on.set_value(data.assessed_on)
        self.level.set_code(data.level)
        self.screening.set_code(data.fear_screening)
        self.original.set_code(data.narrative_original)
        self.narrative_es.setPlainText(data.narrative_es)
        self.narrative_en.setPlainText(data.narrative_en)
        self.consent.setChecked(data.consent_sensitive)
        for code, box in self.factors.items():
            box.setChecked(code in data.factors)
        self.blockSignals(False)
        self._baseline = self.risk_input()
        self._fill_which()
        self._show_incidents()
        self.errors.clear()

    def _fill_which(self) -> None:
        self.which.blockSignals(True)
        self.which.clear()
        for detail in self.assessments:
            risk = detail.assessment
            self.which.addItem(
                _("%(date)s · %(level)s · %(author)s")
                % {
                    "date": medium_date(risk.assessed_on),
                    "level": label("risk_level", risk.level),
                    "author": risk.author,
                },
                risk.id,
            )
        if self.current is None:
            self.which.addItem(_("New assessment (not saved yet)"), "")
        else:
            self.which.setCurrentIndex(max(0, self.which.findData(self.current.assessment.id)))
        self.which.blockSignals(False)

    def _choose(self, position: int) -> None:
        risk_id = self.which.itemData(position)
        self._set(next((a for a in self.assessments if a.assessment.id == risk_id), None))

    def start_new(self) -> None:
        self._set(None)
        self.changed.emit()

    def _show_incidents(self) -> None:
        self.incidents.clear()
        for incident in self.current.incidents if self.current else []:
            when = medium_date(incident.occurred_on) if incident.occurred_on else "—"
            self.incidents.addItem(
                _("%(date)s · %(kind)s · %(city)s")
                % {
                    "date": when,
                    "kind": label("incident_kind", incident.kind),
                    "city": incident.city,
                }
            )
        self.incident_button.setEnabled(self.current is not None)
        self.incident_button.setToolTip(
            "" if self.current else _("Save the assessment first; then add its incidents.")
        )

    # --- values -------------------------------------------------------------------------------
    def risk_input(self) -> RiskInput:
        return RiskInput(
            assessed_on=self.assessed_on.value(),
            level=self.level.code(),
            factors=[code for code, box in self.factors.items() if box.isChecked()],
            consent_sensitive=self.consent.isChecked(),
            fear_screening=self.screening.code(),
            narrative_es=self.narrative_es.toPlainText(),
            narrative_en=self.narrative_en.toPlainText(),
            narrative_original=self.original.code() or "es",
        )

    def draft(self) -> RiskDraft | None:
        """The assessment to save, or None when the form is as it was loaded."""
        data = self.risk_input()
        if data == self._baseline:
            return None
        risk = self.current.assessment if self.current else None
        return RiskDraft(data, risk.id if risk else None, risk.version if risk else None)

    def show_errors(self, by_field: dict[str | None, str]) -> QWidget | None:
        return self.errors.show(by_field)

    def add_incident(self) -> None:
        if self.current is None:
            return
        ctx, risk_id = self.ctx, self.current.assessment.id
        dialog = IncidentDialog(self.runner, lambda data: add_incident(ctx, risk_id, data), self)
        if dialog.exec() == IncidentDialog.DialogCode.Accepted and self.case_id:
            case_id = self.case_id
            self.runner.query(
                lambda _c: list_assessments(ctx, case_id),
                done=self._incidents_loaded,
                failed=lambda e: self.errors.show({None: describe(e)}),
                owner=self,
            )


def _input_of(risk: Any) -> RiskInput:
    return RiskInput(
        assessed_on=risk.assessed_on,
        level=risk.level,
        factors=list(risk.factors),
        consent_sensitive=risk.consent_sensitive,
        fear_screening=risk.fear_screening,
        narrative_es=risk.narrative_es,
        narrative_en=risk.narrative_en,
        narrative_original=risk.narrative_original,
    )
