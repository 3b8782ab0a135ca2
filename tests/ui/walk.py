"""Walk a window and collect every text a person can read; find text of the other language."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from ui.settings.settings_dialog import OWN_NAMES

LOCALES = Path(__file__).resolve().parents[2] / "locales"
# Qt's own words (qtbase_es.qm) on dialog buttons and context menus.
QT_WORDS = {
    "es": {"Aceptar", "Cancelar", "Guardar", "Descartar", "Cerrar", "Sí", "Aplicar", "Ayuda"},
    "en": {"OK", "Cancel", "Save", "Discard", "Close", "Yes", "Apply", "Help"},
}


def normalise(text: str) -> str:
    plain = re.sub(r"\s+", " ", text.replace("&&", "\x00").replace("&", "").replace("\x00", "&"))
    return re.sub(r"^[\s:…]+|[\s:…]+$", "", plain)


@cache
def _catalog_strings(lang: str) -> frozenset[str]:
    """Every msgstr of one language, all domains (plural forms included)."""
    found: set[str] = set()
    for po in (LOCALES / lang / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as handle:
            for message in read_po(handle):
                if not message.id:
                    continue
                strings = (
                    [message.string] if isinstance(message.string, str) else message.string or ()
                )
                found.update(s for s in strings if s)
    return frozenset(found)


@cache
def only_in(lang: str) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """Texts (exact) and patterns (with placeholders) that exist in ``lang`` and not the other."""
    other = "en" if lang == "es" else "es"
    mine = {normalise(s) for s in _catalog_strings(lang)} | QT_WORDS[lang]
    theirs = {normalise(s) for s in _catalog_strings(other)} | QT_WORDS[other]
    exact = frozenset(t for t in mine - theirs if t and "%(" not in t)
    patterns = tuple(
        re.compile(re.sub(r"%\\\(\w+\\\)[sd]", ".+", re.escape(t)) + "$")
        for t in mine - theirs
        if "%(" in t and len(re.sub(r"%\(\w+\)[sd]", "", t).strip(" ·:.,")) > 3
    )
    return exact, patterns


@cache
def calendar_words(lang: str) -> frozenset[str]:
    """Month and day names only that language uses ("marzo", "mar", "March"...)."""
    locale = Locale.parse("es_MX" if lang == "es" else "en_US")
    words: set[str] = set()
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            words.update(str(v).lower().strip(".") for v in locale.months[context][width].values())
            words.update(str(v).lower().strip(".") for v in locale.days[context][width].values())
    return frozenset(w for w in words if len(w) > 2)


def foreign_texts(texts: list[str], shown: str) -> list[str]:
    """Texts that belong to the language that is *not* ``shown``."""
    other = "en" if shown == "es" else "es"
    exact, patterns = only_in(other)
    mine_exact, mine_patterns = only_in(shown)
    months = calendar_words(other) - calendar_words(shown)
    bad = []
    for raw in texts:
        text = normalise(raw)
        if not text or text in mine_exact:
            continue
        words = {w.lower().strip(".,") for w in re.split(r"[\s,·()/]+", text)}
        if (
            text in exact
            or (
                any(p.match(text) for p in patterns)
                and not any(p.match(text) for p in mine_patterns)
            )
            or (words & months and re.search(r"\d", text))  # a date, not "Jan Mayen"
        ):
            bad.append(raw)
    return bad


def _model_texts(model: QAbstractItemModel, rows: int = 15) -> list[str]:
    texts: list[str] = []
    for column in range(model.columnCount()):
        for orientation in (Qt.Orientation.Horizontal,):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.headerData(column, orientation, role)
                if isinstance(value, str):
                    texts.append(value)
    stack = [QModelIndex()]
    while stack and len(texts) < 2000:
        parent = stack.pop()
        for row in range(min(model.rowCount(parent), rows)):
            for column in range(model.columnCount(parent)):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = index.data(role)
                    if isinstance(value, str):
                        texts.append(value)
            stack.append(model.index(row, 0, parent))
    return texts


def _own_names(widget: QWidget | None) -> bool:
    """The language choice shows each language in its own name, in any interface language."""
    while widget is not None:
        if widget.property(OWN_NAMES):
            return True
        widget = widget.parentWidget()
    return False


def _widget_texts(widget: QWidget) -> list[str]:
    if _own_names(widget):
        return []
    texts = [widget.toolTip(), widget.statusTip(), widget.whatsThis()]
    if widget.isWindow():
        texts.append(widget.windowTitle())
    for action in widget.actions():
        if not action.property(OWN_NAMES):
            texts += [action.text(), action.toolTip(), action.statusTip()]
    if isinstance(widget, QLabel | QAbstractButton):
        texts.append(widget.text())
    if isinstance(widget, QGroupBox):
        texts.append(widget.title())
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        texts.append(widget.placeholderText())
    if isinstance(widget, QLineEdit) and widget.property("typedDateOrTime"):
        texts.append(widget.text())  # a date or time field: what the program shows in it
    if isinstance(widget, QDateTimeEdit):
        texts.append(widget.text())
    if isinstance(widget, QTabWidget):
        texts += [widget.tabText(i) for i in range(widget.count())]
        texts += [widget.tabToolTip(i) for i in range(widget.count())]
    if isinstance(widget, QComboBox):
        texts += [widget.itemText(i) for i in range(widget.count())]
    if isinstance(widget, QMenu):
        texts.append(widget.title())
    if isinstance(widget, QListWidget):
        texts += [widget.item(i).text() for i in range(min(widget.count(), 30))]
    elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
        texts += _model_texts(widget.model())
    return texts


def visible_texts(root: QWidget) -> list[str]:
    """Every text of the window and its children, visible or not yet shown (other tabs)."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts += [t for t in _widget_texts(widget) if t]
    return texts


def shown_texts(root: QWidget) -> list[str]:
    """Only what is on the screen now: widgets that are visible (a locked window shows no case)."""
    if not root.isVisible():
        return []
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.isVisible():
            texts += [t for t in _widget_texts(widget) if t]
    return texts


def screen_texts() -> list[str]:
    """Every text of every visible top-level window of the application."""
    from PySide6.QtWidgets import QApplication

    return [t for w in QApplication.topLevelWidgets() for t in shown_texts(w)]
