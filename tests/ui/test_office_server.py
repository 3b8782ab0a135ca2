"""The client on the office server (a real PostgreSQL): where it works and as whom, the
password asked in a dialog, another desk's saves seen within seconds, a save over another
desk's newer version met by the conflict bar, and what the login's role may not do left out."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from legalaid.server.context import ServerContext, open_server
from legalaid.services.cases import get_case
from legalaid.services.search import count_cases
from tests.core.helpers import family
from tests.server.conftest import PASSWORD, Office, office, server_office  # noqa: F401
from tests.ui.conftest import main_window, wait_idle
from tests.ui.keys import press, type_into
from ui.editor.case_editor import CaseEditor
from ui.security.server_session import ServerPasswordDialog
from ui.window.main_window import MainWindow
from ui.window.office import OfficeDesk

OTHER_DESK = """
import sys
from legalaid.server.context import open_server
from legalaid.services.case_edit import edit_case
ctx = open_server(sys.argv[1], sys.argv[2], ask=False)
edit_case(ctx, sys.argv[3], sys.argv[4:])
ctx.close()
"""


def other_desk_edits(server: Office, home: Path, case_number: str, *items: str) -> None:
    """Another desk's process saves ``items`` (FIELD=VALUE) to a case, as the volunteer."""
    env = {**os.environ, "PGPASSWORD": PASSWORD}
    url = server.url(server.volunteer, password=False)
    done = subprocess.run(
        [sys.executable, "-c", OTHER_DESK, url, str(home), case_number, *items],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def lawyer(office: Office, tmp_path: Path) -> Iterator[ServerContext]:  # noqa: F811
    ctx = open_server(office.url(office.lawyer), tmp_path / "lawyer", ask=False)
    yield ctx
    ctx.close()


@pytest.fixture
def volunteer(office: Office, tmp_path: Path) -> Iterator[ServerContext]:  # noqa: F811
    ctx = open_server(office.url(office.volunteer), tmp_path / "volunteer", ask=False)
    yield ctx
    ctx.close()


def server_window(qtbot: QtBot, ctx: ServerContext) -> MainWindow:
    window = main_window(qtbot, ctx)
    desk = window.desk
    assert isinstance(desk, OfficeDesk)
    qtbot.waitUntil(lambda: not desk._listener.stopped and desk._thread.is_alive())
    return window


def close(window: MainWindow) -> None:
    window.close()
    desk = window.desk
    assert isinstance(desk, OfficeDesk)
    assert not desk._thread.is_alive()  # the listener ended with the window


def test_the_window_says_it_is_on_the_office_server_and_as_whom(
    qtbot: QtBot,
    lawyer: ServerContext,
    office: Office,  # noqa: F811
) -> None:
    family(lawyer)
    window = server_window(qtbot, lawyer)
    try:
        server = lawyer.server
        assert window.location.text() == (
            f"Servidor de la oficina {server} · usuario {office.lawyer} (abogado)"
        )
        assert server in window.windowTitle()
        assert window.location.toolTip().startswith("Un abogado trabaja")
        assert not window.menus.backup_action.isVisible()
        assert not window.menus.security_menu.menuAction().isVisible()
        assert window.counts.text() == "1 expediente"
        window.set_language("en")
        english = f"Office server {server} · login {office.lawyer} (lawyer)"
        qtbot.waitUntil(lambda: window.location.text() == english)
    finally:
        close(window)


def test_another_desks_save_appears_in_the_list_and_the_open_case_window(
    qtbot: QtBot,
    lawyer: ServerContext,
    office: Office,  # noqa: F811
    tmp_path: Path,
) -> None:
    case = family(lawyer).case
    window = server_window(qtbot, lawyer)
    try:
        editor = window.open_case(case.id)
        wait_idle(qtbot, window.runner)
        assert editor.household.city.text() == "Tijuana, B.C."
        other_desk_edits(office, tmp_path / "other", case.case_number, "city=Mexicali")
        qtbot.waitUntil(lambda: editor.household.city.text() == "Mexicali", timeout=5_000)
        other = open_server(office.url(office.volunteer), tmp_path / "third", ask=False)
        try:
            family(other, a_number=None, given="Marta")
        finally:
            other.close()
        qtbot.waitUntil(lambda: window.cases.model.rowCount() == 2, timeout=5_000)
        qtbot.waitUntil(lambda: window.counts.text() == "2 expedientes", timeout=5_000)
    finally:
        close(window)


def test_a_save_over_another_desks_newer_version_meets_the_conflict_bar(
    qtbot: QtBot,
    lawyer: ServerContext,
    office: Office,  # noqa: F811
    tmp_path: Path,
) -> None:
    case = family(lawyer).case
    window = server_window(qtbot, lawyer)
    try:
        editor = window.open_case(case.id)
        wait_idle(qtbot, window.runner)
        type_into(editor.household.shelter, "Casa del Migrante", clear=True)
        other_desk_edits(office, tmp_path / "other", case.case_number, "shelter=Albergue Juventud")
        # The other desk's save is heard; the typing here is kept, not replaced.
        qtbot.wait(1500)
        assert editor.household.shelter.text() == "Casa del Migrante"
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, window.runner)
        qtbot.waitUntil(lambda: editor.conflict_bar.isVisibleTo(editor))
        assert get_case(lawyer, case.id).case.shelter == "Albergue Juventud"  # not lost
        assert editor.household.shelter.text() == "Casa del Migrante"
    finally:
        close(window)


def test_a_volunteers_case_window_has_no_risk_tab_and_says_why(
    qtbot: QtBot,
    volunteer: ServerContext,
    office: Office,  # noqa: F811
) -> None:
    case = family(volunteer).case
    window = server_window(qtbot, volunteer)
    try:
        assert window.location.text().endswith(f"usuario {office.volunteer} (voluntario)")
        assert "para abogados" in window.location.toolTip()
        editor = window.open_case(case.id)
        wait_idle(qtbot, window.runner)
        qtbot.waitUntil(lambda: case.case_number in editor.heading.text())
        index = editor.tabs.indexOf(editor.risk)
        assert not editor.tabs.isTabEnabled(index)
        assert "para abogados" in editor.tabs.tabToolTip(index)
        assert editor.documents.buttons["risk"].isHidden()
        assert not editor.documents.buttons["reminder"].isHidden()
        window.set_language("en")
        qtbot.waitUntil(lambda: "for lawyers" in editor.tabs.tabToolTip(index))
    finally:
        close(window)


def test_a_lawyers_case_window_keeps_the_risk_tab(qtbot: QtBot, lawyer: ServerContext) -> None:
    case = family(lawyer).case
    window = server_window(qtbot, lawyer)
    try:
        editor: CaseEditor = window.open_case(case.id)
        wait_idle(qtbot, window.runner)
        assert editor.tabs.isTabEnabled(editor.tabs.indexOf(editor.risk))
        assert not editor.documents.buttons["risk"].isHidden()
    finally:
        close(window)


def test_the_password_is_asked_with_three_tries(
    qtbot: QtBot,
    office: Office,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    url = office.url(office.volunteer, password=False)
    dialog = ServerPasswordDialog(url, tmp_path / "desk")
    qtbot.addWidget(dialog)
    dialog.show()
    type_into(dialog.password, "wrong one")
    press(dialog.password, Qt.Key.Key_Return)
    wait_idle(qtbot, dialog.runner)
    assert "Contraseña incorrecta" in dialog.errors.labels["password"].text()
    assert "2 intentos" in dialog.errors.labels["password"].text()
    type_into(dialog.password, PASSWORD, clear=True)
    press(dialog.password, Qt.Key.Key_Return)
    wait_idle(qtbot, dialog.runner)
    assert dialog.result() == ServerPasswordDialog.DialogCode.Accepted
    ctx: Any = dialog.ctx
    try:
        assert ctx is not None and ctx.login == office.volunteer
        assert count_cases(ctx) == 0
    finally:
        ctx.close()
    wrong = ServerPasswordDialog(url, tmp_path / "desk")
    qtbot.addWidget(wrong)
    wrong.show()
    for _try in range(3):
        type_into(wrong.password, "still wrong", clear=True)
        press(wrong.password, Qt.Key.Key_Return)
        wait_idle(qtbot, wrong.runner)
    assert wrong.ctx is None and wrong.failure is not None
    assert "no aceptó ninguna contraseña" in wrong.failure.message()
    QApplication.processEvents()


def test_the_client_opens_the_server_it_is_given_and_the_lock_asks_the_password(
    qtbot: QtBot,
    office: Office,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from legalaid import cli

    monkeypatch.setenv("PGPASSWORD", PASSWORD)  # libpq's own password: no dialog
    url = office.url(office.volunteer, password=False)
    seen: list[str] = []

    def run(_app: QApplication) -> int:
        window = next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible() and bool(getattr(w.ctx, "server", ""))
        )
        seen.append(window.location.text())
        seen.append(window.windowTitle())
        assert not window.safety.timer.isActive()  # no automatic backups of the server
        window.lock()
        page = window.lock_page
        assert page.passphrase.isVisible() and "contraseña de su usuario" in page.intro.text()
        type_into(page.passphrase, "not the password")
        press(page.passphrase, Qt.Key.Key_Return)
        wait_idle(qtbot, window.runner)
        assert window.locked and "Contraseña incorrecta" in page.error.text()
        type_into(page.passphrase, PASSWORD, clear=True)
        press(page.passphrase, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not window.locked)
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", run)
    home = str(tmp_path / "desk")
    assert cli.main(["--home", home, "--lang", "es", "--server", url]) == 0  # no command
    assert seen[0].startswith("Servidor de la oficina") and office.volunteer in seen[0]
    assert "servidor de la oficina" in seen[1]
    assert not (tmp_path / "desk" / "legalaid.db").exists()  # nothing local was opened


def test_an_unreachable_server_is_one_clear_message(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui import app as app_module

    said: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _p, _t, text: said.append(text))
    )
    url = f"postgresql://ana@/legalaid?host={tmp_path / 'nothing'}"
    assert app_module.run_client(str(tmp_path / "desk"), "es", server=url) == 1
    assert len(said) == 1 and said[0].startswith("No se pudo conectar con el servidor")
    assert "Traceback" not in said[0]
    not_a_url = subprocess.run(
        [sys.executable, "-m", "legalaid", "--lang", "en", "--server", "server.office"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert not_a_url.returncode == 2
    assert "must start with postgresql://" in not_a_url.stderr


def test_a_start_without_libpqs_password_asks_it_in_the_dialog(
    qtbot: QtBot,
    office: Office,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.security.server_session import open_server_session

    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    asked: list[str] = []

    def exec_(dialog: ServerPasswordDialog) -> int:
        asked.append(dialog.intro.text())
        dialog.show()
        type_into(dialog.password, PASSWORD)
        press(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.result() != 0 or dialog.ctx is not None)
        return int(dialog.result())

    monkeypatch.setattr(ServerPasswordDialog, "exec", exec_)
    ctx = open_server_session(office.url(office.lawyer, password=False), tmp_path / "desk")
    assert ctx is not None and asked and "pide la contraseña" in asked[0]
    try:
        assert ctx.login == office.lawyer and count_cases(ctx) == 0
    finally:
        ctx.close()
