"""Crossings and courts as the client shows them: loaded once off the UI thread, then shared."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from legalaid.context import AppContext
from legalaid.i18n import _, current_language

if TYPE_CHECKING:
    from legalaid.models import Court, Crossing


@dataclass
class Reference:
    crossings: list[Crossing] = field(default_factory=list)
    courts: list[Court] = field(default_factory=list)

    def crossing_items(self) -> list[tuple[str, str]]:
        """(code, "SYS — San Ysidro") for combo boxes, in the interface language."""
        spanish = current_language() == "es"
        return [
            (x.code, f"{x.code} — {x.name_es if spanish else x.name_en}")
            for x in self.crossings
            if x.active
        ]

    def court_items(self) -> list[tuple[str, str]]:
        spanish = current_language() == "es"
        return [
            (c.code, f"{c.code} — {c.name_es if spanish else c.name_en}")
            for c in self.courts
            if c.active
        ]

    def crossing(self, code: str | None) -> Crossing | None:
        return next((x for x in self.crossings if x.code == code), None)

    def crossing_by_id(self, crossing_id: str | None) -> Crossing | None:
        return next((x for x in self.crossings if x.id == crossing_id), None)

    def court_by_id(self, court_id: str | None) -> Court | None:
        return next((c for c in self.courts if c.id == court_id), None)

    def court(self, code: str | None) -> Court | None:
        return next((c for c in self.courts if c.code == code), None)

    def crossing_name(self, crossing_id: str | None) -> str:
        """The crossing's name in the interface language ("" when unknown)."""
        return named(self.crossing_by_id(crossing_id))

    def court_name(self, court_id: str | None) -> str:
        return named(self.court_by_id(court_id))


def named(item: Crossing | Court | None) -> str:
    """A crossing's or court's name in the interface language."""
    if item is None:
        return ""
    return item.name_es if current_language() == "es" else item.name_en


def load_reference(ctx: AppContext) -> Reference:
    """Read on a worker: the first call imports the ORM."""
    from legalaid.services.reference import list_courts, list_crossings

    return Reference(list_crossings(ctx), list_courts(ctx))


def with_blank(items: list[tuple[str, str]], blank_msgid: str) -> list[tuple[str, str]]:
    """The same items with a first "none/any" entry whose code is ""."""
    return [("", _(blank_msgid)), *items]
