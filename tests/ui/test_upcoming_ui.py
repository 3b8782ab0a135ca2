from __future__ import annotations

from datetime import time

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.services.upcoming import upcoming
from tests.core.helpers import family, hearing_in
from tests.ui.conftest import wait_idle
from ui.common.tasks import TaskRunner
from ui.printing.preview import PreviewDialog
from ui.upcoming.panel import UpcomingPanel
from ui.upcoming.upcoming_model import FLAG_COLUMN, UpcomingModel


def panel_for(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> UpcomingPanel:
    panel = UpcomingPanel(ctx, runner)
    qtbot.addWidget(panel)
    panel.show()
    panel.refresh()
    wait_idle(qtbot, runner)
    return panel


def select_row(panel: UpcomingPanel, group: int, row: int) -> None:
    index = panel.model.hearing_index(group, row)
    panel.tree.selectionModel().select(
        index,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def test_model_passes_the_model_tester(qtmodeltester: ModelTester, demo_ctx: AppContext) -> None:
    model = UpcomingModel()
    model.set_rows(upcoming(demo_ctx, 14))
    assert model.hearing_count() > 0 and model.rowCount() > 1
    qtmodeltester.check(model, force_py=True)


def test_empty_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(UpcomingModel(), force_py=True)


def test_grouped_by_date_and_crossing_ordered_by_report_time(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    late, early = family(ctx, a_number=None), family(ctx, a_number=None, crossing="ELP")
    hearing_in(ctx, late.case.id, 2, at=time(13, 0))
    hearing_in(ctx, late.case.id, 3, at=time(8, 0))
    hearing_in(ctx, early.case.id, 2, at=time(9, 0), crossing="ELP", court="ELP")
    panel = panel_for(qtbot, ctx, runner)
    groups = panel.model.groups
    assert [(g.crossing, len(g.rows)) for g in groups] == [("ELP", 1), ("SYS", 1), ("SYS", 1)]
    title = panel.model.index(0, 0).data()
    assert "ELP" in title and "1 audiencia" in title and "2 personas" in title
    assert panel.summary.text().startswith("3 audiencias · 3 sin verificar")


def test_flags_are_visible_at_a_glance(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 1)
    panel = panel_for(qtbot, ctx, runner)
    flag = panel.model.hearing_index(0, 0, FLAG_COLUMN)
    assert flag.data() == "Sin verificar en 7 días"
    assert "1-800-898-7180" in flag.data(Qt.ItemDataRole.ToolTipRole)
    assert flag.data(Qt.ItemDataRole.BackgroundRole) is not None
    select_row(panel, 0, 0)
    qtbot.mouseClick(panel.verify_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert panel.model.hearing_index(0, 0, FLAG_COLUMN).data() == ""


def test_copy_the_household_message(qtbot: QtBot, ctx: AppContext, runner: TaskRunner) -> None:
    case = family(ctx, given="Iñaki")
    hearing_in(ctx, case.case.id, 3)
    panel = panel_for(qtbot, ctx, runner)
    messages: list[str] = []
    panel.status_message.connect(messages.append)
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert panel.error.text() == "Primero seleccione una o más audiencias."
    select_row(panel, 0, 0)
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert "Iñaki" in QApplication.clipboard().text()
    assert messages == [f"Mensaje de {case.case.case_number} copiado: péguelo en el chat."]
    panel.copy_en.trigger()
    wait_idle(qtbot, runner)
    assert "hearing" in QApplication.clipboard().text().lower()


def test_daily_crossing_list_opens_in_the_preview(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    case = family(ctx)
    hearing_in(ctx, case.case.id, 2)
    panel = panel_for(qtbot, ctx, runner)
    panel.tree.setCurrentIndex(panel.model.index(0, 0))
    qtbot.mouseClick(panel.list_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    previews = [w for w in QApplication.topLevelWidgets() if w.objectName() == "previewDialog"]
    assert previews and isinstance(previews[-1], PreviewDialog)
    assert previews[-1].isVisible() and previews[-1].pdf.pageCount() >= 1


def test_the_summary_counts_read_in_the_interface_language(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    from legalaid.services.upcoming import UpcomingCounts

    panel = panel_for(qtbot, ctx, runner)  # the counts are the whole window's, not the page's
    panel._counted(panel._generation, UpcomingCounts(hearings=12_345, not_verified=1_200, missed=1))
    assert panel.summary.text() == "12,345 audiencias · 1,200 sin verificar · 1 no se presentó"
    assert panel.model.rowCount() == 0


def test_the_rows_read_in_the_new_language_after_a_switch(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    from ui.common.language import LanguageSwitcher

    case = family(ctx)
    hearing_in(ctx, case.case.id, 1, at=time(13, 30))
    panel = panel_for(qtbot, ctx, runner)
    flag, hearing = (panel.model.hearing_index(0, 0, c) for c in (FLAG_COLUMN, 1))
    title = panel.model.index(0, 0)
    assert flag.data() == "Sin verificar en 7 días" and hearing.data() == "1:30 p. m."
    assert "1 audiencia" in title.data()
    panel.tree.viewport().repaint()  # painted once: the texts are kept for the next paint
    switcher = LanguageSwitcher.of(QApplication.instance())  # type: ignore[arg-type]
    try:
        switcher.apply("en")
        assert flag.data() == "Not verified in 7 days" and hearing.data() == "1:30 PM"
        assert "1 hearing" in title.data()
    finally:
        switcher.apply("es")


def test_the_window_comes_in_pages_as_the_list_is_scrolled(
    qtbot: QtBot, qtmodeltester: ModelTester, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    from ui.upcoming.upcoming_model import group_rows

    whole = upcoming(demo_ctx, 30)
    panel = UpcomingPanel(demo_ctx, runner)
    qtbot.addWidget(panel)
    panel.resize(1000, 400)
    panel.show()
    panel.page_size = 25
    panel.days.set_code("30")  # refreshes
    wait_idle(qtbot, runner)
    first = panel.model.hearing_count()
    assert 25 <= first < len(whole) and panel.has_more()  # the view is filled, not more
    assert panel.summary.text().startswith(f"{len(whole)} audiencias")  # the whole window's
    bar = panel.tree.verticalScrollBar()
    for _ in range(200):
        if not panel.has_more():
            break
        bar.setValue(bar.maximum())  # the person scrolls to the end: the next page comes
        wait_idle(qtbot, runner)
    assert not panel.has_more() and panel.model.hearing_count() == len(whole)
    expected = [(g.day, g.crossing, [r.hearing_id for r in g.rows]) for g in group_rows(whole)]
    shown = [(g.day, g.crossing, [r.hearing_id for r in g.rows]) for g in panel.model.groups]
    assert shown == expected
    for row in panel.model.title_rows:  # every group's title spans the row
        assert panel.tree.columnSpan(row, 0) == panel.model.columnCount()
    assert panel.tree.columnSpan(panel.model.title_rows[-1] + 1, 0) == 1
    qtmodeltester.check(panel.model, force_py=True)
