"""Crossings and courts on the office server (a real PostgreSQL), at 1366x768: an
administrator edits them through the window; a volunteer's and a lawyer's window opens
read-only and says why, and the service refuses a volunteer's write with a translated message
(PostgreSQL refuses it; no traceback). The About box and the backup settings speak of the
server, not of this laptop's files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QLineEdit
from pytestqt.qtbot import QtBot

from legalaid.errors import LegalAidError
from legalaid.server.context import ServerContext, open_server
from legalaid.services.reference import update_court, update_crossing
from tests.server.conftest import Office, office, server_office  # noqa: F401
from tests.ui.keys import focus, press, type_into
from tests.ui.test_reference_ui import choose, save
from tests.ui.test_screen_fit import outside
from ui.common.tasks import TaskRunner
from ui.reference.reference_dialog import ReferenceDialog


def _login(office: Office, user: str, home: Path) -> Iterator[ServerContext]:  # noqa: F811
    ctx = open_server(office.url(user), home, ask=False)
    yield ctx
    ctx.close()


@pytest.fixture
def admin(office: Office, tmp_path: Path) -> Iterator[ServerContext]:  # noqa: F811
    yield from _login(office, office.admin, tmp_path / "admin")


@pytest.fixture
def volunteer(office: Office, tmp_path: Path) -> Iterator[ServerContext]:  # noqa: F811
    yield from _login(office, office.volunteer, tmp_path / "volunteer")


@pytest.fixture
def lawyer(office: Office, tmp_path: Path) -> Iterator[ServerContext]:  # noqa: F811
    yield from _login(office, office.lawyer, tmp_path / "lawyer")


def stored(office: Office, table: str, code: str, column: str) -> object:  # noqa: F811
    with office.superuser() as conn:
        row = conn.execute(f"SELECT {column} FROM {table} WHERE code = %s", (code,)).fetchone()
    return row[0]


def shown(qtbot: QtBot, ctx: ServerContext, runner: TaskRunner) -> ReferenceDialog:
    dialog = ReferenceDialog(ctx, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.editable is not None and bool(dialog.crossings.records))
    return dialog


def test_an_administrator_edits_crossings_and_courts(
    qtbot: QtBot,
    admin: ServerContext,
    office: Office,  # noqa: F811
    runner: TaskRunner,
) -> None:
    before = stored(office, "crossing", "SYS", "address")
    dialog = shown(qtbot, admin, runner)
    try:
        assert dialog.editable is True and not dialog.read_only.isVisible()
        assert outside(dialog) == []
        page = dialog.crossings
        choose(page, "SYS")
        address = page.widgets["address"]
        assert isinstance(address, QLineEdit)
        type_into(address, "Garita El Chaparral, Tijuana", clear=True)
        save(page)
        qtbot.waitUntil(lambda: dialog.message.text() == "Guardado: SYS.")
        assert stored(office, "crossing", "SYS", "address") == "Garita El Chaparral, Tijuana"
        with office.superuser() as conn:
            actor = conn.execute(
                "SELECT actor FROM audit_entry WHERE entity = 'crossing' ORDER BY at DESC LIMIT 1"
            ).fetchone()[0]
            logged = conn.execute(
                "SELECT count(*) FROM change_log WHERE table_name = 'crossing'"
            ).fetchone()[0]
        assert actor == office.admin and logged >= 1
    finally:
        dialog.close()
        with office.superuser() as conn:
            conn.execute("UPDATE crossing SET address = %s WHERE code = 'SYS'", (before,))


@pytest.mark.parametrize("who", ["volunteer", "lawyer"])
def test_other_logins_read_only_and_refused(
    qtbot: QtBot,
    who: str,
    request: pytest.FixtureRequest,
    office: Office,  # noqa: F811
    runner: TaskRunner,
) -> None:
    ctx: ServerContext = request.getfixturevalue(who)
    before = stored(office, "crossing", "SYS", "address")
    dialog = shown(qtbot, ctx, runner)
    try:
        assert dialog.editable is False
        assert dialog.read_only.isVisible()
        reason = dialog.read_only.text()
        assert reason.startswith("Solo un administrador") and ctx.login in reason
        for page in (dialog.crossings, dialog.courts):
            assert not page.save_button.isEnabled()
            assert page.save_button.toolTip() == reason
            for widget in page.widgets.values():
                assert widget.toolTip() == reason
                if isinstance(widget, QLineEdit):
                    assert widget.isReadOnly()
                else:
                    assert not widget.isEnabled()
        page = dialog.crossings
        choose(page, "SYS")
        address = page.widgets["address"]
        type_into(address, "x", clear=True)
        assert isinstance(address, QLineEdit) and address.text() == before
        hours = page.widgets["report_hours_before"]
        assert isinstance(hours, QDoubleSpinBox)
        press(focus(page.save_button), Qt.Key.Key_Space)
        assert dialog.message.text() == ""
        # The service: PostgreSQL refuses, in words, in the reader's language.
        for write in (
            lambda: update_crossing(ctx, "SYS", address="Otra dirección"),
            lambda: update_court(ctx, "SDG", phone="000"),
        ):
            with pytest.raises(LegalAidError) as refused:
                write()
            assert "administradores" in refused.value.message("es")
            assert f"the login {ctx.login} may not do this" in refused.value.message("en")
        assert stored(office, "crossing", "SYS", "address") == before
    finally:
        dialog.close()


def test_about_and_backup_settings_speak_of_the_server(
    qtbot: QtBot,
    volunteer: ServerContext,
    qapp: QApplication,
) -> None:
    from ui.common.language import LanguageSwitcher
    from ui.common.reference import Reference
    from ui.settings.actions import SettingsActions
    from ui.settings.settings_dialog import SettingsDialog

    dialog = SettingsDialog(volunteer, Reference())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.backup_note.isVisible()
    assert "legalaid --server URL backup" in dialog.backup_note.text()
    assert "laptop" in dialog.backup_every.toolTip()
    about = SettingsActions(volunteer, LanguageSwitcher(qapp), Reference(), dialog).about_text()
    assert volunteer.server in about and volunteer.login in about
    assert "servidor de la oficina" in about
    dialog.close()
