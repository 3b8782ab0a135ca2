"""The core stays free of Qt, so it runs in the command line, in tests and on a server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT = re.compile(r"^\s*(from|import)\s+(PySide6|shiboken6|PyQt\d)\b", re.MULTILINE)


def test_no_qt_import_in_the_core_sources() -> None:
    offenders = [str(p) for p in (ROOT / "legalaid").rglob("*.py") if QT.search(p.read_text())]
    assert offenders == []


def test_importing_the_whole_core_loads_no_qt() -> None:
    code = (
        "import pkgutil, importlib, sys, legalaid\n"
        "for m in pkgutil.walk_packages(legalaid.__path__, 'legalaid.'):\n"
        "    if '.migrations' not in m.name and not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] in ('PySide6', 'shiboken6')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"
