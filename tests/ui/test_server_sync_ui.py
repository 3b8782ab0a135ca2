"""The Sync screen's "Office server" part, on a real PostgreSQL: a laptop's window syncs with
the server saved in Settings, the password asked in the client's dialog (typed, kept in memory
only); a laptop edit reaches the server and a server edit comes back, the case list refreshes;
three wrong passwords say so and lose nothing; an unreachable server is one clear message; on
the server itself the part says why there is nothing to do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.home import open_home
from legalaid.server.context import open_server
from legalaid.services.case_edit import edit_case
from legalaid.services.cases import get_case
from tests.core.helpers import family
from tests.exchange.test_server_peer import TIJ, tij_server  # noqa: F401  (fixture)
from tests.server.conftest import PASSWORD, Office, server_office
from tests.ui.conftest import cell_text, main_window, wait_idle
from tests.ui.keys import press, type_into
from ui.common.reference import load_reference
from ui.exchange.exchange_dialog import ExchangeDialog
from ui.security.server_session import ServerPasswordDialog
from ui.window.main_window import MainWindow

__all__ = ["server_office"]


@pytest.fixture
def no_libpq_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_home(tmp_path / "laptop", unencrypted=True)
    ctx.settings.staff_name = "Ana (laptop)"
    yield ctx
    ctx.close()


def sync_screen(qtbot: QtBot, window: MainWindow) -> ExchangeDialog:
    window.menus.exchange_action.trigger()
    dialog = window.findChild(ExchangeDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    wait_idle(qtbot, window.runner)
    return dialog


def password_dialog(qtbot: QtBot) -> ServerPasswordDialog:
    found: list[Any] = []

    def shown() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, ServerPasswordDialog) and w.isVisible()
        ]
        return bool(found)

    qtbot.waitUntil(shown, timeout=15_000)
    return found[0]


def sync_with(qtbot: QtBot, window: MainWindow, dialog: ExchangeDialog, *passwords: str) -> None:
    """Click "Sync now" and type each password in the dialog (Return after each)."""
    panel = dialog.server_sync
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    asked = password_dialog(qtbot)
    for typed in passwords:
        type_into(asked.password, typed, clear=True)
        press(asked.password, Qt.Key.Key_Return)
        wait_idle(qtbot, asked.runner)
    qtbot.waitUntil(lambda: not panel.busy, timeout=60_000)
    wait_idle(qtbot, window.runner)


def test_a_laptop_edit_reaches_the_server_and_a_server_edit_comes_back(
    qtbot: QtBot,
    tij_server: tuple[Office, Any],  # noqa: F811
    laptop: AppContext,
    tmp_path: Path,
    no_libpq_password: None,
) -> None:
    server, admin = tij_server
    number = family(admin, a_number=None, given="Marta").case.case_number
    laptop.settings.office_server = server.url(server.lawyer, password=False)
    window = main_window(qtbot, laptop)
    assert window.cases.model.total == 0
    dialog = sync_screen(qtbot, window)
    panel = dialog.server_sync
    assert panel.sync_button.isVisible() and panel.sync_button.isEnabled()
    assert "127.0.0.1" in panel.where.text() or "/" in panel.where.text()

    sync_with(qtbot, window, dialog, PASSWORD)
    said = panel.result.text()
    assert f"Esta laptop ahora es una copia de {TIJ}." in said, said
    assert "cambios recibidos del servidor" in said and "0 cambios de esta laptop" in said
    assert "-A0001" in said  # its own case numbers
    qtbot.waitUntil(lambda: window.cases.model.total == 1)  # the case list refreshed
    assert "Sincronizado con el servidor de la oficina" in cell_text(dialog.table, 0, 1)

    lawyer = open_server(server.url(server.lawyer), tmp_path / "desk", ask=False)
    try:
        lawyer.settings.staff_name = "Luis (desk)"
        edit_case(laptop, number, ["city=Tijuana Centro"])  # offline, on the laptop
        edit_case(lawyer, number, ["phone=+52 664 123 4567"])  # meanwhile, at a desk
        sync_with(qtbot, window, dialog, PASSWORD)
        said = panel.result.text()
        assert "1 cambio recibido del servidor." in said, said
        assert "1 cambio de esta laptop enviado al servidor." in said
        assert get_case(lawyer, number).case.city == "Tijuana Centro"
        assert get_case(laptop, number).case.phone == "+52 664 123 4567"
        assert dialog.table.rowCount() == 2
        assert cell_text(dialog.table, 0, 3) == "recibidos: 1 · enviados: 1 · conflictos: 0"
    finally:
        lawyer.close()
    dialog.close()
    window.close()


def test_a_wrong_password_says_so_and_loses_nothing(
    qtbot: QtBot,
    tij_server: tuple[Office, Any],  # noqa: F811
    laptop: AppContext,
    no_libpq_password: None,
) -> None:
    server, admin = tij_server
    laptop.settings.office_server = server.url(server.volunteer, password=False)
    window = main_window(qtbot, laptop)
    dialog = sync_screen(qtbot, window)
    sync_with(qtbot, window, dialog, PASSWORD)  # the first copy
    number = family(laptop, a_number=None, given="Rosa").case.case_number  # offline work
    family(admin, a_number=None, given="Luis")
    sync_with(qtbot, window, dialog, "mala", "mala otra vez", "y otra")
    said = dialog.server_sync.result.text()
    assert "no aceptó ninguna contraseña" in said, said
    assert get_case(laptop, number).case.case_number == number  # still on the laptop
    with server.superuser() as conn:
        assert conn.execute('SELECT count(*) FROM "case"').fetchone() == (1,)
    sync_with(qtbot, window, dialog, PASSWORD)  # the right one: everything goes across
    assert "1 cambio de esta laptop" not in dialog.server_sync.result.text()
    with server.superuser() as conn:
        assert conn.execute('SELECT count(*) FROM "case"').fetchone() == (2,)
    qtbot.waitUntil(lambda: window.cases.model.total == 2)
    dialog.close()
    window.close()


def test_an_unreachable_server_and_the_server_itself(
    qtbot: QtBot,
    tij_server: tuple[Office, Any],  # noqa: F811
    laptop: AppContext,
    tmp_path: Path,
) -> None:
    server, _admin = tij_server
    laptop.settings.office_server = "postgresql://ana@127.0.0.1:9/legalaid"
    window = main_window(qtbot, laptop)
    dialog = sync_screen(qtbot, window)
    qtbot.mouseClick(dialog.server_sync.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.server_sync.busy, timeout=30_000)
    said = dialog.server_sync.result.text()
    assert "No se puede alcanzar el servidor de la oficina 127.0.0.1/legalaid" in said, said
    window.runner.announce  # noqa: B018  (the window stays usable)
    dialog.close()
    window.close()

    desk = open_server(server.url(server.lawyer), tmp_path / "desk", ask=False)
    try:
        on_server = ExchangeDialog(desk, window.runner, load_reference(desk))
        qtbot.addWidget(on_server)
        on_server.show()
        wait_idle(qtbot, window.runner)
        assert on_server.server_sync.sync_button.isHidden()
        assert "en el servidor de la oficina" in on_server.server_sync.where.text()
        on_server.close()
    finally:
        desk.close()


def test_a_login_without_rights_is_one_clear_message(
    qtbot: QtBot,
    tij_server: tuple[Office, Any],  # noqa: F811
    laptop: AppContext,
) -> None:
    import uuid

    server, _admin = tij_server
    stranger = f"stranger_{uuid.uuid4().hex[:6]}"
    with server.superuser() as conn:  # a login of the PostgreSQL server, not a LegalAid user
        conn.execute(f"CREATE ROLE {stranger} LOGIN PASSWORD '{PASSWORD}'")
    try:
        laptop.settings.office_server = server.url(stranger)
        window = main_window(qtbot, laptop)
        dialog = sync_screen(qtbot, window)
        qtbot.mouseClick(dialog.server_sync.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.server_sync.busy, timeout=30_000)
        said = dialog.server_sync.result.text()
        assert "Su usuario no puede usar el servidor de la oficina" in said, said
        dialog.close()
        window.close()
    finally:
        with server.superuser() as conn:
            conn.execute(f"DROP ROLE {stranger}")


def test_a_home_of_another_office_is_refused_and_keeps_its_work(
    qtbot: QtBot,
    tij_server: tuple[Office, Any],  # noqa: F811
    laptop: AppContext,
    no_libpq_password: None,
) -> None:
    from legalaid.services.offices import init_office

    server, _admin = tij_server
    init_office(laptop, "Casa del Migrante Mexicali", "MXL")
    number = family(laptop, a_number=None).case.case_number
    laptop.settings.office_server = server.url(server.lawyer, password=False)
    window = main_window(qtbot, laptop)
    dialog = sync_screen(qtbot, window)
    sync_with(qtbot, window, dialog, PASSWORD)
    said = dialog.server_sync.result.text()
    assert "copia de la oficina Casa del Migrante Mexicali" in said, said
    assert "No se sincronizó nada" in said
    assert get_case(laptop, number).case.case_number == number
    with server.superuser() as conn:
        assert conn.execute('SELECT count(*) FROM "case"').fetchone() == (0,)
    dialog.close()
    window.close()
