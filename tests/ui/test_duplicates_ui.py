"""The Duplicates window, opened from the File menu on a 1366x768 screen: the two households side
by side with why they match; "Same household" asks first and, confirmed, merges (read back from
the database); "Different" from the keyboard is remembered; the lists refresh after."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.services.cases import get_case
from tests.exchange.test_duplicate_decisions import ANUMBER, twice_registered
from tests.exchange.test_duplicates_sync import cousins
from tests.ui.conftest import cell_text, main_window, wait_idle
from tests.ui.keys import focus, press
from tests.ui.test_screen_fit import outside
from ui.exchange.duplicates_dialog import DuplicatesDialog


def _dialog() -> DuplicatesDialog:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, DuplicatesDialog)]
    assert len(found) == 1
    return found[0]


def test_compare_merge_and_keep_apart(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, other = twice_registered(ctx)
    first, second = cousins(ctx)
    window = main_window(qtbot, ctx)
    window.menus.duplicates_action.trigger()
    dialog = _dialog()
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, window.runner)
    assert outside(dialog) == []
    assert dialog.windowTitle() == "Posibles duplicados (2)"
    assert dialog.pair_list.count() == 2

    row = next(i for i, p in enumerate(dialog.pairs) if p.first.case_id in (kept.id, other.id))
    item = dialog.pair_list.item(row)
    qtbot.mouseClick(
        dialog.pair_list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=dialog.pair_list.visualItemRect(item).center(),
    )
    assert dialog.pair_list.currentRow() == row
    columns = {cell_text(dialog.table, 0, c): c for c in (0, 1)}
    people = cell_text(dialog.table, 2, columns[kept.case_number])
    assert "María Guadalupe Hernández Núñez" in people
    assert format_anumber("012345678").replace(" ", "\u00a0") in people  # kept on one line
    assert "José Hernández" in people
    assert cell_text(dialog.table, 3, columns[kept.case_number]) == "SYS"
    assert cell_text(dialog.table, 4, columns[other.case_number]) != "ninguna programada"
    assert "mismo número A" in dialog.why.text()
    assert ANUMBER  # the A-number both mothers carry

    # Not confirmed (the question answers No): nothing is merged.
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.runner)
    assert get_case(ctx, other.case_number).case.merged_into is None

    asked: list[str] = []

    def yes(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(yes))
    keep_button = dialog.keep_first if columns[kept.case_number] == 0 else dialog.keep_second
    qtbot.mouseClick(keep_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window.runner)
    assert asked and f"{other.case_number} se unirá a {kept.case_number}" in asked[0]
    assert "no se borra nada" in asked[0].lower()
    stored = get_case(ctx, other.case_number)
    assert stored.case.merged_into == kept.id and stored.people == []
    assert len(get_case(ctx, kept.case_number).people) == 4
    assert f"{other.case_number} se unió a {kept.case_number}" in dialog.message.text()
    assert dialog.pair_list.count() == 1
    assert dialog.windowTitle() == "Posibles duplicados (1)"

    # The remaining pair: "Different" from the keyboard (Space on the focused button).
    focus(dialog.different_button)
    press(dialog, Qt.Key.Key_Space)
    wait_idle(qtbot, window.runner)
    assert dialog.pair_list.count() == 0
    assert "no se volverán a proponer" in dialog.message.text()
    with ctx.db.query() as conn:
        decided = conn.execute("SELECT case_id, other_case_id FROM duplicate_decision").fetchall()
    assert [tuple(r) for r in decided] == [tuple(sorted((first.id, second.id)))]
    assert not dialog.merge_button.isEnabled()


def test_screenshot(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    """The window as a person sees it (kept when LEGALAID_SCREENSHOTS names a folder)."""
    import os

    twice_registered(ctx)
    window = main_window(qtbot, ctx)
    window.menus.duplicates_action.trigger()
    dialog = _dialog()
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, window.runner)
    folder = Path(os.environ.get("LEGALAID_SCREENSHOTS") or tmp_path)
    picture = dialog.grab()
    assert not picture.isNull() and picture.width() <= 1366 and picture.height() <= 768
    assert picture.save(str(folder / "duplicates-es.png"))
