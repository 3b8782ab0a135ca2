from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.cases import CaseInput, get_case, update_case
from legalaid.services.search import count_cases
from tests.core.helpers import family
from tests.ui.conftest import wait_idle
from tests.ui.keys import press
from ui.common.reference import load_reference
from ui.common.tasks import TaskRunner
from ui.editor import conflict
from ui.editor.case_editor import CaseEditor


def type_text(widget: QWidget, text: str) -> None:
    """Type like a person, accents included (keyClicks would abort on non-ASCII, pitfall 2)."""
    widget.setFocus()
    for char in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier
        )


def new_editor(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, case_id: str | None = None
) -> CaseEditor:
    editor = CaseEditor(ctx, runner, load_reference(ctx), case_id)
    editor.show()  # deletes itself on close; conftest closes what is left
    wait_idle(qtbot, runner)
    return editor


def save_and_wait(qtbot: QtBot, editor: CaseEditor, runner: TaskRunner) -> None:
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)


def test_create_a_case_through_the_editor_with_the_keyboard(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    editor = new_editor(qtbot, ctx, runner)
    person = editor.household.people[0]
    assert editor.household.crossing.code() == "SYS"  # the default crossing setting
    type_text(person.given, "María José")
    type_text(person.family, "Íñiguez Peña")
    type_text(person.a_number, "a12345678")
    type_text(editor.household.phone, "+52 664 555 0101")
    second = editor.household.add_person(focus=True)
    type_text(second.given, "Ñandú")
    type_text(second.family, "Íñiguez Peña")
    assert editor.isWindowModified()
    editor.save_action.trigger()  # Ctrl+S
    wait_idle(qtbot, runner)
    assert editor.detail is not None, editor.error.text()
    detail = get_case(ctx, editor.detail.case.id)
    assert [p.given_names for p in detail.people] == ["María José", "Ñandú"]
    assert detail.people[0].a_number == "012345678"
    assert editor.household.people[0].a_number.text() == "A 012-345-678"  # as stored
    assert detail.case.case_number in editor.heading.text()
    assert not editor.isWindowModified() and not editor.is_dirty()


def test_bad_input_shows_its_message_and_keeps_what_was_typed(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    editor = new_editor(qtbot, ctx, runner)
    person = editor.household.people[0]
    type_text(person.given, "Dulce María")
    type_text(person.a_number, "A 12")
    save_and_wait(qtbot, editor, runner)
    errors = person.errors.labels
    assert errors["family_names"].isVisibleTo(editor)
    assert errors["family_names"].text() == "Escriba los apellidos."
    assert "A 12" in errors["a_number"].text()
    assert person.given.text() == "Dulce María" and person.a_number.text() == "A 12"
    assert editor.error.text().startswith("Todavía no se guardó")
    assert count_cases(ctx) == 0
    type_text(person.family, "Ortíz")
    person.a_number.clear()
    save_and_wait(qtbot, editor, runner)
    assert count_cases(ctx) == 1
    assert editor.detail is not None and not editor.error.isVisibleTo(editor)


def test_each_person_gets_their_own_message(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    editor = new_editor(qtbot, ctx, runner)
    first = editor.household.people[0]
    type_text(first.given, "Ana")
    type_text(first.family, "Pérez")
    second = editor.household.add_person()
    type_text(second.given, "Luis")
    save_and_wait(qtbot, editor, runner)
    assert not first.errors.labels["family_names"].isVisibleTo(editor)
    assert second.errors.labels["family_names"].text() == "Escriba los apellidos."


def test_a_refused_step_saves_nothing_of_the_household(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    other = family(ctx, given="Rosa", family_names="Mejía", a_number="A 111-222-333")
    mine = family(ctx, given="José", family_names="Hernández Núñez", a_number="A 012-345-678")
    before = get_case(ctx, mine.case.id)
    editor = new_editor(qtbot, ctx, runner, mine.case.id)
    editor.household.phone.clear()
    type_text(editor.household.phone, "+52 664 000 1111")  # saved first, if steps were apart
    principal, child = editor.household.people[0], editor.household.people[1]
    principal.given.clear()
    type_text(principal.given, "José Ángel")
    type_text(child.a_number, "A 012-345-678")  # the principal's, in the same household: refused
    save_and_wait(qtbot, editor, runner)
    assert "dos veces" in child.errors.labels["a_number"].text()
    assert "Mejía" not in child.errors.labels["a_number"].text()
    assert other.case.case_number not in child.errors.labels["a_number"].text()
    assert editor.error.text().startswith("Todavía no se guardó")
    after = get_case(ctx, mine.case.id)  # nothing of this save reached the database
    assert after.case.phone == before.case.phone and after.case.version == before.case.version
    assert [p.given_names for p in after.people] == [p.given_names for p in before.people]
    assert editor.household.phone.text() == "+52 664 000 1111"  # what was typed is kept
    assert principal.given.text() == "José Ángel"
    child.a_number.clear()
    save_and_wait(qtbot, editor, runner)
    saved = get_case(ctx, mine.case.id)
    assert saved.case.phone == "+52 664 000 1111" and saved.people[0].given_names == "José Ángel"
    assert not editor.error.isVisibleTo(editor)


def test_closing_with_changes_asks_first(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    type_text(editor.household.shelter, "Casa del Migrante")
    answers = [QMessageBox.StandardButton.Cancel]
    asked: list[str] = []

    def question(
        parent: object, title: str, text: str, *args: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    assert not editor.close()
    assert editor.isVisible() and editor.household.shelter.text() == "Casa del Migrante"
    answers.append(QMessageBox.StandardButton.Save)
    assert not editor.close()  # saves first, closes when the save is done
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor) or not editor.isVisible())
    assert get_case(ctx, case.case.id).case.shelter == "Casa del Migrante"
    assert len(asked) == 2 and "no se han guardado" in asked[0]


def test_someone_elses_save_is_refused_and_their_version_shown(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = family(ctx)
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    update_case(ctx, case.case.id, case.case.version, CaseInput(crossing="SYS", city="Mexicali"))
    editor.household.city.selectAll()
    type_text(editor.household.city, "Tijuana")
    save_and_wait(qtbot, editor, runner)
    assert editor.conflict_bar.isVisibleTo(editor)
    assert editor.household.city.text() == "Tijuana"
    assert get_case(ctx, case.case.id).case.city == "Mexicali"
    shown: list[list[tuple[str, str, str]]] = []

    def choose_mine(dialog: conflict.ConflictDialog) -> int:
        shown.append(conflict.comparison(dialog.mine, dialog.theirs))
        dialog.choice = conflict.KEEP_MINE
        return 1

    monkeypatch.setattr(conflict.ConflictDialog, "exec", choose_mine)
    qtbot.mouseClick(editor.conflict_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert ("Ciudad en México", "Tijuana", "Mexicali") in shown[0]
    assert get_case(ctx, case.case.id).case.city == "Tijuana"
    assert not editor.conflict_bar.isVisibleTo(editor)


def test_tab_moves_through_the_form_as_it_is_laid_out(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    editor = new_editor(qtbot, ctx, runner)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    household = editor.household
    second = household.add_person()
    qtbot.waitUntil(second.given.isVisible)
    first = household.people[0]
    expected = [
        household.whatsapp,
        household.returned_on.edit,  # one Tab into a date, one Tab out of it
        household.return_port,
        household.representative,
    ]
    household.phone.setFocus()
    for widget in expected:
        assert tab_out() is widget
    first.nationality.setFocus()
    for widget in (first.a_number, first.language, first.interpreter):
        assert tab_out() is widget
    first.interpreter.setFocus()  # "still part of the household" shows for saved people only
    assert tab_out() is second.given


def tab_out() -> QWidget | None:
    """Press Tab once, through the window, and say where the cursor went."""
    focused = QApplication.focusWidget()
    assert focused is not None
    press(focused, Qt.Key.Key_Tab)
    return QApplication.focusWidget()


def test_an_anumber_of_another_household_warns_and_links_to_it(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    other = family(ctx, a_number="A 012-345-678", given="Rosa", family_names="López Ruiz")
    editor = new_editor(qtbot, ctx, runner)
    person = editor.household.people[0]
    type_text(person.given, "Rosa María")
    type_text(person.family, "López")
    type_text(person.a_number, "012345678")
    editor.save_action.trigger()
    wait_idle(qtbot, runner)
    assert editor.detail is not None, editor.error.text()  # saved: a warning, not a refusal
    bar = editor.duplicates_bar
    assert bar.isVisibleTo(editor)
    assert "Posible duplicado" in bar.text() and "A 012-345-678" in bar.text()
    assert other.case.case_number in bar.text() and "Rosa López Ruiz" in bar.text()
    with qtbot.waitSignal(editor.open_other) as opened:
        bar.linkActivated.emit(other.case.id)  # the link a click on the case number follows
    assert opened.args == [other.case.id]
    from ui.common.language import LanguageSwitcher

    LanguageSwitcher.of(QApplication.instance()).apply("en")  # type: ignore[arg-type]
    QApplication.processEvents()
    assert "Possible duplicate" in bar.text()
    reopened = new_editor(qtbot, ctx, runner, other.case.id)  # the other side warns too
    assert reopened.duplicates_bar.isVisibleTo(reopened)
    assert editor.detail.case.case_number in reopened.duplicates_bar.text()
