"""The Crossings and courts window on this laptop, at 1366x768: opened from the File menu,
fields typed through the window's keys, saved through the services (history and change log),
read back from the database; a report time the service refuses is said at its field."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QDoubleSpinBox, QLineEdit
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.reference import list_courts, list_crossings
from tests.ui.conftest import main_window, wait_idle
from tests.ui.keys import focus, press, type_into
from tests.ui.test_screen_fit import outside
from ui.reference.reference_dialog import ReferenceDialog, ReferencePage
from ui.settings.settings_dialog import SettingsDialog


def opened(qtbot: QtBot, window: object) -> ReferenceDialog:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReferenceDialog)]
    assert len(found) == 1
    dialog = found[0]
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, dialog.runner)
    return dialog


def choose(page: ReferencePage, code: str) -> None:
    """Walk the table with the arrow keys to the row of ``code``."""
    handle = focus(page.table)
    press(handle, Qt.Key.Key_Home)
    for _step in range(len(page.records)):
        if page.selected_code() == code:
            return
        press(handle, Qt.Key.Key_Down)
    assert page.selected_code() == code


def field(page: ReferencePage, name: str) -> object:
    return page.widgets[name]


def save(page: ReferencePage) -> None:
    press(focus(page.save_button), Qt.Key.Key_Space)


def test_edit_a_crossing_and_a_court(qtbot: QtBot, ctx: AppContext) -> None:
    window = main_window(qtbot, ctx)
    assert window.menus.reference_action.text() == "Cruces &y cortes…"
    window.menus.reference_action.trigger()
    dialog = opened(qtbot, window)
    assert outside(dialog) == []
    assert dialog.windowTitle() == "Cruces y cortes"
    assert not dialog.read_only.isVisible()
    page = dialog.crossings
    choose(page, "SYS")
    address = field(page, "address")
    assert isinstance(address, QLineEdit) and not address.isReadOnly()
    type_into(address, "Calle Frontera 1, Tijuana", clear=True)
    hours = field(page, "report_hours_before")
    assert isinstance(hours, QDoubleSpinBox)
    type_into(hours, "6", clear=True)
    save(page)
    wait_idle(qtbot, dialog.runner)
    assert dialog.message.text() == "Guardado: SYS."
    sys_crossing = next(x for x in list_crossings(ctx) if x.code == "SYS")
    assert sys_crossing.address == "Calle Frontera 1, Tijuana"
    assert sys_crossing.report_hours_before == 6
    with ctx.db.read() as session:
        logged = session.connection().exec_driver_sql(
            "SELECT fields FROM change_log WHERE table_name = 'crossing' AND row_id = ?",
            (sys_crossing.id,),
        )
        fields = [json.loads(row[0]) for row in logged]
        audited = session.connection().exec_driver_sql(
            "SELECT count(*) FROM audit_entry WHERE entity = 'crossing' AND entity_id = ?",
            (sys_crossing.id,),
        )
        assert audited.scalar() == 1
    assert any(f.get("address") == "Calle Frontera 1, Tijuana" for f in fields), fields
    # A report time the service refuses: said at the field, nothing stored.
    choose(page, "SYS")
    type_into(hours, "0", clear=True)
    save(page)
    wait_idle(qtbot, dialog.runner)
    error = page.errors.labels["report_hours_before"]
    assert error.isVisible() and "12 horas" in error.text(), error.text()
    assert next(x for x in list_crossings(ctx) if x.code == "SYS").report_hours_before == 6
    # A court: its phone typed, "by video" ticked with the space bar.
    dialog.tabs.setCurrentWidget(dialog.courts)
    courts = dialog.courts
    code = courts.records[0].code
    choose(courts, code)
    type_into(field(courts, "phone"), "+1 619 555 0100", clear=True)  # type: ignore[arg-type]
    video = field(courts, "by_video")
    assert isinstance(video, QCheckBox)
    before = video.isChecked()
    press(focus(video), Qt.Key.Key_Space)
    save(courts)
    wait_idle(qtbot, dialog.runner)
    stored = next(c for c in list_courts(ctx) if c.code == code)
    assert stored.phone == "+1 619 555 0100" and stored.by_video is not before

    # The main window's lists were read again (the change was announced).
    def reread() -> bool:
        crossing = window.reference.crossing("SYS")
        return crossing is not None and crossing.address == "Calle Frontera 1, Tijuana"

    qtbot.waitUntil(reread)
    dialog.close()


def test_on_this_laptop_the_about_box_and_backup_settings_speak_of_its_folder(
    qtbot: QtBot, ctx: AppContext
) -> None:
    window = main_window(qtbot, ctx)
    dialog = SettingsDialog(ctx, window.reference, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.backup_note.isVisible()
    assert "cada vez que LegalAid se cierra" in dialog.backup_every.toolTip()
    assert str(ctx.home.root) in window.settings.about_text()
    dialog.close()
