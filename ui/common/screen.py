"""Windows sized from the screen they open on: an old 1366x768 laptop shows every window whole,
with its buttons, whatever size the window would like.

A window asks for the size it would like (``fit``); it gets that size or, on a small screen, the
screen's available area less room for the title bar, and it is placed inside that area. Dialogs
take ``FitsScreen``: each time they are shown they are kept inside the area again (a dialog grows
with its messages). Long forms scroll inside their window, so the buttons under them stay seen.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

TITLE_BAR = 32  # what a window manager's title bar may take above a window (not known before)
EDGE = 4  # a little room at the screen's edges


def available_area(widget: QWidget | None = None) -> QRect:
    """The screen's area free of panels and task bars, where ``widget`` is (or will be)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def largest(widget: QWidget | None = None) -> QSize:
    """The biggest window (its content, without the title bar) that fits on the screen."""
    area = available_area(widget)
    return QSize(area.width() - 2 * EDGE, area.height() - TITLE_BAR - 2 * EDGE)


def fit(window: QWidget, width: int, height: int) -> None:
    """Size ``window`` to ``width`` x ``height``, or less to fit the screen, and place it there."""
    size = QSize(width, height).boundedTo(largest(window))
    size = size.expandedTo(window.minimumSizeHint().boundedTo(largest(window)))
    window.resize(size)
    keep_inside(window)


def keep_inside(window: QWidget) -> None:
    """Shrink ``window`` to the screen if it is larger, and move it so that all of it (its title
    bar included) is on the screen."""
    area = available_area(window)
    biggest = largest(window)
    if window.width() > biggest.width() or window.height() > biggest.height():
        window.resize(window.size().boundedTo(biggest))
    frame = window.frameGeometry()
    top_room = max(TITLE_BAR, window.geometry().top() - frame.top())
    x = min(max(frame.left(), area.left() + EDGE), area.right() - EDGE - frame.width() + 1)
    y = min(
        max(frame.top(), area.top() + EDGE),
        area.bottom() - EDGE - window.height() - top_room + 1,
    )
    target = QPoint(max(area.left(), x), max(area.top(), y))
    if target != frame.topLeft():
        window.move(target)


class FitsScreen:
    """Mixin (before the Qt class) for dialogs: kept inside the screen each time shown."""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)  # type: ignore[misc]
        assert isinstance(self, QWidget)
        keep_inside(self)


def scrolling(content: QWidget) -> QScrollArea:
    """``content`` in a frameless scroll area: a long form scrolls, the window's buttons stay."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(content)
    return area
