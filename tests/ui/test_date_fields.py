"""Dates and times typed with a keyboard: every key goes through the window, as a real one does,
and what counts is what the database stores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.cases import get_case
from legalaid.services.search import count_cases
from tests.core.helpers import family
from tests.ui.conftest import wait_idle
from tests.ui.keys import focus, press, type_into, type_keys
from tests.ui.test_case_editor import new_editor
from ui.common.language import LanguageSwitcher
from ui.common.tasks import TaskRunner
from ui.editor.case_editor import CaseEditor
from ui.editor.hearing_dialog import HearingDialog

JAN_14 = date(2027, 1, 14)
CTRL = Qt.KeyboardModifier.ControlModifier
# Every date and time format of the issue, in each interface language (the times cycle so
# that each language sees all six).
DATES = ["14/01/2027", "14/1/27", "14-01-2027", "14 ene 2027", "14 de enero de 2027"]
DATES += ["2027-01-14", "Jan 14, 2027"]
TIMES = {
    "8:30": time(8, 30),
    "08:30": time(8, 30),
    "8:30 a. m.": time(8, 30),
    "8:30 am": time(8, 30),
    "13:00": time(13, 0),
    "1 pm": time(13, 0),
}
CASES = [
    (lang, text, list(TIMES)[(i + shift) % len(TIMES)])
    for lang, shift in (("es", 0), ("en", 3))
    for i, text in enumerate(DATES)
]


def switch(qapp: QApplication, qtbot: QtBot, lang: str) -> None:
    LanguageSwitcher.of(qapp).apply(lang)
    QApplication.processEvents()


def form_state(root: QWidget, skip: QWidget) -> dict[str, object]:
    """What every other field of the window holds (to see that typing touched nothing else)."""
    state: dict[str, object] = {}
    for number, widget in enumerate(root.findChildren(QWidget)):
        if widget is skip or skip.isAncestorOf(widget):
            continue
        key = f"{number}:{type(widget).__name__}:{widget.objectName()}"
        if isinstance(widget, QLineEdit):
            state[key] = widget.text()
        elif isinstance(widget, QComboBox):
            state[key] = widget.currentIndex()
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state[key] = widget.isChecked()
        elif isinstance(widget, QPlainTextEdit):
            state[key] = widget.toPlainText()
    return state


def schedule_through_the_dialog(
    qtbot: QtBot,
    editor: CaseEditor,
    monkeypatch: pytest.MonkeyPatch,
    fill: Callable[[HearingDialog], object],
) -> list[HearingDialog]:
    """Press "New hearing…"; in the dialog, choose the court, ``fill`` types, Return saves."""
    seen: list[HearingDialog] = []

    def exec_(dialog: HearingDialog) -> int:
        seen.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        if not dialog.court.code():
            type_into(dialog.court, "SDG")  # the combo finds it as it is typed
            assert dialog.court.code() == "SDG"
        fill(dialog)
        press(dialog, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=10_000)
        wait_idle(qtbot, editor.runner)
        return int(dialog.result())

    monkeypatch.setattr(HearingDialog, "exec", exec_)
    button = editor.hearings.buttons["schedule"]
    button.click()
    wait_idle(qtbot, editor.runner)
    return seen


def local_start(ctx: AppContext, case_id: str) -> tuple[date, time]:
    [hearing] = get_case(ctx, case_id).hearings
    assert hearing.starts_at is not None
    local = hearing.starts_at.astimezone(ZoneInfo(hearing.zone))
    return local.date(), local.time()


@pytest.mark.parametrize("lang,date_text,time_text", CASES)
def test_a_hearing_typed_every_way_is_stored_as_typed(
    qtbot: QtBot,
    qapp: QApplication,
    ctx: AppContext,
    runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    date_text: str,
    time_text: str,
) -> None:
    switch(qapp, qtbot, lang)
    case = family(ctx)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    monkeypatch.setattr(  # after 14 Jan 2027 the date is in the past: it is asked about
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Save)
    )

    def fill(dialog: HearingDialog) -> None:
        type_into(dialog.day, date_text)
        assert QApplication.focusWidget() is dialog.day.edit  # typing never left the field
        type_into(dialog.at, time_text)
        assert dialog.day.text() == date_text and dialog.at.text() == time_text
        words = {"es": "jueves, 14 de enero de 2027", "en": "Thursday, January 14, 2027"}
        assert dialog.day.readback.text() == words[lang]

    [dialog] = schedule_through_the_dialog(qtbot, editor, monkeypatch, fill)
    assert dialog.result() == HearingDialog.DialogCode.Accepted, dialog.errors.general.text()
    assert local_start(ctx, case.case.id) == (JAN_14, TIMES[time_text])


def test_the_report_time_is_typed_too(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    editor = new_editor(qtbot, ctx, runner, case.case.id)

    def fill(dialog: HearingDialog) -> None:
        type_into(dialog.day, "14 ene 2027")
        type_into(dialog.at, "8:30 a. m.")
        assert dialog.at.readback.text() == "8:30 a. m. (hora estándar del Pacífico)"
        focus(dialog.own_report)
        press(dialog, Qt.Key.Key_Space)  # tick "at another time"
        type_into(dialog.report_at, "4:15")

    schedule_through_the_dialog(qtbot, editor, monkeypatch, fill)
    [hearing] = get_case(ctx, case.case.id).hearings
    assert hearing.report_at is not None
    assert hearing.report_at.astimezone(ZoneInfo("America/Los_Angeles")).time() == time(4, 15)


def test_14_ene_2027_is_not_14_december_at_20_27(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trial: in "Nueva audiencia", 14 ene 2027 became 14 Dec 2026 at 20:27."""
    case = family(ctx)
    editor = new_editor(qtbot, ctx, runner, case.case.id)

    def fill(dialog: HearingDialog) -> None:
        type_into(dialog.day, "14 ene 2027")
        press(dialog, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.at.edit
        type_keys(dialog.windowHandle(), "8:00")

    schedule_through_the_dialog(qtbot, editor, monkeypatch, fill)
    assert local_start(ctx, case.case.id) == (JAN_14, time(8, 0))


def test_a_birth_date_typed_in_words_stays_in_its_field(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    """The trial: "15 mar 1990" showed 15 dic 2026 and the last keys changed Sexo to Mujer."""
    editor = new_editor(qtbot, ctx, runner)
    person = editor.household.people[0]
    type_into(person.given, "Rosa")
    type_into(person.family, "Peña Ibáñez")
    before = form_state(editor, person.birth)
    type_into(person.birth, "15 mar 1990")
    assert QApplication.focusWidget() is person.birth.edit
    assert form_state(editor, person.birth) == before  # no key reached another field
    assert person.sex.code() == "unknown"
    assert person.birth.readback.text() == "jueves, 15 de marzo de 1990"
    second = editor.household.add_person()
    type_into(second.given, "Luis")
    type_into(second.family, "Peña")
    type_into(second.birth, "01/05/1988")  # the trial saved 1 Dec 2026 with no message
    assert second.birth.readback.text() == "domingo, 1 de mayo de 1988"
    press(editor, Qt.Key.Key_S, CTRL)
    wait_idle(qtbot, runner)
    assert editor.detail is not None, editor.error.text()
    people = get_case(ctx, editor.detail.case.id).people
    assert [(p.given_names, p.birth_date, p.sex) for p in people] == [
        ("Rosa", date(1990, 3, 15), "unknown"),
        ("Luis", date(1988, 5, 1), "unknown"),
    ]


def test_a_date_that_does_not_exist_is_kept_as_typed_and_nothing_is_saved(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    editor = new_editor(qtbot, ctx, runner)
    person = editor.household.people[0]
    type_into(person.given, "Rosa")
    type_into(person.family, "Peña")
    type_into(person.birth, "31/02/1990")
    assert editor.is_dirty()
    press(editor, Qt.Key.Key_S, CTRL)
    wait_idle(qtbot, runner)
    assert count_cases(ctx) == 0
    assert person.birth.text() == "31/02/1990"
    assert person.birth.readback.text() == "En febrero de 1990 hay 28 días, no 31: revise el día."
    assert person.birth.readback.isVisible() and "b00020" in person.birth.readback.styleSheet()
    assert QApplication.focusWidget() is person.birth.edit
    assert editor.error.text().startswith("Todavía no se guardó")
    type_into(person.birth, "14/1", clear=True)
    press(editor, Qt.Key.Key_S, CTRL)
    wait_idle(qtbot, runner)
    assert count_cases(ctx) == 0 and "no tiene año" in person.birth.readback.text()
    type_into(person.birth, "28/02/1990", clear=True)
    press(editor, Qt.Key.Key_S, CTRL)
    wait_idle(qtbot, runner)
    assert editor.detail is not None
    assert get_case(ctx, editor.detail.case.id).people[0].birth_date == date(1990, 2, 28)


def test_a_hearing_on_31_february_is_refused_at_the_field(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    editor = new_editor(qtbot, ctx, runner, case.case.id)

    def fill(dialog: HearingDialog) -> None:
        type_into(dialog.day, "31/02/2027")
        type_into(dialog.at, "8:30")

    [dialog] = schedule_through_the_dialog(qtbot, editor, monkeypatch, fill)
    assert dialog.result() != HearingDialog.DialogCode.Accepted
    assert dialog.day.text() == "31/02/2027"
    assert dialog.day.readback.text() == "En febrero de 2027 hay 28 días, no 31: revise el día."
    assert get_case(ctx, case.case.id).hearings == []


def test_the_read_back_follows_a_language_switch(
    qtbot: QtBot, qapp: QApplication, ctx: AppContext, runner: TaskRunner
) -> None:
    case = family(ctx)  # born 1 May 1990
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    principal, child = editor.household.people[0], editor.household.people[1]
    assert principal.birth.text() == "1 may 1990"
    assert principal.birth.readback.text() == "martes, 1 de mayo de 1990"
    type_into(editor.household.returned_on, "31/02/2020")
    assert editor.is_dirty()  # typed, not a date yet: closing the window would ask
    type_into(child.birth, "15/03/2018", clear=True)
    switch(qapp, qtbot, "en")
    qtbot.waitUntil(lambda: principal.birth.readback.text() == "Tuesday, May 1, 1990")
    assert principal.birth.text() == "May 1, 1990"  # shown by the program: in the new language
    assert child.birth.text() == "15/03/2018"  # typed by the person: as typed
    assert child.birth.readback.text() == "Thursday, March 15, 2018"
    assert editor.household.returned_on.readback.text() == (
        "February 2020 has 29 days, not 31: check the day."
    )


def test_the_calendar_pop_up_still_chooses_a_date(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    tomorrow = date.today() + timedelta(days=1)

    def fill(dialog: HearingDialog) -> None:
        focus(dialog.day)
        press(dialog, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
        popup = QApplication.activePopupWidget()
        assert popup is not None and popup.objectName() == "calendarPopup"
        press(dialog, Qt.Key.Key_Right)  # today is chosen at first: one day on
        press(dialog, Qt.Key.Key_Return)
        assert QApplication.activePopupWidget() is None
        assert dialog.day.value() == tomorrow
        assert QApplication.focusWidget() is dialog.day.edit
        type_into(dialog.at, "9:00")

    schedule_through_the_dialog(qtbot, editor, monkeypatch, fill)
    assert local_start(ctx, case.case.id) == (tomorrow, time(9, 0))
