"""Labels for the stored codes (statuses, kinds, relationships...), translated when shown.

Each code is stored in English snake_case; people see ``label(group, code)`` in their language.
The context keeps words apart that Spanish translates differently ("Open" case vs "Open" file).
"""

from __future__ import annotations

from legalaid.i18n import NP_, pgettext

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "case_status": {
        "open": NP_("case status", "Open"),
        "closed": NP_("case status", "Closed"),
        "transferred": NP_("case status", "Transferred"),
        "archived": NP_("case status", "Archived"),
    },
    "hearing_status": {
        "scheduled": NP_("hearing status", "Scheduled"),
        "attended": NP_("hearing status", "Attended"),
        "missed": NP_("hearing status", "Missed"),
        "postponed": NP_("hearing status", "Postponed"),
        "cancelled": NP_("hearing status", "Cancelled"),
        "to_be_set": NP_("hearing status", "Date to be set"),
    },
    "hearing_kind": {
        "master": NP_("hearing kind", "Master calendar"),
        "individual": NP_("hearing kind", "Individual (merits)"),
        "other": NP_("hearing kind", "Other"),
    },
    "hearing_mode": {
        "in_person": NP_("hearing mode", "In person"),
        "video": NP_("hearing mode", "By video"),
    },
    "date_source": {
        "nta": NP_("date source", "Notice to Appear"),
        "tear_sheet": NP_("date source", "Tear sheet"),
        "hotline": NP_("date source", "Court hotline"),
        "court_notice": NP_("date source", "Court notice"),
        "other": NP_("date source", "Other"),
    },
    "relationship": {
        "principal": NP_("relationship", "Principal"),
        "spouse": NP_("relationship", "Spouse or partner"),
        "child": NP_("relationship", "Child"),
        "parent": NP_("relationship", "Parent"),
        "sibling": NP_("relationship", "Sibling"),
        "grandchild": NP_("relationship", "Grandchild"),
        "other": NP_("relationship", "Other relative"),
    },
    "sex": {
        "female": NP_("sex", "Female"),
        "male": NP_("sex", "Male"),
        "other": NP_("sex", "Other"),
        "unknown": NP_("sex", "Not recorded"),
    },
    "risk_level": {
        "low": NP_("risk level", "Low"),
        "medium": NP_("risk level", "Medium"),
        "high": NP_("risk level", "High"),
        "critical": NP_("risk level", "Critical"),
    },
    "fear_screening": {
        "not_asked": NP_("fear screening", "Not asked for"),
        "requested": NP_("fear screening", "Requested, pending"),
        "done_positive": NP_("fear screening", "Done: fear found"),
        "done_negative": NP_("fear screening", "Done: fear not found"),
    },
    "incident_kind": {
        "kidnapping": NP_("incident", "Kidnapping"),
        "extortion": NP_("incident", "Extortion"),
        "robbery": NP_("incident", "Robbery"),
        "assault": NP_("incident", "Assault"),
        "sexual_violence": NP_("incident", "Sexual violence"),
        "threat": NP_("incident", "Threat"),
        "other": NP_("incident", "Other"),
    },
    "flag": {
        "missed": NP_("flag", "Missed"),
        "not_verified": NP_("flag", "Not verified in 7 days"),
        "reminder_outdated": NP_("flag", "Reminder out of date"),
        "court_to_confirm": NP_("flag", "Court to be confirmed"),
        "in_conflict": NP_("flag", "Conflict between offices: not printable"),
    },
}


def label(group: str, code: str) -> str:
    """The translated label of a stored code; the code itself if it is unknown."""
    entry = LABELS.get(group, {}).get(code)
    if entry is None:
        return code
    return pgettext(*entry)


def choices(group: str) -> list[tuple[str, str]]:
    """(code, translated label) pairs in their defined order, for combo boxes."""
    return [(code, pgettext(*entry)) for code, entry in LABELS.get(group, {}).items()]
