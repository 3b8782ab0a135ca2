"""One household member in the case editor: names, relationship, birth date, A-number..."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QLineEdit, QWidget

from legalaid.anumber import format_anumber
from legalaid.formatting import language_name
from legalaid.i18n import N_, _, babel_locale
from legalaid.models import Person
from legalaid.services.cases import PersonInput
from legalaid.services.households import PersonDraft
from legalaid.services.validation import ISO_COUNTRIES
from ui.common.widgets import CodeCombo, ErrorLabel, FieldErrors, Translatable
from ui.editor.datefields import DateField

FIRST_COUNTRIES = ["HN", "GT", "SV", "MX", "NI", "CU", "VE", "EC", "CO", "HT", "BR"]
LANGUAGES = ["es", "en", "pt", "ht", "fr", "quc", "mam", "kjb", "ixl", "cak", "kek", "qu", "ar"]
NO_COUNTRY = N_("Not recorded")


def country_items() -> list[tuple[str, str]]:
    names = babel_locale().territories
    rest = sorted(
        (c for c in ISO_COUNTRIES if c not in FIRST_COUNTRIES), key=lambda c: names.get(c, c)
    )
    return [("", _(NO_COUNTRY))] + [(c, names.get(c, c)) for c in FIRST_COUNTRIES + rest]


def language_items(extra: str | None = None) -> list[tuple[str, str]]:
    codes = LANGUAGES + ([extra] if extra and extra not in LANGUAGES else [])
    return [(code, language_name(code) or code) for code in codes]


class PersonForm(Translatable, QGroupBox):
    changed = Signal()

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.person_id: str | None = None
        self.version: int | None = None
        self._extra_language: str | None = None
        self.given = QLineEdit()
        self.family = QLineEdit()
        self.relationship = CodeCombo("relationship")
        self.birth = DateField(optional=True, past=True)
        self.sex = CodeCombo("sex")
        self.sex.set_code("unknown")
        self.nationality = CodeCombo(items=country_items)
        self.language = CodeCombo(items=lambda: language_items(self._extra_language))
        self.interpreter = QCheckBox()
        self.a_number = QLineEdit()
        self.a_number.setMaxLength(40)
        self.active = QCheckBox()
        self.active.setChecked(True)
        self.active.hide()
        for edit in (self.given, self.family, self.a_number):
            edit.setMaxLength(200)
            edit.textEdited.connect(self.changed)
        for combo in (self.relationship, self.sex, self.nationality, self.language):
            combo.currentIndexChanged.connect(self.changed)
        self.birth.changed.connect(self.changed)
        self.interpreter.toggled.connect(self.changed)
        self.active.toggled.connect(self.changed)
        self.errors = FieldErrors(ErrorLabel())
        self.labels: dict[str, QLabel] = {}
        self._layout()
        self.retranslate()

    def _layout(self) -> None:
        """Three bands of three fields: label, field, then its inline message below it."""
        grid = QGridLayout(self)
        bands: list[list[tuple[str, QWidget]]] = [
            [("given_names", self.given), ("family_names", self.family)],
            [("birth_date", self.birth), ("sex", self.sex), ("nationality", self.nationality)],
            [("a_number", self.a_number), ("language", self.language)],
        ]
        bands[0].append(("relationship", self.relationship))
        for band, cells in enumerate(bands):
            for column, (name, widget) in enumerate(cells):
                label = QLabel()
                label.setBuddy(widget)
                self.labels[name] = label
                grid.addWidget(label, band * 3, column)
                grid.addWidget(widget, band * 3 + 1, column)
                grid.addWidget(self.errors.add(name, widget), band * 3 + 2, column)
        grid.addWidget(self.interpreter, 7, 2)
        grid.addWidget(self.active, 9, 0, 1, 3)
        grid.addWidget(self.errors.general, 10, 0, 1, 3)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        for before, after in itertools.pairwise(self.tab_chain()):
            QWidget.setTabOrder(before, after)

    def tab_chain(self) -> list[QWidget]:
        """Left to right, top to bottom, as the fields are laid out."""
        return [
            self.given,
            self.family,
            self.relationship,
            self.birth,
            self.sex,
            self.nationality,
            self.a_number,
            self.language,
            self.interpreter,
            self.active,
        ]

    def retranslate(self) -> None:
        self.setTitle(
            _("Person %(number)d") % {"number": self.index + 1}
            if self.index
            else _("Principal applicant")
        )
        texts = {
            "given_names": _("&Given names"),
            "family_names": _("Family names"),
            "relationship": _("Relationship"),
            "birth_date": _("Date of birth"),
            "sex": _("Sex"),
            "nationality": _("Nationality"),
            "a_number": _("A-number"),
            "language": _("Language"),
        }
        for name, text in texts.items():
            self.labels[name].setText(text if self.index == 0 else text.replace("&", ""))
        self.a_number.setPlaceholderText(_("A 012-345-678 (if they have one)"))
        self.a_number.setToolTip(_("Eight or nine digits; it is stored as nine: A 012-345-678"))
        self.interpreter.setText(_("Needs an interpreter"))
        self.active.setText(_("Still part of the household"))
        self.active.setToolTip(_("Untick when the person left; their data stays in the file"))
        for combo in (self.relationship, self.sex, self.nationality, self.language):
            combo.retranslate()

    # --- values -------------------------------------------------------------------------------
    def load(self, person: Person) -> None:
        self.person_id, self.version = person.id, person.version
        self.given.setText(person.given_names)
        self.family.setText(person.family_names)
        self.relationship.set_code(person.relationship)
        self.birth.set_value(person.birth_date)
        self.sex.set_code(person.sex)
        self.nationality.set_code(person.nationality or "")
        self._extra_language = person.language
        self.language.retranslate()
        self.language.set_code(person.language)
        self.interpreter.setChecked(person.needs_interpreter)
        self.a_number.setText(format_anumber(person.a_number))
        self.active.setChecked(person.active)
        self.active.show()

    def person_input(self) -> PersonInput:
        return PersonInput(
            given_names=self.given.text(),
            family_names=self.family.text(),
            relationship=self.relationship.code(),
            birth_date=self.birth.value(),
            sex=self.sex.code() or "unknown",
            nationality=self.nationality.code() or None,
            language=self.language.code() or "es",
            needs_interpreter=self.interpreter.isChecked(),
            a_number=self.a_number.text() or None,
        )

    def draft(self, baseline: PersonInput | None, baseline_active: bool = True) -> PersonDraft:
        data = self.person_input()
        active = self.active.isChecked()
        changed = baseline is None or data != baseline or active != baseline_active
        return PersonDraft(data, self.person_id, self.version, active, changed)
