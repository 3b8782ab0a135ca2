from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.risk import list_assessments
from tests.core.helpers import family, hearing_in
from tests.ui.conftest import wait_idle
from tests.ui.keys import type_into
from tests.ui.test_case_editor import new_editor, type_text
from ui.common.tasks import TaskRunner
from ui.editor.incident_dialog import IncidentDialog


def previews() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.objectName() == "previewDialog"]


def test_risk_assessment_needs_consent_for_sensitive_factors(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    case = family(ctx)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    risk = editor.risk
    assert risk.which.currentText() == "Nueva evaluación (todavía sin guardar)"
    risk.level.set_code("high")
    risk.factors["pregnancy"].setChecked(True)
    risk.factors["unsafe_route"].setChecked(True)
    type_text(risk.narrative_es, "Amenazas cerca del albergue; la garita está lejos.")
    editor.save_action.trigger()
    wait_idle(qtbot, runner)
    assert editor.tabs.currentWidget() is risk
    assert "consentimiento" in risk.errors.labels["consent_sensitive"].text()
    assert risk.factors["pregnancy"].isChecked()  # kept as typed
    assert list_assessments(ctx, case.case.id) == []
    risk.consent.setChecked(True)
    editor.save_action.trigger()
    wait_idle(qtbot, runner)
    [stored] = list_assessments(ctx, case.case.id)
    assert stored.assessment.factors == ["pregnancy", "unsafe_route"]
    assert stored.assessment.narrative_es.startswith("Amenazas")
    assert not editor.is_dirty()
    assert risk.which.currentText().endswith("Ana Tester")


def test_incidents_are_added_to_a_saved_assessment(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    assert not editor.risk.incident_button.isEnabled()
    editor.risk.level.set_code("low")
    editor.save_action.trigger()
    wait_idle(qtbot, runner)
    assert editor.risk.incident_button.isEnabled()

    def exec_(dialog: IncidentDialog) -> int:
        dialog.show()  # the keys arrive through its window
        type_into(dialog.occurred, "14/02/2026")
        dialog.kind.set_code("extortion")
        type_text(dialog.city, "Matamoros")
        dialog.save()
        qtbot.waitUntil(lambda: dialog.result() == 1, timeout=10_000)
        return 1

    monkeypatch.setattr(IncidentDialog, "exec", exec_)
    qtbot.mouseClick(editor.risk.incident_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert editor.risk.incidents.item(0).text() == "14 de febrero de 2026 · Extorsión · Matamoros"


def test_documents_of_a_case_open_in_the_preview(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 6)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    editor.print_action.trigger()  # Ctrl+P: the next hearing's reminder
    wait_idle(qtbot, runner)
    assert len(previews()) == 1 and "Recordatorio" in previews()[0].windowTitle()
    qtbot.mouseClick(editor.documents.buttons["cards"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert len(previews()) == 2
    qtbot.mouseClick(editor.documents.buttons["risk"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert "evaluación de riesgo" in editor.documents.error.text()  # none recorded yet
    type_text(editor.household.shelter, "Otro albergue")
    editor.print_action.trigger()
    assert editor.error.text().startswith("Primero guarde sus cambios")
