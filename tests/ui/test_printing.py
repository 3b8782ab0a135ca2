from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlmodel import select

from legalaid.context import AppContext
from legalaid.documents import documents_for_case, reminder_letter
from legalaid.models import DocumentLogEntry
from legalaid.services.demo import generate_demo
from legalaid.services.upcoming import upcoming
from tests.core.helpers import family, hearing_in
from tests.ui.conftest import wait_idle
from ui.common.tasks import TaskRunner
from ui.printing import batch as batch_module
from ui.printing import preview as preview_module
from ui.printing.preview import PreviewDialog
from ui.upcoming.panel import UpcomingPanel


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_preview_then_save_as_and_print(
    qtbot: QtBot,
    ctx: AppContext,
    runner: TaskRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx.settings.organisation.phone = "+52 664 123 4567"  # no warning to answer first
    case = family(ctx)
    hearing_id = hearing_in(ctx, case.case.id, 5)
    document = reminder_letter(ctx, hearing_id)
    dialog = PreviewDialog(ctx, runner, document)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pdf.pageCount() >= 1
    assert documents_for_case(ctx, case.case.id) == []  # a preview records nothing
    target = tmp_path / "out" / "carta.pdf"
    target.parent.mkdir()
    starts: list[str] = []

    def save_name(parent: object, title: str, start: str, filter_: str) -> tuple[str, str]:
        starts.append(start)
        return str(target), filter_

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert target.read_bytes() == document.pdf
    assert dialog.status.text() == f"Guardado: {target}"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # remembers the folder
    wait_idle(qtbot, runner)
    assert Path(starts[1]).parent == target.parent
    printed = tmp_path / "printed.pdf"
    monkeypatch.setattr(preview_module, "new_printer", lambda _paper: pdf_printer(printed))
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Accepted)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert len(PdfReader(printed).pages) == dialog.pdf.pageCount()
    assert "Se envi" in dialog.status.text()
    assert len(documents_for_case(ctx, case.case.id)) == 3  # saved twice, printed once


@pytest.fixture
def folders(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The temporary folders the batch printer makes, in order."""
    made: list[Path] = []
    real = batch_module.private_dir

    def private_dir(kind: str) -> Path:
        made.append(Path(real(kind)))
        return made[-1]

    monkeypatch.setattr(batch_module, "private_dir", private_dir)
    return made


def select_all_groups(panel: UpcomingPanel) -> None:
    selection = panel.tree.selectionModel()
    for row in range(panel.model.rowCount()):
        selection.select(
            panel.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def test_batch_shows_progress_then_the_preview(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner
) -> None:
    panel = UpcomingPanel(demo_ctx, runner)
    qtbot.addWidget(panel)
    panel.show()
    panel.days.set_code("7")
    wait_idle(qtbot, runner)
    selection = panel.tree.selectionModel()
    selection.select(
        panel.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    chosen = panel.selected_rows()
    assert chosen and len(chosen) == len(panel.model.groups[0].rows)
    seen: list[tuple[int, int]] = []
    qtbot.mouseClick(panel.print_button, Qt.MouseButton.LeftButton)
    assert panel.batch.task is not None
    panel.batch.task.progressed.connect(lambda d, t: seen.append((d, t)))
    assert panel.batch.dialog is not None and panel.batch.dialog.isVisible()
    with qtbot.waitSignal(panel.batch.finished, timeout=60_000) as result:
        pass
    assert result.args[0].count == len(chosen) and not result.args[0].cancelled
    assert seen[-1] == (len(chosen), len(chosen))
    assert panel.batch.dialog is None
    preview = panel.batch.preview
    assert preview is not None and preview.pdf.pageCount() >= len(chosen)


def test_a_cancelled_batch_leaves_nothing_behind(
    qtbot: QtBot, demo_ctx: AppContext, runner: TaskRunner, folders: list[Path]
) -> None:
    panel = UpcomingPanel(demo_ctx, runner)
    qtbot.addWidget(panel)
    panel.days.set_code("30")
    wait_idle(qtbot, runner)
    select_all_groups(panel)
    qtbot.mouseClick(panel.print_button, Qt.MouseButton.LeftButton)
    assert panel.batch.dialog is not None
    cancel = panel.batch.dialog.findChild(QPushButton)
    assert cancel is not None
    assert cancel.text() == "Cancelar"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.batch.finished, timeout=60_000) as result:
        pass
    assert result.args[0].cancelled
    assert panel.batch.preview is None
    assert not folders[0].exists()


def test_the_batch_preview_shows_its_file_and_removes_it_when_closed(
    qtbot: QtBot,
    demo_ctx: AppContext,
    runner: TaskRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    folders: list[Path],
) -> None:
    demo_ctx.settings.organisation.phone = "+52 664 123 4567"  # no warning to answer first
    window = QWidget()
    qtbot.addWidget(window)
    printer = batch_module.BatchPrinter(demo_ctx, runner, window)
    coming = [r for r in upcoming(demo_ctx, 14) if r.status == "scheduled"]
    ids = [r.hearing_id for r in coming if r.report_at > datetime.now(UTC)][:3]  # no warning
    logged_before = logged_letters(demo_ctx)
    with qtbot.waitSignal(printer.finished, timeout=60_000):
        printer.start(ids)
    assert logged_letters(demo_ctx) == logged_before  # only previewed: nothing handed out yet
    preview = printer.preview
    assert preview is not None
    document = preview.document
    assert document.path == folders[0] / "reminders.pdf"
    assert not hasattr(document, "pdf")  # the client keeps no copy of the letters in memory
    assert preview.pdf.pageCount() == len(PdfReader(document.path).pages) >= len(ids)
    target = tmp_path / "cartas.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(target), a[-1]))
    )
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert target.read_bytes() == document.path.read_bytes()
    saved = logged_letters(demo_ctx)
    assert saved - logged_before == Counter(ids)  # saving logged each letter once...
    assert logged_files(demo_ctx, ids) == {str(target)}  # ...with the file it was saved to
    printed = tmp_path / "printed.pdf"
    monkeypatch.setattr(preview_module, "new_printer", lambda _paper: pdf_printer(printed))
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Accepted)
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, runner)
    assert len(PdfReader(printed).pages) == preview.pdf.pageCount()
    assert logged_letters(demo_ctx) - saved == Counter(ids)  # and printing once more
    preview.close()  # deleted on close: the file is let go, then its folder removed
    qtbot.waitUntil(lambda: not folders[0].exists(), timeout=5_000)
    assert not shiboken6.isValid(preview)


def logged_letters(ctx: AppContext) -> Counter[str | None]:
    with ctx.db.read() as session:
        return Counter(session.exec(select(DocumentLogEntry.hearing_id)).all())


def logged_files(ctx: AppContext, ids: list[str]) -> set[str]:
    with ctx.db.read() as session:
        rows = session.exec(
            select(DocumentLogEntry.file).where(DocumentLogEntry.hearing_id.in_(ids))  # type: ignore[union-attr]
        ).all()
    return set(rows)


def test_the_window_keeps_handling_events_while_a_batch_is_laid_out(
    qtbot: QtBot, ctx: AppContext, runner: TaskRunner
) -> None:
    """The letters are laid out in worker processes: the window's own timer keeps firing
    while they work, and the result opens in a paged preview. (How long the longest stall is,
    for a batch of 1,000, is a figure of the benchmark, tests/benchmarks/bench_ui.py.)"""
    generate_demo(ctx, 300, seed=11)
    ids = [r.hearing_id for r in upcoming(ctx, 80) if r.status == "scheduled"][:150]
    assert len(ids) == 150
    panel = UpcomingPanel(ctx, runner)
    qtbot.addWidget(panel)
    panel.show()
    wait_idle(qtbot, runner)
    ticks: list[float] = []
    laid_out: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()
    task = panel.batch.start(ids)

    def progressed(done: int, total: int) -> None:
        if done == total:
            laid_out.append(time.perf_counter())

    task.progressed.connect(progressed)
    with qtbot.waitSignal(panel.batch.finished, timeout=180_000) as result:
        pass
    timer.stop()
    assert result.args[0].count == 150 and laid_out
    # Laid out on this thread, the timer could not have fired until the letters were done.
    assert sum(started < t < laid_out[0] for t in ticks) >= 3
    preview = panel.batch.preview
    assert preview is not None and preview.pdf.pageCount() >= 150
    assert preview.view.pageMode() == QPdfView.PageMode.SinglePage  # no layout of every page
    preview.page.setValue(100)
    assert preview.view.pageNavigator().currentPage() == 99
