"""Locking the window: Ctrl+L and the idle timer hide every case; the passphrase opens it again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.home import open_home
from tests.core.helpers import family
from tests.ui.conftest import main_window, wait_idle
from tests.ui.walk import foreign_texts, screen_texts, visible_texts
from ui.settings.settings_dialog import SettingsDialog

PASSPHRASE = "una frase larga de prueba"


def test_ctrl_l_hides_every_case_and_demo_mode_unlocks_without_passphrase(
    qtbot: QtBot, ctx: AppContext
) -> None:
    case = family(ctx, given="Rosa", family_names="Peña Ibáñez")
    window = main_window(qtbot, ctx)
    window.cases.model.refresh()
    editor = window.open_case(case.case.id)
    wait_idle(qtbot, window.runner)
    editor.notes.setPlainText("Llamar a la hermana en Tapachula")
    assert any("Peña" in t for t in screen_texts())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keySequence(window, QKeySequence("Ctrl+L"))
    assert window.locked and window.stack.currentWidget() is window.lock_page
    shown = screen_texts()
    assert not [t for t in shown if "Peña" in t or "Rosa" in t or "Tapachula" in t], shown
    assert not editor.isVisible() and not window.menus.new_action.isEnabled()
    assert "modo de demostración" in window.lock_page.intro.text()
    assert not window.lock_page.passphrase.isVisible()
    qtbot.mouseClick(window.lock_page.button, Qt.MouseButton.LeftButton)
    assert not window.locked and editor.isVisible() and window.menus.new_action.isEnabled()
    assert editor.notes.toPlainText() == "Llamar a la hermana en Tapachula"
    assert window.stack.currentWidget() is window.views


def test_idle_lock_needs_the_passphrase_and_keeps_typed_work(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = open_home(tmp_path / "enc", passphrase=PASSPHRASE)
    try:
        ctx.settings.staff_name = "Ana Tester"
        ctx.settings.lock_after_minutes = 3
        case = family(ctx, given="Rosa", family_names="Peña Ibáñez")
        window = main_window(qtbot, ctx)
        assert window.idle.timer.isActive() and window.idle.timer.interval() == 180_000
        window.idle.set_minutes(0)
        assert not window.idle.timer.isActive()
        window.idle.set_minutes(3)
        window.idle.timer.stop()
        QApplication.sendEvent(  # any key press starts the idle time again
            window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
        )
        assert window.idle.timer.isActive()
        editor = window.open_case(case.case.id)
        wait_idle(qtbot, window.runner)
        editor.notes.setPlainText("Pendiente: cita médica")
        window.idle.timer.timeout.emit()  # the minutes ran out
        assert window.locked and not editor.isVisible()
        assert not [t for t in screen_texts() if "Peña" in t or "cita médica" in t]
        page = window.lock_page
        assert page.passphrase.isVisible()
        qtbot.waitUntil(page.passphrase.hasFocus)
        page.passphrase.setText("no es esta frase")
        qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, window.runner)
        assert window.locked and page.error.isVisible()
        assert page.error.text().startswith("Esa frase de acceso no es correcta")
        page.passphrase.setText(PASSPHRASE)
        qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not window.locked)
        assert editor.isVisible() and editor.notes.toPlainText() == "Pendiente: cita médica"
        assert window.idle.timer.isActive()
        editor.close()
        window.close()
    finally:
        QApplication.processEvents()
        wait_idle(qtbot, window.runner)
        ctx.close()


def test_settings_for_lock_and_backups_are_checked_and_applied(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = main_window(qtbot, ctx)

    def exec_(dialog: SettingsDialog) -> int:
        dialog.lock_after.setValue(5000)
        dialog.save()
        assert "1440" in dialog.errors.labels["lock_after_minutes"].text().replace(",", "")
        dialog.lock_after.setValue(5)
        dialog.backup_keep.setValue(0)
        dialog.save()
        assert dialog.errors.labels["backup_keep"].text()
        assert not dialog.errors.labels["lock_after_minutes"].isVisible()
        dialog.backup_keep.setValue(20)
        dialog.backup_every.setValue(500)
        dialog.save()
        assert dialog.errors.labels["backup_every_hours"].text()
        dialog.backup_every.setValue(2)
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(SettingsDialog, "exec", exec_)
    window.menus.settings_action.trigger()
    settings = ctx.settings
    assert (settings.lock_after_minutes, settings.backup_keep, settings.backup_every_hours) == (
        5,
        20,
        2,
    )
    assert window.idle.timer.interval() == 5 * 60_000


def test_lock_page_speaks_the_chosen_language(qtbot: QtBot, ctx: AppContext) -> None:
    window = main_window(qtbot, ctx)
    window.lock()
    window.set_language("en")
    qtbot.waitUntil(lambda: window.lock_page.title.text() == "LegalAid is locked")
    english = visible_texts(window)
    assert foreign_texts(english, "en") == []
    window.set_language("es")
    qtbot.waitUntil(lambda: window.lock_page.title.text() == "LegalAid está bloqueado")
    assert foreign_texts(visible_texts(window), "es") == []


def test_an_open_modal_dialog_is_covered_and_keeps_what_was_typed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    ctx = open_home(tmp_path / "enc", passphrase=PASSPHRASE)
    try:
        ctx.settings.staff_name = "Ana Tester"
        window = main_window(qtbot, ctx)
        dialog = QDialog(window)  # like a hearing being typed when the minutes run out
        field = QLineEdit("Audiencia de Rosa Peña Ibáñez")
        QVBoxLayout(dialog).addWidget(field)
        dialog.setModal(True)
        dialog.show()
        qtbot.waitUntil(dialog.isVisible)
        window.idle.timer.timeout.emit()
        assert window.locked and dialog.isVisible()
        assert not [t for t in screen_texts() if "Peña" in t], screen_texts()
        cover = dialog.findChild(QWidget, "lockCover")
        assert cover is not None and cover.isVisible()
        QApplication.sendEvent(  # Esc and closing would throw the typed hearing away
            dialog,
            QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        )
        dialog.close()
        assert dialog.isVisible() and window.locked
        cover.passphrase.setText("no es esta frase")  # type: ignore[attr-defined]
        qtbot.mouseClick(cover.button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: bool(cover.error.text()), timeout=15_000)  # type: ignore[attr-defined]
        assert window.locked
        cover.passphrase.setText(PASSPHRASE)  # type: ignore[attr-defined]
        qtbot.mouseClick(cover.button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: not window.locked, timeout=15_000)
        assert dialog.isVisible() and field.isVisible()
        assert field.text() == "Audiencia de Rosa Peña Ibáñez"
        qtbot.waitUntil(lambda: dialog.findChild(QWidget, "lockCover") is None)
        dialog.reject()
    finally:
        ctx.close()


def test_a_long_job_counts_as_activity_and_its_end_restarts_the_idle_minutes(qtbot: QtBot) -> None:
    from ui.security.lock import IdleWatcher

    watcher = IdleWatcher(5)
    assert watcher.watching and watcher.timer.isActive()
    watcher.busy()
    watcher.busy()  # two jobs at once
    assert not watcher.timer.isActive()  # a batch running is not the person being away
    QApplication.sendEvent(
        QWidget(), QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    )
    assert not watcher.timer.isActive()  # the filter is off while the job runs
    watcher.done()
    assert not watcher.timer.isActive()
    watcher.done()
    assert watcher.timer.isActive() and watcher.timer.remainingTime() > 4 * 60_000
    watcher.timer.stop()
    QApplication.sendEvent(
        QWidget(), QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)
    )
    assert watcher.timer.isActive()  # and it sees input again
    watcher.stop()


def test_locked_with_a_hearing_dialog_open_the_passphrase_is_typed_where_it_shows(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The trial: locked while "Nueva audiencia" was open, the lock page in sight ignored the
    keyboard and the status bar said "Desbloqueado." The keys here go where a keyboard's go:
    to the window that has the keyboard focus."""
    from PySide6.QtGui import QGuiApplication

    from tests.ui.keys import focus, type_keys
    from ui.editor.hearing_dialog import HearingDialog

    ctx = open_home(tmp_path / "enc", passphrase=PASSPHRASE)
    try:
        ctx.settings.staff_name = "Ana Tester"
        case = family(ctx, given="Rosa", family_names="Peña Ibáñez")
        window = main_window(qtbot, ctx)
        editor = window.open_case(case.case.id)
        wait_idle(qtbot, window.runner)
        dialog = HearingDialog(window.runner, window.reference, lambda d: None, parent=editor)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)  # as exec() shows it
        dialog.show()
        qtbot.waitExposed(dialog)
        focus(dialog.notes)
        type_keys(dialog.windowHandle(), "Rosa trae su NTA")
        window.idle.timer.timeout.emit()  # the minutes ran out
        assert window.locked
        assert "Desbloqueado" not in window.statusBar().currentMessage()
        front = QGuiApplication.focusWindow()
        assert front is dialog.windowHandle(), front  # the lock page in front takes the keys
        assert not window.lock_page.passphrase.isVisibleTo(window)  # no field that ignores keys
        type_keys(front, "no es esta frase\n")
        cover = dialog.findChild(QWidget, "lockCover")
        qtbot.waitUntil(lambda: bool(cover.error.text()), timeout=15_000)  # type: ignore[union-attr]
        assert window.locked and "Desbloqueado" not in window.statusBar().currentMessage()
        assert QGuiApplication.focusWindow() is dialog.windowHandle()  # still in front
        type_keys(QGuiApplication.focusWindow(), PASSPHRASE + "\n")
        qtbot.waitUntil(lambda: not window.locked, timeout=15_000)
        assert window.statusBar().currentMessage() == "Desbloqueado."
        assert dialog.notes.toPlainText() == "Rosa trae su NTA"
        type_keys(dialog.windowHandle(), ".")  # the typing goes on where it was
        assert dialog.notes.toPlainText() == "Rosa trae su NTA."
        window.lock()  # locked again at once (Ctrl+L): the old message does not stay
        assert window.statusBar().currentMessage() == ""
        window.unlock()
        dialog.reject()
    finally:
        QApplication.processEvents()
        ctx.close()
