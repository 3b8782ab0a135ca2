"""Printing a PDF on a QPrinter: each page rendered by QtPdf, off the UI thread.

Qt allows painting on a QPrinter from a worker thread; the job opens its own QPdfDocument.
Pages are rendered at no more than 300 dpi (a 1200 dpi letter page would take half a gigabyte).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QFile,
    QIODevice,
    QObject,
    QRect,
    QSize,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from legalaid.errors import LegalAidError
from legalaid.i18n import N_
from ui.common.tasks import Control

MAX_DPI = 300
PAPER = {"letter": QPageSize.PageSizeId.Letter, "a4": QPageSize.PageSizeId.A4}


def new_printer(paper: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(PAPER.get(paper, QPageSize.PageSizeId.Letter)))
    printer.setFullPage(True)
    return printer


def name_the_job(printer: QPrinter, file_name: str) -> None:
    """The job's name and, for "Print to file", a file name that can be written: ``file_name``
    (made from the title, without "/") in the person's documents folder. A real printer stays
    the first choice when there is one."""
    folder = Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    )
    if not folder.is_dir():
        folder = Path.home()
    printer.setDocName(Path(file_name).stem)
    if printer.outputFileName():
        return  # a file was chosen already
    printer.setOutputFileName(str(folder / file_name))
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)


def load_pdf(source: bytes | Path, parent: QObject | None = None) -> tuple[QPdfDocument, QIODevice]:
    """A QPdfDocument over the bytes or the file; keep the device alive as long as the document.

    A file is read page by page as it is shown, never copied into memory: a 1,000-letter batch
    is about 6 MB, held twice (bytes, then a QByteArray) when it went through a buffer. Close
    the device to let go of the file.
    """
    document = QPdfDocument(parent) if parent is not None else QPdfDocument()
    device: QIODevice
    if isinstance(source, Path):
        device = QFile(str(source), document)
    else:
        device = QBuffer(document)
        device.setData(QByteArray(source))
    device.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(device)
    if document.status() != QPdfDocument.Status.Ready:
        raise LegalAidError(N_("This document cannot be shown: the PDF is damaged."))
    return document, device


def print_pdf(data: bytes, printer: QPrinter, control: Control | None = None) -> int:
    """Render every page onto the printer; returns the pages printed (stops when cancelled)."""
    document, _buffer = load_pdf(data)
    pages = document.pageCount()
    painter = QPainter()
    if not painter.begin(printer):
        raise LegalAidError(N_("The printer cannot be opened. Check that it is on and try again."))
    printed = 0
    try:
        for page in range(pages):
            if control is not None and control.cancelled():
                printer.abort()
                break
            if page:
                printer.newPage()
            _draw_page(document, page, painter, printer)
            printed += 1
            if control is not None:
                control.progress(printed, pages)
    finally:
        painter.end()
    return printed


def _draw_page(document: QPdfDocument, page: int, painter: QPainter, printer: QPrinter) -> None:
    target = painter.viewport()
    points = document.pagePointSize(page)
    dpi = min(printer.resolution(), MAX_DPI)
    size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
    image = document.render(page, size)
    scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
    painter.drawImage(QRect(target.topLeft(), scaled), image)
