"""Importing from the window: a refused file says why in the person's language; the preview
(a dry run) says what the import then does."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.search import count_cases
from tests.ui.conftest import wait_idle
from ui.common.tasks import TaskRunner
from ui.window.importing import Importer


def test_a_refused_file_is_explained_not_a_traceback(
    qtbot: QtBot,
    ctx: AppContext,
    runner: TaskRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "albergue.csv"
    source.write_bytes("nombres;apellidos;Nombres\nAna;Ruiz;Eva\n".encode("utf-16-le"))
    window = QWidget()
    qtbot.addWidget(window)
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        staticmethod(lambda _parent, title, text, *a: warnings.append((title, text))),
    )
    importer = Importer(ctx, runner, window)
    importer.start(source)
    qtbot.waitUntil(lambda: bool(warnings), timeout=15_000)
    [(title, text)] = warnings
    assert title == "No se pudo importar"
    assert text.startswith("La línea 1 del archivo tiene caracteres NUL")
    assert "Traceback" not in text and "Something went wrong" not in text
    assert count_cases(ctx) == 0


def test_the_preview_says_what_the_import_then_does(
    qtbot: QtBot,
    ctx: AppContext,
    runner: TaskRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = tmp_path / "albergue.csv"
    source.write_text(
        "expediente;nombres;apellidos;número A\n"
        "P-1;Ana;Ruiz;A 100-000-001\n"
        "P-1;Ana;Ruiz;A 100-000-001\n"
        "P-2;Eva;Paz;A 100-000-001\n",
        encoding="utf-8",
    )
    window = QWidget()
    qtbot.addWidget(window)
    shown: list[str] = []

    def question(
        _parent: object, _title: str, text: str, *args: object
    ) -> QMessageBox.StandardButton:
        shown.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(
        QMessageBox, "information", staticmethod(lambda _p, _t, text, *a: shown.append(text))
    )
    importer = Importer(ctx, runner, window)
    importer.start(source)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=15_000)
    wait_idle(qtbot, runner)
    preview, finished = shown
    summary = (
        "Importadas: 1 (posibles duplicados: 0); ya existían: 0; repetidas en el archivo: 1; "
        "rechazadas: 1 (expedientes nuevos: 1; personas: 1; audiencias: 0)."
    )
    assert summary in preview and summary in finished
    assert "Fila 4: La fila 2 da el mismo número A a otra persona" in preview
    assert "Fila 3 (repetida en el archivo): La misma persona que la fila 2." in preview
    assert count_cases(ctx) == 1


def test_a_court_to_be_confirmed_is_flagged_on_the_upcoming_board(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    from datetime import date, timedelta

    from PySide6.QtCore import Qt

    from legalaid.spreadsheets.importer import import_file
    from tests.ui.test_upcoming_ui import panel_for
    from ui.upcoming.upcoming_model import FLAG_COLUMN

    day = date.today() + timedelta(days=2)
    source = tmp_path / "nogales.csv"
    source.write_text(
        "expediente;apellidos;nombres;garita;fecha de audiencia;hora de audiencia\n"
        f"NOG-1;Valdez;Marta;NOG;{day:%d/%m/%Y};9:00\n",
        encoding="utf-8",
    )
    assert import_file(ctx, source).hearings_created == 1
    panel = panel_for(qtbot, ctx, runner)
    flag = panel.model.hearing_index(0, 0, FLAG_COLUMN)
    assert flag.data() == "Corte por confirmar, Sin verificar en 7 días"
    assert flag.data(Qt.ItemDataRole.ToolTipRole).startswith(
        "Todavía no se sabe la corte de esta audiencia"
    )
    assert flag.data(Qt.ItemDataRole.BackgroundRole) is not None
