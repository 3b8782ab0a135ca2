"""DejaVu Sans, embedded (as subsets) in every document.

It has every Latin accent, ñ and the narrow no-break space (U+202F) babel puts in times;
reportlab's own Vera lacks that space. Licence: resources/fonts/LICENSE-DejaVu.txt. The faces are
read as bytes, so this works from a wheel or a zip as well.
"""

from __future__ import annotations

import io
import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from legalaid.i18n import package_dir

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FACES = {
    REGULAR: (0, 0),
    BOLD: (1, 0),
    ITALIC: (0, 1),
    BOLD_ITALIC: (1, 1),
}
_lock = threading.Lock()
_done = False


def register_fonts() -> None:
    """Register the four faces once per process, so <b> and <i> map to the right face."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        folder = package_dir("legalaid.resources") / "fonts"
        for name, (bold, italic) in _FACES.items():
            data = (folder / f"{name}.ttf").read_bytes()
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
            addMapping(REGULAR, bold, italic, name)
        _done = True
