"""The case's history: who changed what and when, from the audit trail (newest first).

Each change is one row (when, in this computer's time; who; what), with one line under it per
field: the field's name in the reader's language and its value before → after, written the way
the rest of the window writes it (dates with month names, labels instead of stored codes).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import LOCALTZ, format_datetime
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.formatting import (
    clock_with_zone,
    country_name,
    language_name,
    medium_date,
    zone_generic_name,
)
from legalaid.i18n import N_, _, babel_locale
from legalaid.labels import label
from legalaid.services.audit import case_history
from legalaid.services.risk import factor_choices
from ui.common.reference import Reference, named
from ui.common.tasks import TaskRunner, describe
from ui.common.widgets import ErrorLabel, Translatable
from ui.editor.household import LETTER_LANGUAGES

MAX_TEXT = 120
FIELD_NAMES = {
    "case_number": N_("Case number"),
    "city": N_("City"),
    "address_mx": N_("Address in Mexico"),
    "shelter": N_("Shelter"),
    "nta_address": N_("Address on the Notice to Appear"),
    "eoir33_filed": N_("EOIR-33 change of address filed"),
    "eoir33_filed_on": N_("EOIR-33 filed on"),
    "phone": N_("Phone"),
    "whatsapp": N_("WhatsApp"),
    "returned_on": N_("Returned to Mexico on"),
    "return_port_id": N_("Returned through"),
    "crossing_id": N_("Crossing"),
    "court_id": N_("Court"),
    "representative": N_("Representative"),
    "letter_languages": N_("Letter languages"),
    "notes": N_("Notes"),
    "status": N_("Status"),
    "merged_from": N_("Household merged into this one"),
    "merged_into": N_("Merged into the household"),
    "relationship": N_("Relationship"),
    "given_names": N_("Given names"),
    "family_names": N_("Family names"),
    "birth_date": N_("Date of birth"),
    "sex": N_("Sex"),
    "nationality": N_("Nationality"),
    "language": N_("Language"),
    "needs_interpreter": N_("Needs an interpreter"),
    "a_number": N_("A-number"),
    "active": N_("Active"),
    "starts_at": N_("Hearing date and time"),
    "zone": N_("Time zone"),
    "report_at": N_("Report time"),
    "kind": N_("Kind"),
    "mode": N_("Mode"),
    "outcome": N_("Outcome"),
    "source": N_("Where the date came from"),
    "verified_at": N_("Verified on"),
    "verified_by": N_("Verified by"),
    "assessed_on": N_("Assessed on"),
    "author": N_("Assessed by"),
    "level": N_("Risk level"),
    "factors": N_("Risk factors"),
    "consent_sensitive": N_("Consent for sensitive factors"),
    "fear_screening": N_("Fear screening"),
    "narrative_es": N_("Account (Spanish)"),
    "narrative_en": N_("Account (English)"),
    "narrative_original": N_("Account (own words)"),
    "occurred_on": N_("Date"),
    "perpetrator": N_("Perpetrator"),
    "reported": N_("Reported to the authorities"),
    "description": N_("Description"),
    "people": N_("People"),
    "cases": N_("Cases"),
    "responsible_office": N_("Office responsible"),
    "transferred_at": N_("Transferred on"),
    "shared_with": N_("Shared with"),
}
HIDDEN_FIELDS = {"replaces_id", "responsible_office_id"}
CODE_GROUPS = {
    ("case", "status"): "case_status",
    ("hearing", "status"): "hearing_status",
    ("hearing", "kind"): "hearing_kind",
    ("incident", "kind"): "incident_kind",
    ("hearing", "mode"): "hearing_mode",
    ("hearing", "source"): "date_source",
    ("person", "relationship"): "relationship",
    ("person", "sex"): "sex",
    ("risk_assessment", "level"): "risk_level",
    ("risk_assessment", "fear_screening"): "fear_screening",
}
ACTIONS = {
    ("open", "case"): N_("Opened the case"),
    ("update", "case"): N_("Changed the case"),
    ("status", "case"): N_("Changed the case's status"),
    ("add", "person"): N_("Added %(name)s"),
    ("update", "person"): N_("Changed %(name)s"),
    ("schedule", "hearing"): N_("Scheduled a hearing"),
    ("postpone", "hearing"): N_("Postponed a hearing"),
    ("reschedule", "hearing"): N_("Set a new hearing date"),
    ("verify", "hearing"): N_("Verified a hearing date"),
    ("assess", "risk_assessment"): N_("Assessed the risk"),
    ("update", "risk_assessment"): N_("Changed the risk assessment"),
    ("add", "incident"): N_("Recorded an incident"),
    ("import", "case"): N_("Imported from a spreadsheet"),
    ("received", "case"): N_("Received from another office"),
    ("update", "incident"): N_("Changed an incident"),
    ("share", "case"): N_("Shared the case with an office"),
    ("unshare", "case"): N_("Stopped sharing the case with an office"),
    ("transfer", "case"): N_("Transferred the household to another office"),
}


class HistoryTab(Translatable, QWidget):
    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        reference: Reference,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyTab")
        self.ctx, self.runner, self.reference = ctx, runner, reference
        self.case_id: str | None = None
        self.entries: list[Any] = []
        self.names: dict[str, str] = {}
        self.empty = QLabel()
        self.tree = QTreeWidget()
        self.tree.setObjectName("historyTree")
        self.tree.setColumnCount(3)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.error = ErrorLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.error)
        self.retranslate()

    def load(self, case_id: str | None, names: dict[str, str] | None = None) -> None:
        """Read the history again (after opening and after every save)."""
        self.case_id, self.names = case_id, dict(names or {})
        if case_id is None:
            self._show([])
            return
        ctx = self.ctx
        self.runner.query(
            lambda _c: case_history(ctx, case_id),
            done=self._show,
            failed=lambda e: self.error.show_message(describe(e)),
            owner=self,
        )

    def _show(self, entries: list[Any]) -> None:
        self.entries = list(reversed(entries))  # newest first
        self.error.show_message("")
        self.retranslate()

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([_("When"), _("Who"), _("What changed")])
        self.empty.setText(
            _("Nothing recorded yet: the history starts when the case is saved.")
            if not self.entries
            else _("Every change to this case, the newest first.")
        )
        self.tree.clear()
        for entry in self.entries:
            item = QTreeWidgetItem([self.when(entry.at), entry.actor or "—", self.action(entry)])
            for field, pair in (entry.changes or {}).items():
                if field in HIDDEN_FIELDS:
                    continue
                old, new = (
                    pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
                )
                text = _("%(field)s: %(old)s → %(new)s") % {
                    "field": self.field_name(field),
                    "old": self.value(entry, field, old),
                    "new": self.value(entry, field, new),
                }
                child = QTreeWidgetItem(["", "", text])
                child.setToolTip(2, text)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        for column in (0, 1):
            self.tree.resizeColumnToContents(column)

    # --- words ----------------------------------------------------------------------------------
    @staticmethod
    def when(at: datetime) -> str:
        return format_datetime(at, "medium", tzinfo=LOCALTZ, locale=babel_locale())

    def action(self, entry: Any) -> str:
        if entry.entity == "hearing" and entry.action in ("attended", "missed", "cancelled"):
            return _("Hearing marked: %(status)s") % {
                "status": label("hearing_status", entry.action)
            }
        text = ACTIONS.get((entry.action, entry.entity))
        if text is None:
            return f"{entry.action} ({entry.entity})"
        return _(text) % {"name": self.names.get(entry.entity_id) or _("a person")}

    @staticmethod
    def field_name(field: str) -> str:
        return ChangeText.field_name(field)

    def value(self, entry: Any, field: str, value: Any) -> str:
        return ChangeText(self.reference).value(entry.entity, entry.changes, field, value)


class ChangeText:
    """A stored field and value as a person reads them, in the current language: labels for
    codes, names for crossings and courts, dates and times in words (the history and the
    conflicts between offices show them alike)."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference

    @staticmethod
    def field_name(field: str) -> str:
        name = FIELD_NAMES.get(field)
        return _(name) if name else field

    def value(self, entity: str, changes: Any, field: str, value: Any) -> str:
        try:
            return self._value(entity, changes, field, value)
        except Exception:  # an odd stored value is shown as it is, never as a traceback
            return str(value)

    def _value(self, entity: str, changes: Any, field: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        group = CODE_GROUPS.get((entity, field))
        if group is not None:
            return label(group, str(value))
        if field in ("crossing_id", "return_port_id"):
            crossing = self.reference.crossing_by_id(str(value))
            return self._named(crossing) if crossing else "…"
        if field == "court_id":
            court = self.reference.court_by_id(str(value))
            return self._named(court) if court else "…"
        if field == "a_number":
            return format_anumber(str(value)) or str(value)
        if field == "nationality":
            return country_name(str(value)) or str(value)
        if field == "language" and entity == "person":
            return language_name(str(value)) or str(value)
        if field == "narrative_original":
            return language_name(str(value)) or str(value)
        if field == "letter_languages":
            names = dict(LETTER_LANGUAGES)
            return _(names[value]) if value in names else str(value)
        if field == "zone":
            return zone_generic_name(str(value))
        if field == "factors" and isinstance(value, list):
            labels = {code: text for code, text, _sensitive in factor_choices()}
            return ", ".join(labels.get(str(code), str(code)) for code in value)
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, str):
            moment = _parse(value)
            if isinstance(moment, datetime):
                zone = self._zone(changes)
                day = medium_date(moment.astimezone(ZoneInfo(zone)).date())
                return f"{day}, {clock_with_zone(moment, zone)}"
            if isinstance(moment, date):
                return medium_date(moment)
            flat = " ".join(value.split())
            return flat if len(flat) <= MAX_TEXT else flat[: MAX_TEXT - 1] + "…"
        return str(value)

    @staticmethod
    def _named(item: Any) -> str:
        return named(item)

    @staticmethod
    def _zone(changes: Any) -> str:
        zone = (changes or {}).get("zone")
        if isinstance(zone, list) and zone and zone[-1]:
            return str(zone[-1])
        return str(LOCALTZ)


def _parse(text: str) -> date | datetime | None:
    if not (10 <= len(text) <= 32) or text[4:5] != "-" or text[7:8] != "-":
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCALTZ)
