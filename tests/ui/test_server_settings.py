"""Settings > Office server: the address saved in this laptop's settings (never a password),
used at the next start; "Use this laptop" and a server out of reach lead back to the local
database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.settings import load_settings, url_has_password
from tests.ui.conftest import main_window
from tests.ui.keys import press, type_into
from ui import app as app_module
from ui.security.server_session import saved_server
from ui.settings.settings_dialog import SettingsDialog
from ui.window.main_window import MainWindow

URL = "postgresql://ana@server.office/legalaid?sslmode=verify-full"


def test_the_office_server_is_saved_without_a_password(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = main_window(qtbot, ctx)
    shown: list[str] = []

    def exec_(dialog: SettingsDialog) -> int:
        type_into(dialog.server, "postgresql://ana:secreto@server.office/legalaid")
        dialog.save()
        shown.append(dialog.errors.labels["office_server"].text())
        type_into(
            dialog.server, "postgresql://ana@server.office/legalaid?password=secreto", clear=True
        )
        dialog.save()
        shown.append(dialog.errors.labels["office_server"].text())
        type_into(dialog.server, "server.office", clear=True)
        dialog.save()
        shown.append(dialog.errors.labels["office_server"].text())
        type_into(dialog.server, URL, clear=True)
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(SettingsDialog, "exec", exec_)
    window.menus.settings_action.trigger()
    assert "nunca guarda una contraseña" in shown[0] and shown[0] == shown[1]
    assert "empieza con postgresql://" in shown[2]
    text = Path(ctx.home.settings).read_text(encoding="utf-8")
    assert "secreto" not in text and json.loads(text)["office_server"] == URL
    assert saved_server(ctx.home.root) == URL

    def back_to_laptop(dialog: SettingsDialog) -> int:
        assert dialog.server.text() == URL
        dialog.local_button.setFocus()
        press(dialog.local_button, Qt.Key.Key_Space)
        dialog.save()
        return int(dialog.result())

    monkeypatch.setattr(SettingsDialog, "exec", back_to_laptop)
    window.menus.settings_action.trigger()
    assert saved_server(ctx.home.root) == ""


def test_a_hand_edited_address_with_a_password_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"office_server": "postgresql://ana:x@h/db", "staff_name": "Ana"}),
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert settings.office_server == "" and settings.staff_name == "Ana"
    assert url_has_password("postgresql://ana@h/db?sslmode=require&password=x")
    assert not url_has_password(URL)


def test_a_saved_server_out_of_reach_offers_this_laptops_database(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    out_of_reach = f"postgresql://ana@/legalaid?host={tmp_path / 'no-server'}"
    settings = {"office_server": out_of_reach, "organisation": {"name": "Casa del Migrante"}}
    (home / "settings.json").write_text(json.dumps(settings))
    asked: list[str] = []

    def choose_local(box: QMessageBox) -> int:
        asked.append(box.text())
        local = next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
        )
        local.click()
        return 0

    windows: list[MainWindow] = []

    def run(_app: QApplication) -> int:
        windows.extend(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        assert windows and "Esta computadora" in windows[0].location.text()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_local)
    monkeypatch.setattr(QApplication, "exec", run)
    assert app_module.run_client(str(home), "es", unencrypted=True) == 0
    assert asked and "No se pudo conectar" in asked[0]
    assert windows
    assert saved_server(home) == out_of_reach  # kept for the next start
