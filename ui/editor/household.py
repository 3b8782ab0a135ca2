"""The Household tab: where the household lives and reports, how to reach it, and its people."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from legalaid.i18n import N_, _
from legalaid.services.cases import CaseDetail, CaseInput
from legalaid.services.households import PersonDraft
from ui.common.reference import Reference, with_blank
from ui.common.widgets import CodeCombo, ErrorLabel, FieldErrors, Translatable, boxed
from ui.editor.datefields import DateField
from ui.editor.person_form import PersonForm

CHOOSE = N_("Choose…")
LETTER_LANGUAGES = [
    ("es,en", N_("Spanish and English")),
    ("es", N_("Spanish only")),
    ("en", N_("English only")),
]


class HouseholdTab(Translatable, QWidget):
    changed = Signal()

    def __init__(self, reference: Reference, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference = reference
        self.errors = FieldErrors(ErrorLabel())
        self.labels: dict[str, QLabel] = {}
        self.crossing = CodeCombo(items=lambda: with_blank(self.reference.crossing_items(), CHOOSE))
        self.court = CodeCombo(items=lambda: with_blank(self.reference.court_items(), CHOOSE))
        self.city, self.shelter, self.address = QLineEdit(), QLineEdit(), QLineEdit()
        self.phone, self.whatsapp = QLineEdit(), QLineEdit()
        self.representative, self.nta_address = QLineEdit(), QLineEdit()
        self.returned_on = DateField(optional=True, past=True)
        self.return_port = CodeCombo(
            items=lambda: with_blank(self.reference.crossing_items(), N_("Not recorded"))
        )
        self.eoir33 = QCheckBox()
        self.eoir33_on = DateField(optional=True, past=True)
        self.letters = CodeCombo(items=lambda: [(c, _(t)) for c, t in LETTER_LANGUAGES])
        self.people: list[PersonForm] = []
        self.people_box = QVBoxLayout()
        self.add_person_button = QPushButton()
        self.add_person_button.clicked.connect(lambda: self.add_person(focus=True))
        self.people_title = QGroupBox()
        self._layout()
        self._watch()
        self.retranslate()

    def _row(self, form: QFormLayout, name: str, widget: QWidget) -> None:
        label = QLabel()
        label.setBuddy(widget)
        self.labels[name] = label
        form.addRow(label, boxed(widget, self.errors.add(name, widget)))

    def _layout(self) -> None:
        left, right = QFormLayout(), QFormLayout()
        fields: tuple[tuple[str, QWidget], ...] = (
            ("crossing", self.crossing),
            ("court", self.court),
            ("city", self.city),
            ("shelter", self.shelter),
            ("address_mx", self.address),
            ("phone", self.phone),
            ("whatsapp", self.whatsapp),
        )
        for name, widget in fields:
            self._row(left, name, widget)
        eoir = QWidget()
        eoir_row = QHBoxLayout(eoir)
        eoir_row.setContentsMargins(0, 0, 0, 0)
        eoir_row.addWidget(self.eoir33)
        eoir_row.addWidget(self.eoir33_on, 1)
        fields = (
            ("returned_on", self.returned_on),
            ("return_port", self.return_port),
            ("representative", self.representative),
            ("nta_address", self.nta_address),
            ("eoir33_filed_on", eoir),
            ("letter_languages", self.letters),
        )
        for name, widget in fields:
            self._row(right, name, widget)
        self.errors.widgets["eoir33_filed_on"] = self.eoir33_on
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        people = QVBoxLayout(self.people_title)
        people.addLayout(self.people_box)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_person_button)
        add_row.addStretch(1)
        people.addLayout(add_row)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(columns)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.people_title)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.scroller = scroll
        chain = [
            self.crossing,
            self.court,
            self.city,
            self.shelter,
            self.address,
            self.phone,
            self.whatsapp,
            self.returned_on,
            self.return_port,
            self.representative,
            self.nta_address,
            self.eoir33,
            self.eoir33_on,
            self.letters,
            self.add_person_button,
        ]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _watch(self) -> None:
        for edit in (
            self.city,
            self.shelter,
            self.address,
            self.phone,
            self.whatsapp,
            self.representative,
            self.nta_address,
        ):
            edit.setMaxLength(2000)
            edit.textEdited.connect(self.changed)
        for combo in (self.crossing, self.court, self.return_port, self.letters):
            combo.currentIndexChanged.connect(self.changed)
        self.returned_on.changed.connect(self.changed)
        self.eoir33_on.changed.connect(self.changed)
        self.eoir33.toggled.connect(self.changed)
        self.crossing.currentIndexChanged.connect(self._suggest_court)

    def retranslate(self) -> None:
        texts = {
            "crossing": _("&Crossing"),
            "court": _("Co&urt"),
            "city": _("City in Mexico"),
            "shelter": _("Shelter"),
            "address_mx": _("Address in Mexico"),
            "phone": _("Phone"),
            "whatsapp": _("WhatsApp"),
            "returned_on": _("Returned to Mexico on"),
            "return_port": _("Returned through"),
            "representative": _("Lawyer or representative"),
            "nta_address": _("Address on the Notice to Appear"),
            "eoir33_filed_on": _("Change of address (EOIR-33)"),
            "letter_languages": _("Letters in"),
        }
        for name, text in texts.items():
            self.labels[name].setText(text)
        self.crossing.setToolTip(_("The US port of entry where the household must report"))
        self.eoir33.setText(_("Filed on"))
        self.phone.setPlaceholderText(_("+52 664 123 4567"))
        self.people_title.setTitle(_("People in the household"))
        self.add_person_button.setText(_("&Add a person"))
        for combo in (self.crossing, self.court, self.return_port, self.letters):
            combo.retranslate()

    def set_reference(self, reference: Reference) -> None:
        self.reference = reference
        for combo in (self.crossing, self.court, self.return_port):
            combo.retranslate()

    def _suggest_court(self) -> None:
        crossing = self.reference.crossing(self.crossing.code())
        if crossing and crossing.default_court_code and not self.court.code():
            self.court.set_code(crossing.default_court_code)

    # --- people -------------------------------------------------------------------------------
    def add_person(self, focus: bool = False) -> PersonForm:
        form = PersonForm(len(self.people))
        form.changed.connect(self.changed)
        if self.people:  # a new member shares the family names and the language by default
            form.relationship.set_code("child")
            form.language.set_code(self.people[0].language.code())
            form.nationality.set_code(self.people[0].nationality.code())
        previous = self.people[-1].tab_chain()[-1] if self.people else self.letters
        self.people.append(form)
        self.people_box.addWidget(form)
        for before, after in itertools.pairwise(
            [previous, *form.tab_chain(), self.add_person_button]
        ):
            QWidget.setTabOrder(before, after)
        if focus:
            form.given.setFocus()
            self.scroller.ensureWidgetVisible(form)
            self.changed.emit()
        return form

    # --- values -------------------------------------------------------------------------------
    def load(self, detail: CaseDetail) -> None:
        case = detail.case
        self.crossing.set_code(detail.crossing.code if detail.crossing else "")
        self.court.set_code(detail.court.code if detail.court else "")
        self.city.setText(case.city)
        self.shelter.setText(case.shelter)
        self.address.setText(case.address_mx)
        self.phone.setText(case.phone)
        self.whatsapp.setText(case.whatsapp)
        self.returned_on.set_value(case.returned_on)
        port = self.reference.crossing_by_id(case.return_port_id)
        self.return_port.set_code(port.code if port else "")
        self.representative.setText(case.representative)
        self.nta_address.setText(case.nta_address)
        self.eoir33.setChecked(case.eoir33_filed)
        self.eoir33_on.set_value(case.eoir33_filed_on)
        self.letters.set_code(case.letter_languages)
        for form in self.people:
            form.deleteLater()
        self.people = []
        for person in detail.people:
            self.add_person().load(person)

    def case_input(self, notes: str) -> CaseInput:
        return CaseInput(
            city=self.city.text(),
            address_mx=self.address.text(),
            shelter=self.shelter.text(),
            nta_address=self.nta_address.text(),
            eoir33_filed=self.eoir33.isChecked(),
            eoir33_filed_on=self.eoir33_on.value(),
            phone=self.phone.text(),
            whatsapp=self.whatsapp.text(),
            returned_on=self.returned_on.value(),
            return_port=self.return_port.code() or None,
            crossing=self.crossing.code() or None,
            court=self.court.code() or None,
            representative=self.representative.text(),
            letter_languages=self.letters.code() or "es,en",
            notes=notes,
        )

    def drafts(self, baselines: list[tuple[object, bool]]) -> list[PersonDraft]:
        out = []
        for index, form in enumerate(self.people):
            base = baselines[index] if index < len(baselines) else None
            out.append(form.draft(*base) if base else form.draft(None))  # type: ignore[arg-type]
        return out

    def date_fields(self) -> list[DateField]:
        """Every date typed on this tab, the people's included, in the order they are shown."""
        fields = [self.returned_on, self.eoir33_on]
        return fields + [form.birth for form in self.people]

    def show_errors(self, by_field: dict[str | None, str]) -> QWidget | None:
        """Case fields here, ``people.<i>.<field>`` next to that person; returns the first."""
        mine: dict[str | None, str] = {}
        theirs: dict[int, dict[str | None, str]] = {}
        for field, message in by_field.items():
            if field and field.startswith("people."):
                _prefix, position, name = field.split(".", 2)
                theirs.setdefault(int(position), {})[name] = message
            else:
                mine[field] = message
        first = self.errors.show(mine)
        for index, form in enumerate(self.people):
            shown = form.errors.show(theirs.get(index, {}))
            first = first or shown
        return first
