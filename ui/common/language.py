"""Switching the interface language while the app runs.

gettext catalogs for our strings (legalaid.i18n reads them at call time), a QTranslator with
Qt's own Spanish (dialog buttons, context menus), and the locale of every window (month names
in date editors). Widgets re-translate themselves on QEvent.LanguageChange.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QApplication, QComboBox, QHBoxLayout, QLabel, QWidget

from legalaid.i18n import _, current_language, normalize_language, set_language

LANGUAGE_NAMES = [("es", "Español"), ("en", "English")]  # each in its own language
OWN_NAMES = "languageNamesInTheirOwnLanguage"  # a property: these never change with the language

QT_LOCALES = {"es": "es_MX", "en": "en_US"}


def qt_locale(code: str | None = None) -> QLocale:
    return QLocale(QT_LOCALES[normalize_language(code or current_language())])


def system_language() -> str:
    """The first default: the system's language when Spanish or English, Spanish otherwise."""
    return normalize_language(QLocale.system().name())


class LanguageSwitcher(QObject):
    """One per application (a child of it): the current Qt translator and the switch itself."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.setObjectName("LanguageSwitcher")
        self._translator: QTranslator | None = None

    @classmethod
    def of(cls, app: QCoreApplication) -> LanguageSwitcher:
        found = app.findChild(LanguageSwitcher, "LanguageSwitcher")
        return found if isinstance(found, LanguageSwitcher) else cls(app)

    def apply(self, code: str | None) -> str:
        """Switch everything to ``code`` ("es"/"en"); returns the normalised code."""
        code = set_language(normalize_language(code))
        app = QCoreApplication.instance()
        assert app is not None
        changed = False
        if self._translator is not None:
            app.removeTranslator(self._translator)
            self._translator = None
            changed = True
        if code != "en":
            translator = QTranslator(self)
            path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if translator.load(qt_locale(code), "qtbase", "_", path):
                app.installTranslator(translator)
                self._translator = translator
                changed = True
        locale = qt_locale(code)
        QLocale.setDefault(locale)
        if isinstance(app, QApplication):
            for window in app.topLevelWidgets():
                window.setLocale(locale)
        if not changed:  # no translator came or went: Qt sends nothing, so we do
            QCoreApplication.postEvent(app, QEvent(QEvent.Type.LanguageChange))
        return code


class LanguageChoice(QWidget):
    """ "Language: [Español|English]" for windows shown before the main window (the first
    run's passphrase and recovery key): whoever sets LegalAid up reads it in their language.
    ``chosen`` is the code picked here ("" when untouched)."""

    switched = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("languageChoice")
        self.chosen = ""
        self.label = QLabel()
        self.box = QComboBox()
        self.box.setObjectName("languageBox")
        self.box.setProperty(OWN_NAMES, True)
        for code, name in LANGUAGE_NAMES:
            self.box.addItem(name, code)
        self.label.setBuddy(self.box)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        row.addWidget(self.label)
        row.addWidget(self.box)
        self.box.activated.connect(self._picked)
        self.retranslate()

    def retranslate(self) -> None:
        self.label.setText(_("Language:"))
        self.box.setCurrentIndex(max(0, self.box.findData(current_language())))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _picked(self, index: int) -> None:
        code = str(self.box.itemData(index))
        self.chosen = code
        app = QCoreApplication.instance()
        if app is not None and code != current_language():
            LanguageSwitcher.of(app).apply(code)
        self.switched.emit(code)
