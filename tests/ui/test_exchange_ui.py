"""The Exchange window: a file written for an office and read there, a conflict shown with the
field in the person's language, the value before, each side with who, decided by choosing a
side; the badge counts what waits; the words follow a language switch."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from legalaid.exchange import sync
from legalaid.services.case_edit import edit_case
from tests.core.helpers import family
from tests.exchange.test_sync import meet, office, send
from tests.ui.conftest import cell_text, main_window, wait_idle
from ui.common.language import LanguageSwitcher
from ui.common.reference import load_reference
from ui.common.tasks import TaskRunner
from ui.exchange.exchange_dialog import ExchangeDialog


def test_files_and_a_conflict_decided_in_the_window(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    tij = office(tmp_path, "Albergue Juventud 2000", "TIJ", "Ana (Tijuana)")
    mxl = office(tmp_path, "Casa del Migrante Mexicali", "MXL", "Luis (Mexicali)")
    meet(tij, mxl)
    case = family(tij).case
    sync.share_case(tij, case.case_number, "MXL")

    dialog = ExchangeDialog(tij, runner, load_reference(tij))
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, runner)
    assert dialog.office.currentText() == "Casa del Migrante Mexicali"
    target = tmp_path / "usb" / "envio.dat"
    target.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert target.exists() and "Casa del Migrante Mexicali" in dialog.files_message.text()
    assert (
        dialog.table.rowCount() == 1
        and cell_text(dialog.table, 0, 1) == "Enviado a Casa del Migrante Mexicali"
    )

    there = ExchangeDialog(mxl, runner, load_reference(mxl))
    qtbot.addWidget(there)
    there.show()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    qtbot.mouseClick(there.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert "De Albergue Juventud 2000" in there.files_message.text()
    assert "1 nuevos" in there.files_message.text()

    edit_case(tij, case.case_number, ["city=Tijuana Centro"])
    edit_case(mxl, case.case_number, ["city=Mexicali"])
    send(tij, mxl, tmp_path, "a")
    send(mxl, tij, tmp_path, "b")
    dialog.reload()
    wait_idle(qtbot, runner)
    assert dialog.tabs.tabText(1) == "Conflictos (1)"
    assert dialog.conflict_list.item(0).text() == f"{case.case_number} — Ciudad"
    assert "Tijuana, B.C." in dialog.before.text()
    sides = [dialog.sides.button(n).text() for n in (1, 2)]
    assert any("Mexicali — Luis (Mexicali), Casa del Migrante Mexicali," in s for s in sides)
    assert any("Tijuana Centro — Ana (Tijuana), Albergue Juventud 2000," in s for s in sides)
    assert any("(se muestra mientras tanto)" in s for s in sides)
    mexicali = 1 + [("Mexicali —" in s) for s in sides].index(True)
    qtbot.mouseClick(dialog.sides.button(mexicali), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert dialog.tabs.tabText(1) == "Conflictos (0)"
    assert "Decidido" in dialog.conflict_message.text()
    assert sync.open_conflicts(tij) == []

    LanguageSwitcher.of(QApplication.instance()).apply("en")  # type: ignore[arg-type]
    QApplication.processEvents()
    assert dialog.windowTitle() == "Exchange with offices"
    assert dialog.tabs.tabText(0) == "Files"
    tij.close()
    mxl.close()


def test_the_badge_counts_conflicts_waiting(qtbot: QtBot, tmp_path: Path) -> None:
    tij = office(tmp_path, "Albergue Juventud 2000", "TIJ", "Ana")
    mxl = office(tmp_path, "Casa del Migrante Mexicali", "MXL", "Luis")
    meet(tij, mxl)
    case = family(tij).case
    sync.share_case(tij, case.case_number, "MXL")
    send(tij, mxl, tmp_path, "1")
    edit_case(tij, case.case_number, ["notes=uno"])
    edit_case(mxl, case.case_number, ["notes=dos"])
    send(mxl, tij, tmp_path, "2")
    window = main_window(qtbot, tij)
    wait_idle(qtbot, window.runner)
    badge = window.status.conflicts
    qtbot.waitUntil(lambda: badge.isVisibleTo(window), timeout=10_000)
    assert badge.text() == "1 conflicto entre oficinas"
    mxl.close()
