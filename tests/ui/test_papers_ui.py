"""The papers in the client: warnings before printing, the Documents tab that follows what was
saved, printed or copied, and the first-run question about who prints the letters."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.documents import reminder_letter
from legalaid.documents.log import document_rows
from legalaid.settings import load_settings
from tests.core.helpers import family, hearing_in
from tests.ui.conftest import wait_idle
from tests.ui.test_upcoming_ui import panel_for, select_row
from ui.common.tasks import TaskRunner
from ui.editor.documents_tab import DocumentsTab
from ui.printing import preview as preview_module
from ui.printing.preview import PreviewDialog
from ui.settings import first_run


def with_phone(ctx: AppContext) -> AppContext:
    ctx.settings.organisation.name = "Albergue Juventud 2000"
    ctx.settings.organisation.phone = "+52 664 123 4567"
    return ctx


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_a_past_report_time_and_no_phone_warn_and_ask_before_printing(
    qtbot: QtBot,
    ctx: AppContext,
    runner: TaskRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = family(ctx)
    hearing_id = hearing_in(ctx, case.case.id, 0, time(0, 30))  # reported last night
    dialog = PreviewDialog(ctx, runner, reminder_letter(ctx, hearing_id))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.warnings.isVisible()
    shown = dialog.warnings.text()
    assert "ya pasó para " + case.case.case_number in shown and "teléfono" in shown
    asked: list[str] = []
    answer = {"value": QMessageBox.StandardButton.No}

    def question(
        parent: object, title: str, text: str, *args: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return answer["value"]

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    # No: the print dialog never opens (the test's guard would fail on it)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].endswith("¿Imprimirlo de todos modos?")
    assert document_rows(ctx, case.case.id) == []
    answer["value"] = QMessageBox.StandardButton.Yes
    printed = tmp_path / "printed.pdf"
    monkeypatch.setattr(preview_module, "new_printer", lambda _paper: pdf_printer(printed))
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Accepted)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert printed.exists()
    [row] = document_rows(ctx, case.case.id)
    assert row.action == "printed" and len(row.warnings) == 2


def test_no_warning_no_question(
    qtbot: QtBot,
    ctx: AppContext,
    runner: TaskRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = family(with_phone(ctx))
    hearing_id = hearing_in(ctx, case.case.id, 5)
    dialog = PreviewDialog(ctx, runner, reminder_letter(ctx, hearing_id))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.warnings.isVisible()
    target = tmp_path / "carta.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(target), a[-1]))
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # no question asked
    wait_idle(qtbot, runner)
    assert target.exists()


def test_the_documents_tab_follows_saves_and_prints_and_says_which(
    qtbot: QtBot,
    ctx: AppContext,
    runner: TaskRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = family(with_phone(ctx))
    hearing_id = hearing_in(ctx, case.case.id, 5)
    tab = DocumentsTab(ctx, runner)
    qtbot.addWidget(tab)
    tab.show()
    tab.load(case.case.id)
    wait_idle(qtbot, runner)
    assert [tab.list.item(i).text() for i in range(tab.list.count())] == [
        "Todavía no se ha impreso nada."
    ]
    dialog = PreviewDialog(ctx, runner, reminder_letter(ctx, hearing_id))
    qtbot.addWidget(dialog)
    dialog.show()
    target = tmp_path / "carta.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(target), a[-1]))
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"Guardado en {target}" in tab.list.item(0).text(), timeout=10_000)
    assert tab.list.count() == 1 and "Ana Tester" in tab.list.item(0).text()
    monkeypatch.setattr(
        preview_module, "new_printer", lambda _paper: pdf_printer(tmp_path / "p.pdf")
    )
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Accepted)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.list.count() == 2, timeout=10_000)
    texts = [tab.list.item(i).text() for i in range(2)]
    assert "Impreso" in texts[0] and "Guardado en" not in texts[0]
    assert f"Guardado en {target}" in texts[1]


def test_a_copied_message_is_logged_and_marked_out_of_date_later(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    case = family(with_phone(ctx))
    hearing_in(ctx, case.case.id, 3)
    panel = panel_for(qtbot, ctx, runner)
    select_row(panel, 0, 0)
    panel.copy_message("es")
    wait_idle(qtbot, runner)
    copied = QGuiApplication.clipboard().text()
    assert copied.splitlines()[1].startswith("Preséntese en San Ysidro")
    [row] = document_rows(ctx, case.case.id)
    assert (row.kind, row.action, row.outdated) == ("message", "copied", False)


def type_through(window: QObject, text: str) -> None:
    """Key events posted to the window, as a keyboard delivers them (accents included)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QCoreApplication.postEvent(window, event)
    QCoreApplication.processEvents()


def test_first_run_asks_once_who_prints_the_letters(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    monkeypatch.setattr(first_run.OrganisationDialog, "exec", lambda self: asked.append(self))
    assert first_run.ask_once(ctx, fresh=False) is False  # an existing home is not asked
    assert first_run.ask_once(ctx, fresh=True) is True and len(asked) == 1
    ctx.settings.organisation.name = "Casa del Migrante"
    assert first_run.ask_once(ctx, fresh=True) is False  # already named (legalaid settings)


def test_the_first_run_answers_are_typed_and_saved(qtbot: QtBot, ctx: AppContext) -> None:
    ctx.settings.staff_name = ""
    dialog = first_run.OrganisationDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.resize(600, 300)
    dialog.show()
    qtbot.waitExposed(dialog)
    handle = dialog.windowHandle()
    for field, text in (
        (dialog.org_name, "Albergue Juventud 2000"),
        (dialog.org_phone, "+52 664 123 4567"),
        (dialog.org_whatsapp, "+52 664 765 4321"),
        (dialog.staff, "Ana Perez"),
    ):
        field.setFocus()
        qtbot.waitUntil(field.hasFocus)
        type_through(handle, text)
    type_through(handle, "ñ")  # what a Spanish keyboard sends
    qtbot.waitUntil(lambda: dialog.staff.text() == "Ana Perezñ")
    QTest.keyClick(handle, Qt.Key.Key_Backspace)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    stored = load_settings(ctx.home.settings)
    assert stored.organisation.name == "Albergue Juventud 2000"
    assert (stored.organisation.phone, stored.organisation.whatsapp) == (
        "+52 664 123 4567",
        "+52 664 765 4321",
    )
    assert stored.staff_name == "Ana Perez" and ctx.actor == "Ana Perez"
    assert json.loads(ctx.home.settings.read_text())["staff_name"] == "Ana Perez"
    assert date.today()  # the dialog asked nothing about dates
