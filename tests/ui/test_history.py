"""The History tab: who changed what and when, refreshed after every save."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from tests.core.helpers import family
from tests.ui.conftest import wait_idle
from tests.ui.walk import foreign_texts, visible_texts
from ui.common.language import LanguageSwitcher
from ui.common.reference import Reference, load_reference
from ui.common.tasks import TaskRunner
from ui.editor.case_editor import CaseEditor


def child_text(item: QTreeWidgetItem, index: int) -> str:
    child = item.child(index)
    assert child is not None
    return child.text(2)


def rows(editor: CaseEditor) -> list[tuple[str, str, str, list[str]]]:
    tree = editor.history.tree
    found: list[tuple[str, str, str, list[str]]] = []
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        assert item is not None
        children = [child_text(item, c) for c in range(item.childCount())]
        found.append((item.text(0), item.text(1), item.text(2), children))
    return found


def test_history_shows_an_edit_with_who_and_old_to_new(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    case = family(ctx, given="Rosa", family_names="Peña Ibáñez")
    editor = CaseEditor(ctx, runner, load_reference(ctx) or Reference(), case.case.id)
    qtbot.addWidget(editor)
    editor.show()
    wait_idle(qtbot, runner)
    assert "Abrió el expediente" in [r[2] for r in rows(editor)]
    before = len(rows(editor))
    editor.notes.setPlainText("Tiene cita en el consulado")
    editor.household.city.setText("Mexicali")
    editor.save()
    wait_idle(qtbot, runner)
    qtbot.waitUntil(lambda: len(rows(editor)) == before + 1)
    when, who, what, changes = rows(editor)[0]  # the newest first
    assert who == "Ana Tester" and what == "Modificó el expediente" and when
    assert "Notas: — → Tiene cita en el consulado" in changes
    assert any(c.startswith("Ciudad: ") and c.endswith("→ Mexicali") for c in changes)
    assert any(r[2] == "Agregó a Rosa Peña Ibáñez" for r in rows(editor))
    LanguageSwitcher.of(QApplication.instance()).apply("en")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: rows(editor)[0][2] == "Changed the case")
    assert "Notes: — → Tiene cita en el consulado" in rows(editor)[0][3]
    assert foreign_texts(visible_texts(editor.history), "en") == []
