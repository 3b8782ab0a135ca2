"""On a 1366x768 screen: the Sync screen reads a file that brings a household already here, says
so (in Spanish, singular), and its button opens the Duplicates window on that pair only (not on
the home's other pairs), decided from the keyboard; the Duplicates window lists the households
merged before, and "Separate again" asks first and, confirmed, separates (read back from the
database)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.exchange import sync
from legalaid.services.cases import get_case
from legalaid.services.duplicates import merge_households
from tests.exchange.test_duplicate_decisions import twice_registered
from tests.exchange.test_duplicates_import import MEXICALI, guadalupe
from tests.exchange.test_duplicates_sync import cousins
from tests.exchange.test_sync import meet, office
from tests.ui.conftest import main_window, wait_idle
from tests.ui.keys import focus, press
from tests.ui.test_screen_fit import outside
from ui.common.reference import load_reference
from ui.common.tasks import TaskRunner
from ui.exchange.duplicates_dialog import DuplicatesDialog
from ui.exchange.exchange_dialog import ExchangeDialog


def _duplicates_window() -> DuplicatesDialog:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, DuplicatesDialog)]
    assert len(found) == 1
    return found[0]


def _shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("LEGALAID_SCREENSHOTS") or tmp_path)


def test_an_import_with_a_possible_duplicate_opens_on_that_pair(
    qtbot: QtBot, tmp_path: Path, runner: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    tij = office(tmp_path, "Albergue Juventud 2000", "TIJ", "Ana (Tijuana)")
    mxl = office(tmp_path, MEXICALI, "MXL", "Luis (Mexicali)")
    meet(tij, mxl)
    there = guadalupe(tij, "María Guadalupe", "Hernández Núñez", "José")
    here = guadalupe(mxl, "Ma. Guadalupe", "Nunez Hernandes", "José")
    cousins(mxl)  # Mexicali's own pair: not what the file brought
    sync.share_case(tij, there.case_number, MEXICALI)
    path = tmp_path / "envio.dat"
    sync.export_for(tij, MEXICALI, path)

    dialog = ExchangeDialog(mxl, runner, load_reference(mxl))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, runner)
    assert not dialog.duplicates_button.isVisible()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    said = dialog.files_message.text()
    assert "De Albergue Juventud 2000: 0 hogares actualizados, 1 nuevos" in said
    assert (
        "1 posible duplicado: un hogar de este archivo puede ser uno que ya está aquí. "
        "Compárelos y decida." in said
    )
    assert dialog.duplicates_button.isVisible()
    assert dialog.duplicates_button.text() == "Comparar los posibles &duplicados…"
    assert outside(dialog) == []
    assert dialog.grab().save(str(_shots(tmp_path) / "sync-import-duplicates-es.png"))

    qtbot.mouseClick(dialog.duplicates_button, Qt.MouseButton.LeftButton)
    window = _duplicates_window()
    qtbot.waitExposed(window)
    wait_idle(qtbot, runner)
    assert outside(window) == []
    assert "archivo de intercambio recién leído" in window.intro.text()
    assert window.windowTitle() == "Posibles duplicados (1)"
    assert {window.pairs[0].first.case_id, window.pairs[0].second.case_id} == {there.id, here.id}
    assert "mismo número A" in window.why.text()

    focus(window.different_button)
    press(window, Qt.Key.Key_Space)
    wait_idle(qtbot, runner)
    assert window.pair_list.count() == 0
    with mxl.db.query() as conn:
        decided = conn.execute("SELECT case_id, other_case_id FROM duplicate_decision").fetchall()
    assert [tuple(r) for r in decided] == [tuple(sorted((there.id, here.id)))]
    window.close()
    tij.close()
    mxl.close()


def test_separate_again_from_the_duplicates_window(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    kept, other = twice_registered(ctx)
    merge_households(ctx, kept.case_number, other.case_number)
    window = main_window(qtbot, ctx)
    window.menus.duplicates_action.trigger()
    dialog = _duplicates_window()
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, window.runner)
    assert outside(dialog) == []
    assert dialog.pair_list.count() == 0 and dialog.merge_list.count() == 1
    item = dialog.merge_list.item(0)
    assert item.text().startswith(f"{other.case_number} → {kept.case_number} (")
    assert dialog.merges_label.text() == "Hogares &unidos antes:"
    assert dialog.grab().save(str(_shots(tmp_path) / "duplicates-merged-es.png"))
    qtbot.mouseClick(
        dialog.merge_list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=dialog.merge_list.visualItemRect(item).center(),
    )
    assert dialog.separate_button.isEnabled()

    # Not confirmed (the question answers No): still merged.
    qtbot.mouseClick(dialog.separate_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.runner)
    assert get_case(ctx, other.case_number).case.merged_into == kept.id

    asked: list[str] = []

    def yes(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        asked.append(f"{args[1]}|{args[2]}")
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(yes))
    focus(dialog.separate_button)
    press(dialog, Qt.Key.Key_Space)
    wait_idle(qtbot, window.runner)
    assert asked and asked[0].startswith("¿Separar estos hogares?|")
    assert f"{other.case_number} volverá a ser un hogar propio" in asked[0]
    back = get_case(ctx, other.case_number)
    assert back.case.merged_into is None and len(back.people) == 2 and len(back.hearings) == 1
    assert len(get_case(ctx, kept.case_number).people) == 2
    assert (
        f"{other.case_number} vuelve a ser un hogar propio: 2 personas regresaron desde "
        f"{kept.case_number}." == dialog.message.text()
    )
    assert dialog.merge_list.count() == 0 and not dialog.separate_button.isEnabled()
    assert dialog.pair_list.count() == 1  # proposed again, for a person to decide
