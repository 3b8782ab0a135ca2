"""The LegalAid desktop client (PySide6). Thin: widgets gather input and call one service.

The core modules the first screen uses are imported here, before PySide6: once PySide6 is
loaded, its import hook reads the source of every module imported after it, which made
the client's start-up measurably slower (tests/benchmarks/bench_ui.py).
"""

import legalaid.context
import legalaid.formatting
import legalaid.labels
import legalaid.services.search  # noqa: F401
