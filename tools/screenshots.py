"""The README's screenshots, taken of the whole screen of a 1366x768 laptop.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tools/screenshots.py docs/screenshots

A demo home (2,000 made-up households, unencrypted) is made in a temporary folder; each picture
is the X screen as a person would see it (no window manager: no title bars), windows placed and
sized by the program itself. Keys are typed through the windows, as in the tests.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, time, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from legalaid.context import AppContext
from legalaid.home import open_home
from legalaid.services.cases import get_case
from legalaid.services.demo import generate_demo
from legalaid.services.hearings import HearingInput, reschedule_hearing, schedule_hearing
from ui.app import application
from ui.common.language import LanguageSwitcher

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")


def wait(ms: int = 400) -> None:
    QTest.qWait(ms)


def until(check, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    import time as clock

    end = clock.monotonic() + timeout
    while not check():
        if clock.monotonic() > end:
            raise TimeoutError("the window did not get there")
        QTest.qWait(50)


def grab(name: str) -> None:
    wait(600)
    QCoreApplication.processEvents()
    picture = QGuiApplication.primaryScreen().grabWindow(0)
    picture.save(str(OUT / f"{name}.png"))
    print(f"{name}.png {picture.width()}x{picture.height()}")


def type_keys(window: QWindow, text: str) -> None:
    for char in text:
        upper = char.upper()
        key = Qt.Key(ord(upper)) if ord(upper) < 0x100 else Qt.Key.Key_unknown
        QTest.sendKeyEvent(QTest.KeyAction.Click, window, key, char, Qt.KeyboardModifier.NoModifier)
    QCoreApplication.processEvents()


def type_into(widget: QWidget, text: str) -> None:
    widget.window().activateWindow()
    widget.setFocus()
    QCoreApplication.processEvents()
    handle = widget.window().windowHandle()
    assert handle is not None
    type_keys(handle, text)


def close_all() -> None:
    for window in QApplication.topLevelWidgets():
        if window.isVisible():
            window.hide()
    wait(200)


def demo_home(root: Path) -> tuple[AppContext, str]:
    ctx = open_home(root / "demo", unencrypted=True)
    ctx.settings.staff_name = "Ana (demo)"
    generate_demo(ctx, 2000, seed=7)
    from legalaid.services.search import search_cases

    case_id = search_cases(ctx, "hernandez", limit=1)[0].case_id
    detail = get_case(ctx, case_id)
    live = [h for h in detail.hearings if h.status == "scheduled"]
    soon = date.today() + timedelta(days=12)
    if live:
        reschedule_hearing(
            ctx,
            live[-1].id,
            live[-1].version,
            HearingInput(
                court="SDG", crossing="SYS", day=soon, at=time(8, 30), source="tear_sheet"
            ),
        )
    else:
        schedule_hearing(ctx, case_id, HearingInput(court="SDG", day=soon, at=time(8, 30)))
    return ctx, case_id


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = application()
    switcher = LanguageSwitcher.of(app)
    switcher.apply("es")
    screen = QGuiApplication.primaryScreen().availableGeometry()
    print(f"screen {screen.width()}x{screen.height()}")
    from ui.editor.hearing_dialog import HearingDialog
    from ui.security.unlock import RecoveryKeyDialog, UnlockDialog
    from ui.window.main_window import MainWindow

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        # First run: the passphrase and the recovery key, in English.
        switcher.apply("en")
        first = UnlockDialog(root / "new", new=True)
        first.show()
        type_into(first.passphrase, "short")
        first.unlock()
        grab("first-run-en")
        first.hide()
        empty = open_home(root / "empty", unencrypted=True)
        key = RecoveryKeyDialog("7KQM-2XRT-PL9D-WV4H-ZC8N-3FJB", ctx=empty)
        key.show()
        grab("recovery-key-en")
        key.confirmed = True
        key.close()
        window = MainWindow(empty, switcher)
        window.show()
        until(lambda: window.stack.currentWidget() is window.welcome)
        grab("welcome-en")
        window.close()
        empty.close()
        switcher.apply("es")

        ctx, case_id = demo_home(root)
        window = MainWindow(ctx, switcher)
        window.show()
        until(lambda: window.loaded_behind and window.runner.active == 0)
        type_into(window.cases.search, "hernandez")
        until(lambda: window.runner.active == 0)
        grab("cases-es")
        switcher.apply("en")
        wait()
        grab("cases-en")
        window.show_view(1)
        until(lambda: window.runner.active == 0)
        grab("upcoming-en")
        switcher.apply("es")
        until(lambda: window.runner.active == 0)
        grab("upcoming-es")
        window.show_view(0)

        editor = window.open_case(case_id)
        until(lambda: window.runner.active == 0)
        grab("editor-es")
        person = editor.household.people[0]
        editor.household.scroller.ensureWidgetVisible(person)
        person.birth.edit.clear()
        type_into(person.birth, "31/02/1990")
        editor.save()
        until(lambda: window.runner.active == 0)
        grab("validation-es")
        editor.reload()  # the stored case again, nothing typed
        until(lambda: window.runner.active == 0)
        editor.error.show_message("")
        editor.tabs.setCurrentWidget(editor.hearings)
        switcher.apply("en")
        wait()
        grab("hearings-en")
        switcher.apply("es")
        old = editor.hearings.selected()
        dialog = HearingDialog(
            window.runner, window.reference, lambda d: None, rescheduling=old, parent=editor
        )
        dialog.show()
        type_into(dialog.day, "14 ene 2027")
        type_into(dialog.at, "8:30 a. m.")
        grab("reschedule-es")
        dialog.close()
        editor.print_reminder()
        until(lambda: window.runner.active == 0)
        until(lambda: any(w.objectName() == "previewDialog" for w in app.topLevelWidgets()))
        grab("preview-es")
        close_all()
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
