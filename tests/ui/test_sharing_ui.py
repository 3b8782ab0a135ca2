"""Sharing from the windows, at 1366x768: the Offices window's risk-data box (asked first; a
"no" changes nothing; an office not trusted cannot be marked), the case window's "Shared with"
tab (share, transfer, stop sharing, each read back from the database), the case list's
"transferred to", and the Exchange window's history of files with what each did."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.dates import LOCALTZ, format_datetime
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.exchange import sync
from legalaid.home import open_home
from legalaid.i18n import babel_locale
from legalaid.services import sharing
from legalaid.services.cases import get_case
from legalaid.services.offices import add_office, identity_file, init_office, list_offices
from tests.core.helpers import family
from tests.exchange.test_sync import meet, office
from tests.ui.conftest import cell_text, wait_idle
from tests.ui.keys import press, type_into
from ui.common.language import LanguageSwitcher
from ui.common.reference import load_reference
from ui.common.tasks import TaskRunner
from ui.editor.case_editor import CaseEditor
from ui.exchange.exchange_dialog import ExchangeDialog
from ui.exchange.offices_dialog import OfficesDialog

MXL = "Casa del Migrante Mexicali"
TIJ = "Albergue Juventud 2000"


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext]]:
    tij = office(tmp_path, TIJ, "TIJ", "Ana (Tijuana)")
    mxl = office(tmp_path, MXL, "MXL", "Luis (Mexicali)")
    meet(tij, mxl)
    yield tij, mxl
    tij.close()
    mxl.close()


def answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    """QMessageBox.question answers ``button``; the questions asked are kept."""
    asked: list[str] = []

    def question(_parent: Any, title: str, text: str, *_a: Any, **_k: Any) -> Any:
        asked.append(f"{title}\n{text}")
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def click(widget: QWidget, pos: QPoint | None = None) -> None:
    from PySide6.QtTest import QTest

    QTest.mouseClick(
        widget,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        pos if pos is not None else widget.rect().center(),
    )
    QApplication.processEvents()


def click_row(table: QTableWidget, row: int) -> None:
    item = table.item(row, 0)
    assert item is not None
    click(table.viewport(), table.visualItemRect(item).center())


def header_text(table: QTableWidget, column: int) -> str:
    item = table.horizontalHeaderItem(column)
    assert item is not None
    return item.text()


def stored_risk(ctx: AppContext, name: str) -> bool:
    return next(o for o in list_offices(ctx) if o.name == name).receives_risk


def test_the_risk_box_asks_and_only_trusted_offices_can_be_marked(
    qtbot: QtBot,
    two: tuple[AppContext, AppContext],
    runner: TaskRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tij, _mxl = two
    third = open_home(tmp_path / "cjs", unencrypted=True)
    init_office(third, "Derechos Humanos Juárez", "CJS")
    add_office(tij, identity_file(third))  # added, fingerprint not compared
    third.close()
    dialog = OfficesDialog(tij, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, runner)
    names = [cell_text(dialog.table, r, 0) for r in range(dialog.table.rowCount())]
    assert names == [MXL, "Derechos Humanos Juárez"]
    assert cell_text(dialog.table, 0, 4) == "no se envían"
    assert not dialog.risk_box.isEnabled()  # nothing chosen yet

    click_row(dialog.table, 1)  # not trusted: cannot be marked
    assert not dialog.risk_box.isEnabled()
    click_row(dialog.table, 0)
    assert dialog.risk_box.isEnabled() and MXL in dialog.risk_box.text()

    asked = answer(monkeypatch, QMessageBox.StandardButton.No)
    click(dialog.risk_box)
    wait_idle(qtbot, runner)
    assert len(asked) == 1 and "relatos de riesgo y los incidentes" in asked[0]
    assert not dialog.risk_box.isChecked() and not stored_risk(tij, MXL)

    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    click(dialog.risk_box)
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: cell_text(dialog.table, 0, 4) == "se envían")
    assert stored_risk(tij, MXL) and dialog.risk_box.isChecked()
    assert "próximo archivo de intercambio" in dialog.message.text()

    click(dialog.risk_box)  # and off again, asked again
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: cell_text(dialog.table, 0, 4) == "no se envían")
    assert len(asked) == 2 and "Dejar de enviar" in asked[1]
    assert not stored_risk(tij, MXL)

    LanguageSwitcher.of(QApplication.instance()).apply("en")  # type: ignore[arg-type]
    QApplication.processEvents()
    assert header_text(dialog.table, 4) == "Risk data"
    assert cell_text(dialog.table, 0, 4) == "not sent"
    assert dialog.risk_box.text() == (
        f"Send risk narratives and incidents of shared cases to {MXL}"
    )


def test_shared_with_tab_share_transfer_stop(
    qtbot: QtBot,
    two: tuple[AppContext, AppContext],
    runner: TaskRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tij, _mxl = two
    case = family(tij).case
    editor = CaseEditor(tij, runner, load_reference(tij), case.id)
    qtbot.addWidget(editor)
    editor.show()
    wait_idle(qtbot, runner)
    press(editor, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # "Com&partido con"
    assert editor.tabs.currentWidget() is editor.shared
    tab = editor.shared
    assert tab.table.rowCount() == 0 and tab.office.currentText() == MXL
    assert not editor.transferred.isVisible()

    click(tab.share_button)
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1)
    assert cell_text(tab.table, 0, 0) == MXL
    assert "Ana (Tijuana)" in cell_text(tab.table, 0, 1)
    assert cell_text(tab.table, 0, 2) == "nada enviado todavía"
    assert [s.office for s in sharing.case_sharing(tij, case.id).shares] == [MXL]
    assert tab.office.count() == 0  # no other trusted office to share with

    def newest_history() -> str:
        item = editor.history.tree.topLevelItem(0)
        return item.text(2) if item is not None else ""

    qtbot.waitUntil(lambda: newest_history() == "Compartió el expediente con una oficina")

    # Something typed and not saved: the transfer waits for a save.
    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    type_into(editor.notes, "Llamar el lunes")
    click_row(tab.table, 0)
    click(tab.transfer_button)
    assert "Guarde primero" in tab.message.text() and asked == []
    press(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: not editor.is_dirty())

    click_row(tab.table, 0)
    click(tab.transfer_button)
    wait_idle(qtbot, runner)
    assert len(asked) == 1 and "conserva su copia" in asked[0]
    qtbot.waitUntil(lambda: editor.transferred.text() == f"Transferido a {MXL}")
    assert editor.transferred.isVisible() and tab.transferred.text() == f"Transferido a {MXL}"
    stored = get_case(tij, case.id).case
    assert stored.responsible_office == MXL and stored.notes == "Llamar el lunes"
    assert not editor.is_dirty() and editor.version == stored.version  # read again

    # The case list says so.
    from legalaid.services.search import search_cases
    from ui.cases.case_model import row_texts

    row = next(r for r in search_cases(tij, "") if r.case_id == case.id)
    assert row_texts(row)[5] == f"Abierto, transferido a {MXL}"

    click_row(tab.table, 0)
    click(tab.stop_button)
    wait_idle(qtbot, runner)
    assert "Dejar de compartir" in asked[1]
    qtbot.waitUntil(lambda: tab.table.rowCount() == 0)
    assert "ya no se le enviarán" in asked[1] or "ya no se enviarán" in asked[1]
    assert "no se le enviarán" in tab.message.text()
    assert sharing.case_sharing(tij, case.id).shares == []

    LanguageSwitcher.of(QApplication.instance()).apply("en")  # type: ignore[arg-type]
    QApplication.processEvents()
    assert editor.tabs.tabText(6) == "Shared &with"
    assert editor.transferred.text() == f"Transferred to {MXL}"


def test_the_exchange_history_says_what_each_file_did(
    qtbot: QtBot, two: tuple[AppContext, AppContext], runner: TaskRunner, tmp_path: Path
) -> None:
    tij, mxl = two
    case = family(tij).case
    sharing.share_case(tij, case.case_number, MXL)
    sync.export_for(tij, MXL, tmp_path / "1.bin")
    sync.import_file(mxl, tmp_path / "1.bin")

    there = ExchangeDialog(mxl, runner, load_reference(mxl))
    qtbot.addWidget(there)
    there.show()
    wait_idle(qtbot, runner)
    assert there.table.rowCount() == 1
    received = sharing.exchange_log(mxl)[0]
    assert cell_text(there.table, 0, 0) == format_datetime(
        received.at, "medium", tzinfo=LOCALTZ, locale=babel_locale()
    )
    assert cell_text(there.table, 0, 1) == f"Recibido de {TIJ}"
    assert cell_text(there.table, 0, 2) == f"{received.changes} cambios"
    assert cell_text(there.table, 0, 3) == (
        "familias actualizadas: 0 · nuevas: 1 · conflictos: 0 · decisiones: 0"
    )

    here = ExchangeDialog(tij, runner, load_reference(tij))
    qtbot.addWidget(here)
    here.show()
    wait_idle(qtbot, runner)
    assert cell_text(here.table, 0, 1) == f"Enviado a {MXL}"
    assert cell_text(here.table, 0, 3) == "1 expediente"
    unconfirmed = cell_text(here.table, 0, 4)
    sync.export_for(mxl, TIJ, tmp_path / "2.bin")  # its file says it read ours
    sync.import_file(tij, tmp_path / "2.bin")
    here.reload()
    wait_idle(qtbot, runner)
    assert here.table.rowCount() == 2
    assert cell_text(here.table, 0, 1) == f"Recibido de {MXL}"
    assert cell_text(here.table, 1, 4) != unconfirmed  # read by them now

    LanguageSwitcher.of(QApplication.instance()).apply("en")  # type: ignore[arg-type]
    QApplication.processEvents()
    assert header_text(there.table, 3) == "Result"
    assert cell_text(there.table, 0, 3) == (
        "households updated: 0 · new: 1 · conflicts: 0 · decisions: 0"
    )
    assert cell_text(here.table, 1, 3) == "1 case"
