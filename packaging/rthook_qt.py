"""Runtime hook, in place of PyInstaller's own for PySide6: tell Qt where the bundle's plug-ins
are, without importing Qt. PyInstaller's hook imports QtCore at every start (to register a
qt.conf that PySide6's wheels register themselves), which cost the command line ~0.15 s and
loaded Qt before LegalAid's core, the reverse of the client's start-up order."""

import os
import sys

_qt = os.path.join(sys._MEIPASS, "PySide6")  # type: ignore[attr-defined]
if not sys.platform.startswith("win"):
    _qt = os.path.join(_qt, "Qt")
os.environ["QT_PLUGIN_PATH"] = os.path.join(_qt, "plugins")
