from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.cases import get_case
from tests.core.helpers import family, hearing_in
from tests.ui.conftest import wait_idle
from tests.ui.keys import type_into
from tests.ui.test_case_editor import new_editor
from ui.common.reference import load_reference
from ui.common.tasks import TaskRunner
from ui.editor.hearing_dialog import HearingDialog
from ui.editor.hearings_tab import HearingHistoryModel


def answer_dialog(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, fill: Callable[[HearingDialog], object]
) -> list[HearingDialog]:
    """Replace the modal exec: fill the form, press Save, wait for the worker's answer."""
    seen: list[HearingDialog] = []

    def exec_(dialog: HearingDialog) -> int:
        seen.append(dialog)
        fill(dialog)
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=10_000)
        return int(dialog.result())

    monkeypatch.setattr(HearingDialog, "exec", exec_)
    return seen


def test_history_model_passes_the_model_tester(qtmodeltester: ModelTester, ctx: AppContext) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 10)
    model = HearingHistoryModel(load_reference(ctx))
    model.set_hearings(get_case(ctx, case.case.id).hearings)
    qtmodeltester.check(model, force_py=True)


def test_reschedule_keeps_both_dates_in_the_history(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 10)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    tab = editor.hearings
    assert tab.model.rowCount() == 1 and tab.selected() is not None
    new_day = date.today() + timedelta(days=40)

    def fill(dialog: HearingDialog) -> None:
        dialog.show()  # the keys arrive through its window
        type_into(dialog.day, new_day.strftime("%d/%m/%Y"))
        type_into(dialog.at, "8:30")

    answer_dialog(qtbot, monkeypatch, fill)
    qtbot.mouseClick(tab.buttons["reschedule"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    statuses = [tab.model.index(r, 6).data() for r in range(tab.model.rowCount())]
    assert statuses == ["Programada", "Pospuesta"]
    assert tab.model.index(0, 8).data().startswith("Reemplaza la del")
    hearings = get_case(ctx, case.case.id).hearings
    assert [h.status for h in hearings] == ["postponed", "scheduled"]


def test_a_refused_hearing_keeps_the_dialog_and_says_why(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    editor = new_editor(qtbot, ctx, runner, case.case.id)

    def fill(dialog: HearingDialog) -> None:
        dialog.court.set_code("")
        dialog.notes.setPlainText("Aviso entregado en el albergue")

    seen = answer_dialog(qtbot, monkeypatch, fill)
    qtbot.mouseClick(editor.hearings.buttons["schedule"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    dialog = seen[0]
    assert dialog.result() != HearingDialog.DialogCode.Accepted
    assert dialog.errors.labels["court"].text() == "Elija la corte o el centro de audiencias."
    assert dialog.notes.toPlainText() == "Aviso entregado en el albergue"
    assert get_case(ctx, case.case.id).hearings == []


def test_attended_verified_and_cancelled(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 3)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    tab = editor.hearings
    qtbot.mouseClick(tab.buttons["verified"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert tab.model.index(0, 7).data().endswith("por Ana Tester")
    monkeypatch.setattr(
        QInputDialog, "getMultiLineText", staticmethod(lambda *a, **k: ("Llegó a tiempo", True))
    )
    qtbot.mouseClick(tab.buttons["attended"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert tab.model.index(0, 6).data() == "Asistió"
    assert get_case(ctx, case.case.id).hearings[0].outcome == "Llegó a tiempo"
    hearing_in(ctx, case.case.id, 30)
    editor.reload_hearings()
    wait_idle(qtbot, runner)
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    qtbot.mouseClick(tab.buttons["cancel"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert sorted(h.status for h in get_case(ctx, case.case.id).hearings) == [
        "attended",
        "cancelled",
    ]
