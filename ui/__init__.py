"""The LegalAid desktop client (PySide6). Thin: widgets gather input and call one service.

The first screen's core modules are imported first, then PySide6, told at once which modules
use it (``ui.startup``: the client's start-up tricks, each with what it is worth).
"""

from ui.startup import import_core_first, name_pyside_modules

import_core_first()
name_pyside_modules()
