"""Someone else saved the same case: show their version next to yours, let the person choose."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from legalaid.anumber import format_anumber
from legalaid.formatting import medium_date
from legalaid.i18n import N_, _
from legalaid.services.cases import CaseDetail
from legalaid.services.households import CaseDraft
from ui.common.reference import Reference, named
from ui.common.screen import FitsScreen, fit
from ui.common.widgets import Translatable
from ui.editor.household import LETTER_LANGUAGES

CASE_FIELDS = [
    ("crossing", N_("Crossing")),
    ("court", N_("Court")),
    ("city", N_("City in Mexico")),
    ("shelter", N_("Shelter")),
    ("address_mx", N_("Address in Mexico")),
    ("phone", N_("Phone")),
    ("whatsapp", N_("WhatsApp")),
    ("representative", N_("Lawyer or representative")),
    ("nta_address", N_("Address on the Notice to Appear")),
    ("returned_on", N_("Returned to Mexico on")),
    ("letter_languages", N_("Letters in")),
    ("notes", N_("Notes")),
]
KEEP_MINE, TAKE_THEIRS = 1, 2


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return medium_date(value)
    return str(value)


def comparison(
    mine: CaseDraft, theirs: CaseDetail, reference: Reference | None = None
) -> list[tuple[str, str, str]]:
    """(translated field name, yours, theirs) for every field, people included; crossings,
    courts and letter languages by their names."""
    case = theirs.case
    reference = reference or Reference()
    stored = {name: getattr(case, name, None) for name, _msg in CASE_FIELDS}
    stored["crossing"] = named(theirs.crossing)
    stored["court"] = named(theirs.court)
    yours = {name: getattr(mine.data, name) for name, _msg in CASE_FIELDS}
    for name, find, known in (
        ("crossing", reference.crossing, theirs.crossing),
        ("court", reference.court, theirs.court),
    ):
        code = yours[name]
        item = known if known is not None and known.code == code else find(code)
        yours[name] = named(item) if item is not None else code
    languages = dict(LETTER_LANGUAGES)
    for values in (yours, stored):
        code = values["letter_languages"]
        values["letter_languages"] = _(languages[code]) if code in languages else code
    rows = [(_(msgid), _plain(yours[name]), _plain(stored[name])) for name, msgid in CASE_FIELDS]
    count = max(len(mine.people), len(theirs.people))
    for index in range(count):
        typed = mine.people[index].data if index < len(mine.people) else None
        saved = theirs.people[index] if index < len(theirs.people) else None
        rows.append(
            (
                _("Person %(number)d") % {"number": index + 1},
                _person(typed.given_names, typed.family_names, typed.a_number) if typed else "",
                _person(saved.given_names, saved.family_names, format_anumber(saved.a_number))
                if saved
                else "",
            )
        )
    return rows


def _person(given: str, family: str, a_number: str | None) -> str:
    name = f"{given.strip()} {family.strip()}".strip()
    return f"{name} · {a_number}" if a_number else name


class ConflictDialog(Translatable, FitsScreen, QDialog):
    """``choice`` is KEEP_MINE (save over theirs), TAKE_THEIRS (reload) or 0 (decide later)."""

    def __init__(
        self,
        mine: CaseDraft,
        theirs: CaseDetail,
        parent: QWidget | None = None,
        *,
        reference: Reference | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.mine, self.theirs, self.choice = mine, theirs, 0
        self.reference = reference
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("conflictTable")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.keep = QPushButton()
        self.take = QPushButton()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(self.keep, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.take, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.keep.clicked.connect(lambda: self._choose(KEEP_MINE))
        self.take.clicked.connect(lambda: self._choose(TAKE_THEIRS))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        fit(self, 800, 520)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Someone else saved this case"))
        self.intro.setText(
            _(
                "Another person saved case %(case)s after you opened it. Your changes are "
                "still in the form. Rows in colour are different."
            )
            % {"case": self.theirs.case.case_number}
        )
        self.table.setHorizontalHeaderLabels([_("Field"), _("Yours"), _("Saved by them")])
        self.keep.setText(_("Keep mine and save over theirs"))
        self.take.setText(_("Discard mine and load theirs"))
        self._fill()

    def _fill(self) -> None:
        rows = comparison(self.mine, self.theirs, self.reference)
        self.table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            differs = values[1] != values[2]
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if differs:
                    item.setBackground(QBrush(QColor("#fff3cd")))
                self.table.setItem(row, column, item)

    def _choose(self, choice: int) -> None:
        self.choice = choice
        self.accept()
