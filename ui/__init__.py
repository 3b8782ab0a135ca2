"""The LegalAid desktop client (PySide6). Thin: widgets gather input and call one service.

PySide6 is imported here, and told at once which modules use it (``ui.startup``: the client's
start-up tricks, each with what it is worth).
"""

from ui.startup import name_pyside_modules

name_pyside_modules()
