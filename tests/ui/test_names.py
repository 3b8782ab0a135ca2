"""Crossings and courts are read by their names, never their codes, and the history shows no
stored value raw ("es,en", "America/Los_Angeles", "young_children")."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.cases import CaseInput, get_case, update_case
from legalaid.services.risk import RiskInput, add_assessment
from tests.core.helpers import family, hearing_in
from tests.ui.conftest import main_window, wait_idle
from tests.ui.test_case_editor import new_editor
from tests.ui.test_history import rows
from tests.ui.walk import visible_texts
from ui.common.language import LanguageSwitcher
from ui.common.reference import load_reference
from ui.common.tasks import TaskRunner
from ui.editor.conflict import comparison

RAW = re.compile(r"\bes,en\b|America/|\b[a-z]+_[a-z_]+\b|\b(?:SYS|ELP|SDG|CAL|BRO|LRD|EGP|NOG)\b")


def test_the_case_list_and_upcoming_name_the_crossing_and_court(
    qtbot: QtBot, ctx: AppContext
) -> None:
    case = family(ctx, crossing="ELP")
    hearing_in(ctx, case.case.id, 2, crossing="ELP", court="ELP")
    window = main_window(qtbot, ctx)
    model = window.cases.model
    qtbot.waitUntil(lambda: model.index(0, 4).data() == "El Paso")
    window.show_view(1)
    upcoming = window.upcoming
    wait_idle(qtbot, window.runner)
    qtbot.waitUntil(lambda: upcoming.model.rowCount() == 2)
    title = upcoming.model.index(0, 0).data()
    assert " · El Paso · " in title, title
    assert upcoming.model.index(1, 5).data() == "Corte de Inmigración de El Paso"
    LanguageSwitcher.of(QApplication.instance()).apply("en")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: upcoming.model.index(1, 5).data() == "El Paso Immigration Court")
    lists = visible_texts(window.cases.table) + visible_texts(upcoming.tree)
    assert "El Paso" in lists and not [t for t in lists if RAW.search(t)], lists


def test_hearings_history_and_conflicts_show_names_and_words(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 9)
    add_assessment(
        ctx,
        case.case.id,
        RiskInput(level="high", factors=["young_children"], consent_sensitive=True),
        [],
    )
    detail = get_case(ctx, case.case.id)
    update_case(
        ctx,
        case.case.id,
        detail.case.version,
        CaseInput(crossing="SYS", court="SDG", city="Tijuana", letter_languages="es"),
    )
    editor = new_editor(qtbot, ctx, runner, case.case.id)
    tab = editor.hearings
    assert tab.model.index(0, 3).data() == "Corte de Inmigración de San Diego"
    assert tab.model.index(0, 4).data() == "San Ysidro"
    qtbot.waitUntil(lambda: len(rows(editor)) >= 4)
    texts = [t for row in rows(editor) for t in (row[2], *row[3])]
    assert not [t for t in texts if RAW.search(t)], texts
    assert "Idiomas de la carta: Español e inglés → Solo español" in texts
    assert any(t.endswith("→ hora del Pacífico") for t in texts), texts
    assert "Factores de riesgo: — → Niños pequeños en la familia" in texts
    shown = comparison(editor.draft(), get_case(ctx, case.case.id), load_reference(ctx))
    assert not [row for row in shown if any(RAW.search(cell) for cell in row)], shown
    assert ("Garita", "San Ysidro", "San Ysidro") in shown
