"""Rescheduling: the dialog starts empty, shows the old date as the old one, refuses the same
date, asks about a past or far one; the live hearing ends on top of the history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.cases import get_case
from tests.core.helpers import family, hearing_in
from tests.ui.conftest import wait_idle
from tests.ui.keys import press, type_into
from tests.ui.test_case_editor import new_editor
from ui.common.tasks import TaskRunner
from ui.editor.case_editor import CaseEditor
from ui.editor.hearing_dialog import HearingDialog


def reschedule(
    qtbot: QtBot,
    editor: CaseEditor,
    monkeypatch: pytest.MonkeyPatch,
    fill: Callable[[HearingDialog], object],
) -> HearingDialog:
    """Press "Reschedule…"; ``fill`` types in the dialog; Return presses Save."""
    seen: list[HearingDialog] = []

    def exec_(dialog: HearingDialog) -> int:
        seen.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        fill(dialog)
        press(dialog, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=10_000)
        wait_idle(qtbot, editor.runner)
        return int(dialog.result())

    monkeypatch.setattr(HearingDialog, "exec", exec_)
    editor.hearings.buttons["reschedule"].click()
    wait_idle(qtbot, editor.runner)
    return seen[0]


def questions(monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def question(
        parent: object, title: str, text: str, *args: object, **kwargs: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_saving_the_reschedule_dialog_untouched_changes_nothing(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trial: Save without changes made today the hearing and postponed the real one."""
    case = family(ctx)
    hearing_in(ctx, case.case.id, 40, at=time(8, 30))
    before = get_case(ctx, case.case.id).hearings
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    asked = questions(monkeypatch, QMessageBox.StandardButton.Save)

    def fill(dialog: HearingDialog) -> None:
        assert dialog.day.text() == "" and dialog.at.text() == ""  # nothing to save by mistake
        day = before[0].starts_at.astimezone(ZoneInfo("America/Los_Angeles")).date()  # type: ignore[union-attr]
        assert dialog.old.isVisible()
        assert dialog.old.text().startswith("Fecha anterior: ")
        assert f"{day.day} de" in dialog.old.text() and "8:30 a. m." in dialog.old.text()
        assert dialog.labels["day"].text() == "Nueva &fecha"

    dialog = reschedule(qtbot, editor, monkeypatch, fill)
    assert dialog.result() != HearingDialog.DialogCode.Accepted
    assert dialog.day.readback.text() == "Escriba la nueva fecha que dio la corte."
    assert asked == []
    after = get_case(ctx, case.case.id).hearings
    assert [(h.id, h.status, h.version) for h in after] == [
        (h.id, h.status, h.version) for h in before
    ]


def test_the_same_date_and_time_again_is_refused(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 40, at=time(8, 30))
    [old] = get_case(ctx, case.case.id).hearings
    day = old.starts_at.astimezone(ZoneInfo(old.zone)).date()  # type: ignore[union-attr]
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    questions(monkeypatch, QMessageBox.StandardButton.Save)

    def fill(dialog: HearingDialog) -> None:
        type_into(dialog.day, day.strftime("%d/%m/%Y"))
        type_into(dialog.at, "8:30 am")

    dialog = reschedule(qtbot, editor, monkeypatch, fill)
    assert dialog.result() != HearingDialog.DialogCode.Accepted
    assert (
        dialog.errors.labels["day"]
        .text()
        .startswith("La nueva fecha y hora son iguales a las anteriores")
    )
    [still] = get_case(ctx, case.case.id).hearings
    assert still.status == "scheduled" and still.version == old.version


def test_a_past_date_is_asked_about_and_a_no_saves_nothing(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 40)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    asked = questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    past = date.today() - timedelta(days=3)

    def fill(dialog: HearingDialog) -> None:
        type_into(dialog.day, past.strftime("%d/%m/%y"))
        type_into(dialog.at, "9:00")

    dialog = reschedule(qtbot, editor, monkeypatch, fill)
    assert dialog.result() != HearingDialog.DialogCode.Accepted
    assert len(asked) == 1 and "ya pasó" in asked[0] and str(past.year) in asked[0]
    assert [h.status for h in get_case(ctx, case.case.id).hearings] == ["scheduled"]
    far = date.today() + timedelta(days=800)
    asked = questions(monkeypatch, QMessageBox.StandardButton.Save)

    def fill_far(dialog: HearingDialog) -> None:
        type_into(dialog.day, far.strftime("%d/%m/%Y"))
        type_into(dialog.at, "9:00")

    dialog = reschedule(qtbot, editor, monkeypatch, fill_far)
    assert len(asked) == 1 and "más de dos años" in asked[0]
    assert dialog.result() == HearingDialog.DialogCode.Accepted
    statuses = sorted(h.status for h in get_case(ctx, case.case.id).hearings)
    assert statuses == ["postponed", "scheduled"]


def test_after_a_reschedule_to_an_earlier_day_the_live_hearing_is_on_top(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 60)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    asked = questions(monkeypatch, QMessageBox.StandardButton.Save)
    sooner = date.today() + timedelta(days=20)

    def fill(dialog: HearingDialog) -> None:
        type_into(dialog.day, sooner.strftime("%d/%m/%Y"))
        type_into(dialog.at, "13:00")

    reschedule(qtbot, editor, monkeypatch, fill)
    assert asked == []
    model = editor.hearings.model
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert [model.index(r, 6).data() for r in range(2)] == ["Programada", "Pospuesta"]
    assert model.index(0, 1).data() == "1:00 p. m."
    assert editor.hearings.selected() is model.rows[0]
