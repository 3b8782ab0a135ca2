"""Switching the interface language while the app runs (stack notes, section 1).

gettext catalogs for our strings (legalaid.i18n reads them at call time), a QTranslator with
Qt's own Spanish (dialog buttons, context menus), and the locale of every window (month names
in date editors). Widgets re-translate themselves on QEvent.LanguageChange.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtWidgets import QApplication

from legalaid.i18n import current_language, normalize_language, set_language

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
