from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.home import open_home
from legalaid.services.search import count_cases
from tests.ui.conftest import main_window, wait_idle
from ui import app as app_module
from ui.editor.case_editor import CaseEditor
from ui.security import session
from ui.security.unlock import RecoveryKeyDialog, UnlockDialog
from ui.settings.settings_dialog import SettingsDialog
from ui.window.main_window import MainWindow


def test_an_empty_database_welcomes_with_new_case_and_demo(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = main_window(qtbot, ctx)
    assert window.stack.currentWidget() is window.welcome
    assert str(ctx.home.database) in window.location.text()
    qtbot.mouseClick(window.welcome.new_button, Qt.MouseButton.LeftButton)
    editors = window.findChildren(CaseEditor)
    assert len(editors) == 1 and editors[0].heading.text() == "Nuevo expediente"
    editors[0].close()
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.runner, timeout=60_000)
    wait_idle(qtbot, window.runner)
    assert count_cases(ctx) == 200
    assert window.stack.currentWidget() is window.views
    assert window.counts.text() == "200 expedientes"
    assert window.open_counts.text() == f"{count_cases(ctx, status='open')} abiertos"
    assert window.cases.model.rowCount() > 0


def test_keyboard_shortcuts_new_case_and_find(qtbot: QtBot, ctx: AppContext) -> None:
    window = main_window(qtbot, ctx)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.Find))
    assert window.stack.currentWidget() is window.views
    qtbot.waitUntil(lambda: window.cases.search.hasFocus())
    qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.New))
    qtbot.waitUntil(lambda: len(window.findChildren(CaseEditor)) == 1)
    qtbot.keySequence(window, QKeySequence("Ctrl+2"))
    assert window.views.currentWidget() is window.upcoming_page
    assert window.upcoming.isVisible()  # the view is made when first shown


def test_settings_say_what_to_fix_and_are_kept(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = main_window(qtbot, ctx)
    seen: list[SettingsDialog] = []

    def exec_(dialog: SettingsDialog) -> int:
        seen.append(dialog)
        dialog.prefix.setText("t1")
        dialog.save()
        assert dialog.errors.labels["office_prefix"].text().startswith("El prefijo")
        assert dialog.staff.text() == "Ana Tester"  # nothing typed is lost
        dialog.prefix.setText("mxl")
        dialog.org_name.setText("Casa del Migrante de ejemplo")
        dialog.language.set_code("en")
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(SettingsDialog, "exec", exec_)
    window.menus.settings_action.trigger()
    saved = json.loads(Path(ctx.home.settings).read_text(encoding="utf-8"))
    assert saved["office_prefix"] == "MXL" and saved["language"] == "en"
    assert saved["organisation"]["name"] == "Casa del Migrante de ejemplo"
    qtbot.waitUntil(lambda: window.windowTitle() == "LegalAid — cases and hearings")


def test_run_client_opens_the_window_and_returns(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def fake_exec(*_args: object) -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        shown.extend(w.windowTitle() for w in windows if w.isVisible())
        for window in windows:
            window.close()
        return 0

    from ui.settings.first_run import OrganisationDialog

    asked: list[str] = []  # a fresh home asks who prints the letters, before the window

    def organisation_exec(dialog: OrganisationDialog) -> int:
        asked.append(dialog.windowTitle())
        return 0

    monkeypatch.setattr(OrganisationDialog, "exec", organisation_exec)
    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert app_module.run_client(str(tmp_path / "home"), "en", unencrypted=True) == 0
    assert asked == ["Who prints the letters"]
    assert shown == ["LegalAid — cases and hearings"]
    assert app_module.run_client(str(tmp_path / "home"), "en", unencrypted=True) == 0
    assert len(asked) == 1  # asked once: the home is not fresh any more


def test_a_plaintext_home_opens_only_in_explicit_demo_mode(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_home(tmp_path, unencrypted=True).close()
    clicks = {"demo": False}

    def exec_(box: QMessageBox) -> int:
        wanted = "Abrir en modo de demostración" if clicks["demo"] else "Cancelar"
        next(b for b in box.buttons() if b.text().replace("&", "") == wanted).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    assert session.open_session(tmp_path) is None
    clicks["demo"] = True
    ctx = session.open_session(tmp_path)
    assert ctx is not None and not ctx.encrypted
    ctx.close()


def test_a_new_home_asks_for_a_passphrase_and_shows_the_recovery_key(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEGALAID_PASSPHRASE_FILE", raising=False)
    keys: list[str] = []

    def unlock(dialog: UnlockDialog) -> int:
        dialog.passphrase.setText("corta")
        dialog.unlock()
        assert "10" in dialog.errors.labels["passphrase"].text()
        dialog.passphrase.setText("una frase bastante larga")
        dialog.repeat.setText("una frase bastante larga")
        dialog.unlock()
        qtbot.waitUntil(lambda: dialog.ctx is not None, timeout=20_000)
        return int(dialog.result())

    monkeypatch.setattr(UnlockDialog, "exec", unlock)

    def show_key(dialog: RecoveryKeyDialog) -> int:
        keys.append(dialog.key.text())
        return 1

    monkeypatch.setattr(RecoveryKeyDialog, "exec", show_key)
    ctx = session.open_session(tmp_path / "new")
    assert ctx is not None and ctx.encrypted and keys and len(keys[0]) == 29
    ctx.close()

    def wrong_then_right(dialog: UnlockDialog) -> int:
        assert not dialog.repeat.isVisibleTo(dialog)
        dialog.passphrase.setText("no es esta frase")
        dialog.unlock()
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=20_000)
        message = dialog.errors.labels["passphrase"].text()
        assert message.startswith("Esa frase de acceso no es correcta")
        assert dialog.passphrase.text() == "no es esta frase"  # kept, selected to retype
        dialog.passphrase.setText("una frase bastante larga")
        dialog.unlock()
        qtbot.waitUntil(lambda: dialog.ctx is not None, timeout=20_000)
        return int(dialog.result())

    monkeypatch.setattr(UnlockDialog, "exec", wrong_then_right)
    again = session.open_session(tmp_path / "new")
    assert again is not None and again.encrypted
    again.close()


def test_import_a_spreadsheet_from_the_welcome_screen(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from legalaid.spreadsheets.exporter import export_file
    from tests.core.helpers import family

    source = open_home(tmp_path / "other", unencrypted=True)
    family(source, given="Marisol", a_number="A 222-333-444")
    family(source, given="Efraín", a_number=None)
    sheet = tmp_path / "albergue.csv"
    export_file(source, sheet)
    source.close()
    window = main_window(qtbot, ctx)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(sheet), ""))
    )
    reports: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", staticmethod(lambda _p, _t, text: reports.append(text))
    )
    previews: list[str] = []

    def confirm(_p: object, _t: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        previews.append(text)
        assert count_cases(ctx) == 0  # the preview is a dry run: nothing written yet
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(confirm))
    qtbot.mouseClick(window.welcome.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(reports), timeout=15_000)
    wait_idle(qtbot, window.runner)
    assert previews and "Vista previa" in previews[0] and "expedientes nuevos: 2" in previews[0]
    assert count_cases(ctx) == 2
    assert reports and "expedientes nuevos: 2" in reports[0]
    assert window.stack.currentWidget() is window.views


def test_a_missing_logo_is_refused_next_to_the_field(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = main_window(qtbot, ctx)
    dialog = SettingsDialog(ctx, window.reference, window)
    dialog.logo.setText(str(tmp_path / "no-such-logo.png"))
    dialog.save()
    assert "no-such-logo.png" in dialog.errors.labels["org_logo"].text()
    assert dialog.chosen is None
    logo = tmp_path / "logo.png"
    dialog.grab().save(str(logo))
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(logo), ""))
    )
    qtbot.mouseClick(dialog.logo_button, Qt.MouseButton.LeftButton)
    dialog.save()
    assert dialog.chosen is not None and dialog.chosen.organisation.logo == str(logo)


def test_language_menu_and_box_switch_and_remember(qtbot: QtBot, ctx: AppContext) -> None:
    window = main_window(qtbot, ctx)
    window.menus.language_actions["en"].trigger()
    qtbot.waitUntil(lambda: window.windowTitle() == "LegalAid — cases and hearings")
    assert window.menus.language_box.currentData() == "en"
    saved = json.loads(Path(ctx.home.settings).read_text(encoding="utf-8"))
    assert saved["language"] == "en"
    window.menus.language_box.setCurrentIndex(window.menus.language_box.findData("es"))
    window.menus.language_box.activated.emit(window.menus.language_box.currentIndex())
    qtbot.waitUntil(lambda: window.windowTitle() == "LegalAid — expedientes y audiencias")
    assert window.menus.language_actions["es"].isChecked()


def test_the_desk_letter_is_typed_in_settings_and_numbers_new_cases(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.keys import type_into

    window = main_window(qtbot, ctx)

    def exec_(dialog: SettingsDialog) -> int:
        type_into(dialog.desk, "7")
        dialog.save()
        assert dialog.errors.labels["desk_letter"].isVisibleTo(dialog)
        assert dialog.errors.labels["desk_letter"].text()
        type_into(dialog.desk, "b", clear=True)
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(SettingsDialog, "exec", exec_)
    window.menus.settings_action.trigger()
    saved = json.loads(Path(ctx.home.settings).read_text(encoding="utf-8"))
    assert saved["desk_letter"] == "B"
    from legalaid.services.cases import CaseInput, PersonInput, open_case

    detail = open_case(ctx, CaseInput(crossing="SYS"), [PersonInput("Ana", "Ruiz", "principal")])
    assert detail.case.case_number.split("-")[-1] == "B0001"
