"""The Offices window: an identity created by typing, another office added from its file, a
wrong fingerprint refused at the window, the right one trusted, and the words in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.home import open_home
from legalaid.services.offices import identity_file, init_office
from tests.ui.conftest import cell_text
from tests.ui.keys import type_into
from ui.common.language import LanguageSwitcher
from ui.common.tasks import TaskRunner, wait_for_all
from ui.exchange.offices_dialog import OfficesDialog


def settle(qtbot: QtBot, dialog: OfficesDialog) -> None:
    """The window's reads and writes run on workers: wait for them and their answers."""
    wait_for_all(30_000)
    qtbot.waitUntil(lambda: dialog.runner.active == 0)
    QApplication.processEvents()


@pytest.fixture
def other_office(tmp_path: Path) -> tuple[Path, str]:
    other = open_home(tmp_path / "mexicali", unencrypted=True)
    info, _changes = init_office(other, "Casa del Migrante Mexicali", "MXL")
    card = tmp_path / "mexicali.identity"
    card.write_bytes(identity_file(other))
    other.close()
    return card, info.fingerprint


def test_create_add_refuse_then_trust(
    qtbot: QtBot,
    ctx: AppContext,
    runner: TaskRunner,
    other_office: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    card, their_fingerprint = other_office
    dialog = OfficesDialog(ctx, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot, dialog)
    assert dialog.create_form.isVisible()
    assert not dialog.add_button.isEnabled()

    type_into(dialog.name_edit, "Albergue Juventud 2000")
    type_into(dialog.prefix_edit, "tij")
    qtbot.mouseClick(dialog.create_button, _left())
    settle(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.fingerprint.isVisible())
    shown = dialog.fingerprint.text()
    assert len(shown.split()) == 6
    assert "Albergue Juventud 2000" in dialog.own_name.text() and "TIJ" in dialog.own_name.text()

    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(card), ""))
    )
    qtbot.mouseClick(dialog.add_button, _left())
    settle(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert cell_text(dialog.table, 0, 0) == "Casa del Migrante Mexicali"
    assert cell_text(dialog.table, 0, 3) == "agregada, huella sin comparar"

    dialog.table.selectRow(0)
    wrong = their_fingerprint[:-1] + ("1" if their_fingerprint[-1] != "1" else "2")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (wrong, True)))
    qtbot.mouseClick(dialog.trust_button, _left())
    settle(qtbot, dialog)
    qtbot.waitUntil(lambda: "no corresponde" in dialog.message.text())
    assert cell_text(dialog.table, 0, 3) == "agregada, huella sin comparar"

    dialog.table.selectRow(0)
    monkeypatch.setattr(
        QInputDialog, "getText", staticmethod(lambda *a, **k: (their_fingerprint, True))
    )
    qtbot.mouseClick(dialog.trust_button, _left())
    settle(qtbot, dialog)
    qtbot.waitUntil(lambda: cell_text(dialog.table, 0, 3) == "de confianza")

    LanguageSwitcher.of(QApplication.instance()).apply("en")  # type: ignore[arg-type]
    QApplication.processEvents()
    assert dialog.windowTitle() == "Offices"
    assert cell_text(dialog.table, 0, 3) == "trusted"
    assert dialog.trust_button.text() == "Compare and &trust…"
    assert "This office: Albergue Juventud 2000" in dialog.own_name.text()


def _left() -> Qt.MouseButton:
    return Qt.MouseButton.LeftButton
