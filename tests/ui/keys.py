"""Typing the way a keyboard does: key events delivered to the window, not to a widget.

A real key press reaches Qt through the window (``QWindow``): shortcuts are looked up first,
then the window's focus widget gets the key, and whatever moves the focus (a date editor
jumping to its next section, Tab) decides where the next key goes. Sending characters straight
to a widget skips all of that, and a test can pass while a person typing the same keys stores
something else. Every UI test types with these helpers.

Each character is sent with its key code and its text, non-ASCII letters included ("ñ", "é":
``QTest.keyClicks`` aborts the process on those; ``sendKeyEvent`` with the text does not).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def window_of(widget: QWidget) -> QWindow:
    """The native window a widget's keys arrive through (shown, so that it exists)."""
    top = widget.window()
    if not top.isVisible():
        top.show()
    handle = top.windowHandle()
    assert handle is not None, f"{top!r} has no window: show it before typing"
    return handle


def focus(widget: QWidget) -> QWindow:
    """Activate the widget's window and put the cursor in the widget, as a click would."""
    handle = window_of(widget)
    top = widget.window()
    top.activateWindow()
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    QCoreApplication.processEvents()
    return handle


def key_of(char: str) -> tuple[Qt.Key, Qt.KeyboardModifier]:
    """The key (and Shift) a keyboard sends for one character."""
    if char == "\n":
        return Qt.Key.Key_Return, NO_MODIFIER
    if char == "\t":
        return Qt.Key.Key_Tab, NO_MODIFIER
    upper = char.upper()
    shift = Qt.KeyboardModifier.ShiftModifier if char != char.lower() else NO_MODIFIER
    if len(upper) == 1 and ord(upper) < 0x100:
        return Qt.Key(ord(upper)), shift  # Qt's key codes are Latin-1 for these keys
    return Qt.Key.Key_unknown, shift


def type_keys(window: QWindow, text: str) -> None:
    """Type ``text`` into whatever has the focus in ``window``, one key press at a time."""
    for char in text:
        key, modifier = key_of(char)
        QTest.sendKeyEvent(QTest.KeyAction.Click, window, key, char, modifier)
    QCoreApplication.processEvents()


def type_into(widget: QWidget, text: str, *, clear: bool = False) -> None:
    """Click into ``widget`` and type ``text`` through its window (Ctrl+A, Delete first with
    ``clear``)."""
    handle = focus(widget)
    if clear:
        press(handle, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        press(handle, Qt.Key.Key_Delete)
    type_keys(handle, text)


def press(
    target: QWindow | QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MODIFIER
) -> None:
    """One key (with modifiers) through the window: Tab, Return, Ctrl+S..."""
    window = target if isinstance(target, QWindow) else window_of(target)
    text = {Qt.Key.Key_Return: "\r", Qt.Key.Key_Tab: "\t"}.get(key, "")
    if modifier & Qt.KeyboardModifier.ControlModifier:
        text = ""
    QTest.sendKeyEvent(QTest.KeyAction.Click, window, key, text, modifier)
    QCoreApplication.processEvents()
