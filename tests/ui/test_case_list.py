from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.search import count_cases
from tests.core.helpers import family
from tests.ui.conftest import wait_idle
from ui.cases.case_list import CaseListPanel
from ui.cases.case_model import FIRST_SCREEN, PAGE, CaseListModel, CaseQuery
from ui.common.tasks import TaskRunner


def test_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    model = CaseListModel(demo_ctx, runner)
    model.refresh()
    wait_idle(qtbot, runner)
    # A new query's first answer: the rows a screen shows; the rest of the page when asked.
    assert model.total == 300 and model.rowCount() == 300 and model.rows_held() == FIRST_SCREEN
    assert model.index(FIRST_SCREEN - 1, 0).data().startswith("DEMO-")
    assert model.index(FIRST_SCREEN, 0).data() == "…"  # asked for now, on a worker
    wait_idle(qtbot, runner)
    assert model.index(FIRST_SCREEN, 0).data().startswith("DEMO-")
    assert model.rows_held() == PAGE
    qtmodeltester.check(model, force_py=True)
    wait_idle(qtbot, runner)


def test_pages_load_where_the_view_looks_and_never_all(
    qtbot: QtBot, runner: TaskRunner, demo_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ui.cases.case_model.PAGE", 20)
    monkeypatch.setattr("ui.cases.case_model.MAX_PAGES", 3)
    model = CaseListModel(demo_ctx, runner)
    model.refresh()
    wait_idle(qtbot, runner)
    assert model.rowCount() == 300 and model.rows_held() == 20
    assert model.index(299, 0).data() == "…"  # not loaded yet: asked for, on a worker
    wait_idle(qtbot, runner)
    assert model.index(299, 0).data().startswith("DEMO-")
    for row in range(0, 300, 20):  # scroll top to bottom
        model.index(row, 0).data()
        wait_idle(qtbot, runner)
    assert model.rows_held() <= 3 * 20  # a window, never the whole list
    newest_first = [model.index(r, 0).data() for r in range(280, 300)]
    assert newest_first == sorted(newest_first, reverse=True)


def test_sorting_happens_in_sql(qtbot: QtBot, runner: TaskRunner, demo_ctx: AppContext) -> None:
    model = CaseListModel(demo_ctx, runner)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    wait_idle(qtbot, runner)
    for row in range(FIRST_SCREEN, 300):  # the rest of page 0, and page 1
        model.index(row, 0).data()
    wait_idle(qtbot, runner)
    numbers = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert numbers == sorted(numbers, reverse=True)
    assert all(isinstance(model.index(0, c).data(), str) for c in range(model.columnCount()))
    model.sort(1, Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, runner)
    assert model.query.order == "name"


def test_search_with_and_without_accents(qtbot: QtBot, runner: TaskRunner, ctx: AppContext) -> None:
    family(ctx, given="José", family_names="Íñiguez Núñez", a_number="A 012-345-678")
    family(ctx, given="Juan", family_names="Pérez López", a_number=None)
    panel = CaseListPanel(ctx, runner)
    qtbot.addWidget(panel)
    wait_idle(qtbot, runner)
    assert panel.model.rowCount() == 2
    for text in ("iniguez nunez", "Íñiguez", "JOSE", "012345678", "A 012-345-678"):
        panel.search.setText(text)

        def searched(t: str = text) -> bool:
            return panel.model.query.text == t

        qtbot.waitUntil(searched, timeout=2000)
        wait_idle(qtbot, runner)
        assert panel.model.rowCount() == 1, text
        assert panel.model.index(0, 1).data() == "José Íñiguez Núñez"
    panel.search.setText("zzz")
    qtbot.waitUntil(lambda: panel.model.total == 0, timeout=3000)
    assert panel.count.text() == "0 expedientes"


def test_typing_fast_keeps_only_the_last_answer(
    qtbot: QtBot, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    model = CaseListModel(demo_ctx, runner)
    for text in ("m", "ma", "mar", "mari", "maria"):
        model.set_query(CaseQuery(text=text))
    wait_idle(qtbot, runner)
    assert model.query.text == "maria"
    assert model.total == count_cases(demo_ctx, "maria") > 0


HORIZONTAL = Qt.Orientation.Horizontal


def test_the_fixed_columns_show_their_whole_header_in_both_languages(
    qtbot: QtBot, runner: TaskRunner, ctx: AppContext
) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.common.language import LanguageSwitcher

    panel = CaseListPanel(ctx, runner)
    qtbot.addWidget(panel)
    panel.show()
    wait_idle(qtbot, runner)
    switcher = LanguageSwitcher.of(QApplication.instance())  # type: ignore[arg-type]
    header = panel.table.horizontalHeader()
    try:
        for language, title in (("es", "Próxima audiencia"), ("en", "Next hearing")):
            switcher.apply(language)

            def model_says(t: str = title) -> bool:
                return panel.model.headerData(6, HORIZONTAL) == t

            def header_says(t: str = title) -> bool:
                return header.model().headerData(6, HORIZONTAL) == t

            def header_fits(t: str = title) -> bool:
                return header.sectionSize(6) > header.fontMetrics().horizontalAdvance(t)

            qtbot.waitUntil(model_says)
            qtbot.waitUntil(header_says)
            qtbot.waitUntil(header_fits)
    finally:
        switcher.apply("es")


def test_the_model_speaks_qt_s_numbers_for_roles_and_alignment() -> None:
    from ui.cases import case_model

    assert Qt.ItemDataRole.DisplayRole.value == case_model.DISPLAY
    assert Qt.ItemDataRole.ToolTipRole.value == case_model.TOOLTIP
    assert Qt.ItemDataRole.TextAlignmentRole.value == case_model.ALIGNMENT
    assert Qt.ItemDataRole.UserRole.value + 1 == case_model.CASE_ID_ROLE
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert right.value == case_model.RIGHT


def test_clicking_a_header_sorts_once_sorting_is_on(
    qtbot: QtBot, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    from PySide6.QtCore import QPoint

    panel = CaseListPanel(demo_ctx, runner)
    qtbot.addWidget(panel)
    panel.resize(1200, 600)
    panel.show()
    wait_idle(qtbot, runner)
    header = panel.table.horizontalHeader()
    # The titles (and their tooltips) come from the header's own model, in the language shown.
    assert header.model().headerData(1, HORIZONTAL) == "Titular"
    assert panel.model.headerData(1, HORIZONTAL) == "Titular"
    tip = Qt.ItemDataRole.ToolTipRole
    assert header.model().headerData(1, HORIZONTAL, tip) == panel.model.headerData(
        1, HORIZONTAL, tip
    )
    assert not header.model().headerData(2, HORIZONTAL, tip)  # the A-number: not sortable
    panel.enable_sorting()
    assert panel.model.query.order == "recent" and header.sortIndicatorSection() == -1

    def click(column: int) -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        wait_idle(qtbot, runner)

    click(1)
    assert panel.model.query.order == "name" and header.sortIndicatorSection() == 1
    first = panel.model.index(0, 1).data()
    click(1)  # again: the other way round
    assert panel.model.query.descending != (
        header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    )
    assert panel.model.index(0, 1).data() != first


def test_a_broad_search_says_more_than_then_grows_to_every_match(
    qtbot: QtBot, runner: TaskRunner, demo_ctx: AppContext
) -> None:
    panel = CaseListPanel(demo_ctx, runner)
    qtbot.addWidget(panel)
    wait_idle(qtbot, runner)
    panel.model.count_cap = 10
    every = count_cases(demo_ctx, "DEMO")
    assert every == 300  # every demo case number holds "DEMO"
    seen: list[tuple[str, bool, int]] = []
    panel.model.loaded.connect(
        lambda total: seen.append((panel.count.text(), panel.model.more, total))
    )
    panel.search.setText("DEMO")
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    wait_idle(qtbot, runner)
    # First "more than 10" with eleven rows, then the exact count: every match reachable.
    assert seen[0] == ("Más de 10 expedientes", True, 11)
    assert seen[1][1:] == (False, every) and panel.model.rowCount() == every
    assert panel.count.text() == "300 expedientes"
    last = panel.model.index(every - 1, 0)
    last.data()
    wait_idle(qtbot, runner)
    assert panel.model.index(every - 1, 0).data().startswith("DEMO-")
