"""The first run in either language, the recovery key kept safe, and no old-language text left
on screen after a switch (lock page, status bar, passphrase dialogs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.home import open_home
from legalaid.i18n import current_language
from tests.core.helpers import family, hearing_in
from tests.documents.helpers import text_of
from tests.ui.conftest import main_window, wait_idle
from tests.ui.keys import focus, press, type_into, type_keys
from tests.ui.walk import foreign_texts, shown_texts
from ui.common.language import LanguageSwitcher
from ui.common.tasks import TaskRunner
from ui.printing import papers
from ui.printing.preview import PreviewDialog, show_document
from ui.security.session import open_session
from ui.security.unlock import RecoveryKeyDialog, UnlockDialog

PASSPHRASE = "una frase larga de prueba"
KEY = "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ"


def pick_language(qtbot: QtBot, dialog: QWidget, name: str) -> None:
    """Choose the language in the dialog's own box, with the keyboard."""
    box = dialog.findChild(QComboBox, "languageBox")
    assert box is not None
    focus(box)
    press(dialog, Qt.Key.Key_End if name == "English" else Qt.Key.Key_Home)
    QApplication.processEvents()
    assert box.currentText() == name


def answers(monkeypatch: pytest.MonkeyPatch, *replies: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []
    queue = list(replies)

    def question(
        parent: object, title: str, text: str, *args: object, **kwargs: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return queue.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_a_new_home_is_set_up_in_english_and_stays_english(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    seen: dict[str, list[str]] = {}

    def unlock_exec(dialog: UnlockDialog) -> int:
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.windowTitle() == "Abrir LegalAid"
        pick_language(qtbot, dialog, "English")
        assert current_language() == "en" and dialog.windowTitle() == "Open LegalAid"
        type_into(dialog.passphrase, "short")
        type_into(dialog.repeat, "short\n")
        seen["refused"] = shown_texts(dialog)
        assert foreign_texts(seen["refused"], "en") == [], seen["refused"]
        pick_language(qtbot, dialog, "Español")  # the message follows the language
        assert foreign_texts(shown_texts(dialog), "es") == [], shown_texts(dialog)
        pick_language(qtbot, dialog, "English")
        type_into(dialog.passphrase, PASSPHRASE, clear=True)
        type_into(dialog.repeat, PASSPHRASE + "\n", clear=True)
        qtbot.waitUntil(lambda: dialog.ctx is not None, timeout=30_000)
        return int(dialog.result())

    asked = answers(monkeypatch, QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)

    def key_exec(dialog: RecoveryKeyDialog) -> int:
        dialog.show()
        qtbot.waitExposed(dialog)
        texts = shown_texts(dialog)
        seen["key"] = texts
        assert foreign_texts(texts, "en") == [], texts
        assert "File › Security › New recovery sheet…" in dialog.text.text()
        assert "legalaid recovery-sheet" not in dialog.text.text()
        assert dialog.print_button.isVisible() and dialog.copy_button.isVisible()
        focus(dialog.copy_button)
        press(dialog, Qt.Key.Key_Space)
        assert QGuiApplication.clipboard().text() == dialog.key.text()
        press(dialog, Qt.Key.Key_Escape)  # closing asks first; "No" keeps it open
        assert dialog.isVisible() and len(asked) == 1
        dialog.close()  # "Yes": it closes
        assert not dialog.isVisible()
        return 1

    monkeypatch.setattr(UnlockDialog, "exec", unlock_exec)
    monkeypatch.setattr(RecoveryKeyDialog, "exec", key_exec)
    ctx = open_session(home)
    try:
        assert ctx is not None and len(asked) == 2
        assert "It will not be shown again" in asked[0]
        assert ctx.settings.language == "en"
        stored = json.loads((home / "settings.json").read_text(encoding="utf-8"))
        assert stored["language"] == "en"  # the next start opens in English
    finally:
        if ctx is not None:
            ctx.close()
        QGuiApplication.clipboard().clear()


def test_the_recovery_sheet_is_printed_from_the_key_dialog(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = RecoveryKeyDialog(KEY, ctx=ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    focus(dialog.print_button)
    press(dialog, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.findChild(PreviewDialog) is not None, timeout=30_000)
    preview = dialog.findChild(PreviewDialog)
    assert preview.isVisible()  # type: ignore[union-attr]
    text = text_of(papers.pdf_bytes(preview.document))  # type: ignore[union-attr]
    assert KEY in text
    answers(monkeypatch, QMessageBox.StandardButton.Yes)
    dialog.accept()
    wait_idle(qtbot, dialog.runner)


def test_print_to_file_proposes_a_file_that_can_be_written(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 5)
    letter = papers.reminder_for_case(ctx, case.case.id)
    assert "/" in letter.title  # "Recordatorio de audiencia / Hearing reminder — ..."
    preview = show_document(ctx, runner, letter, None)
    qtbot.waitExposed(preview)
    printer = preview.new_job()
    assert "/" not in printer.docName()
    target = Path(printer.outputFileName())
    assert target.suffix == ".pdf" and "/" not in target.name and target.parent.is_dir()
    from PySide6.QtCore import QStandardPaths

    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert target.parent in (Path(documents), Path.home())
    dialog = QPrintDialog(printer, preview)
    dialog.show()
    QApplication.processEvents()
    names = [e.text() for e in dialog.findChildren(QLineEdit) if e.objectName() == "filename"]
    assert names == [str(target)]
    dialog.close()


def test_lock_page_message_and_status_bar_follow_the_language(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = open_home(tmp_path / "enc", passphrase=PASSPHRASE)
    try:
        ctx.settings.staff_name = "Ana Tester"
        window = main_window(qtbot, ctx)
        window.show_message("Guardado.")
        window.lock()
        page = window.lock_page
        type_keys(QGuiApplication.focusWindow(), "no es esta\n")
        qtbot.waitUntil(lambda: page.error.text().startswith("Esa frase"), timeout=15_000)
        window.show_message("Se guardó una copia de seguridad.")
        LanguageSwitcher.of(QApplication.instance()).apply("en")  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: page.error.text().startswith("That passphrase is not right"))
        assert window.statusBar().currentMessage() == ""
        assert foreign_texts(shown_texts(window), "en") == [], shown_texts(window)
        type_keys(QGuiApplication.focusWindow(), PASSPHRASE + "\n")
        qtbot.waitUntil(lambda: not window.locked, timeout=15_000)
        assert window.statusBar().currentMessage() == "Unlocked."
    finally:
        QApplication.processEvents()
        ctx.close()


def test_the_first_passphrase_is_typed_without_clicking(qtbot: QtBot, tmp_path: Path) -> None:
    """The dialog opens with the cursor in the passphrase: a person types, presses Tab, types
    again and presses Enter (the language box above must not take the letters)."""
    dialog = UnlockDialog(tmp_path / "home", new=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    window = dialog.windowHandle()
    assert window is not None
    type_keys(window, PASSPHRASE + "\t" + PASSPHRASE + "\n")
    qtbot.waitUntil(lambda: dialog.ctx is not None, timeout=30_000)
    assert current_language() == "es"
    assert dialog.ctx is not None
    dialog.ctx.close()
