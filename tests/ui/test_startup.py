"""Start-up: the window and its first rows come before the ORM, the PDF and crypto libraries,
which load behind the painted window; the database connection used for the first screen is
plain SQLite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from legalaid.context import AppContext

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "reportlab", "pypdf", "openpyxl")

CHILD = """
import json, sys, time
import PySide6.QtCore
from ui.app import application
from ui.common.language import LanguageSwitcher
from ui.window.main_window import MainWindow
from legalaid.home import open_home

HEAVY = {heavy!r}
app = application()
switcher = LanguageSwitcher.of(app)
switcher.apply("es")
ctx = open_home(sys.argv[1], unencrypted=True)
window = MainWindow(ctx, switcher)
window.show()
model = window.cases.model
deadline = time.monotonic() + 30
while model.rowCount() == 0 and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.001)
window.cases.table.viewport().repaint()
first = {{
    "rows": model.rowCount(),
    "cell": model.index(0, 0).data(),
    "heavy": sorted(m for m in sys.modules if m.split(".")[0] in HEAVY),
    "filter": window.idle.watching,
    "qt_namespace": "Qt" in vars(PySide6.QtCore),
    "search_focused": app.focusWidget() is window.cases.search,
    "sorting": window.cases.table.isSortingEnabled(),
    "title": window.cases.table.horizontalHeader().model().horizontalHeaderItem(6).text(),
}}
while not window.loaded_behind and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.001)
after = {{
    "loaded": window.loaded_behind,
    "crossings": len(window.reference.crossings),
    "orm": "sqlmodel" in sys.modules,
    "filter": window.idle.watching,
    "sorting": window.cases.table.isSortingEnabled(),
}}
print(json.dumps({{"first": first, "after": after}}), flush=True)
ctx.close()
"""


def test_first_rows_come_before_the_orm_and_the_rest_loads_behind(demo_ctx: AppContext) -> None:
    demo_ctx.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(heavy=HEAVY), str(demo_ctx.home.root)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    first, after = answer["first"], answer["after"]
    assert first["rows"] == 300 and first["cell"].startswith("DEMO-")
    assert first["heavy"] == []  # nothing of the ORM, the PDFs or the spreadsheets yet
    assert first["filter"] is False  # the idle watcher's app-wide filter comes after
    # PySide6's Qt namespace (93 enums, ~15 ms) is not made for the first screen: the header
    # has its titles, and sorting by a column comes on behind.
    assert first["qt_namespace"] is False
    assert first["title"] == "Próxima audiencia" and first["sorting"] is False
    assert first["search_focused"] is True  # typing at once finds a case
    assert after["loaded"] and after["crossings"] > 0  # the reference lists arrived behind
    assert after["orm"] and after["filter"] is True and after["sorting"] is True


def test_pyside_is_told_which_modules_use_it_instead_of_reading_them() -> None:
    from ui import startup

    known = sys.modules["shibokensupport.feature"].pyside_feature_dict
    # they use PySide6
    assert known["ui.window.main_window"] == 0 and known["ui.editor.case_editor"] == 0
    assert known["legalaid.documents.batch"] == -1 and known["legalaid.db"] == -1  # never
    assert startup.name_pyside_modules() >= 0  # again: harmless
