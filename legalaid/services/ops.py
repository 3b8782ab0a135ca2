"""What a write changed: the small value every writing service returns (like Anki's OpChanges).

The client refreshes its views from it instead of refreshing by hand: a view redraws when the
kinds it shows were touched (and, for a case window, when its own case was).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The kinds of stored data a write can touch.
CASE = "case"  # households (the case row)
PERSON = "person"
HEARING = "hearing"
RISK = "risk"  # risk narratives, incidents, risk notes
DOCUMENT = "document"  # the document log (letters, cards, lists printed)
REFERENCE = "reference"  # crossings and courts
SETTINGS = "settings"
KINDS = frozenset({CASE, PERSON, HEARING, RISK, DOCUMENT, REFERENCE, SETTINGS})


@dataclass(frozen=True)
class OpChanges:
    """The cases and kinds a write touched; ``everything`` after restore, import or demo."""

    cases: frozenset[str] = field(default_factory=frozenset)
    kinds: frozenset[str] = field(default_factory=frozenset)
    everything: bool = False

    def __post_init__(self) -> None:
        unknown = self.kinds - KINDS
        if unknown:
            raise ValueError(f"unknown kinds of change: {sorted(unknown)}")

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(
            self.cases | other.cases, self.kinds | other.kinds, self.everything or other.everything
        )

    def __bool__(self) -> bool:
        return self.everything or bool(self.kinds)

    def touches(self, *kinds: str) -> bool:
        """True when any of ``kinds`` changed (always after a change of everything)."""
        return self.everything or bool(self.kinds.intersection(kinds))

    def touches_case(self, case_id: str) -> bool:
        return self.everything or case_id in self.cases

    @classmethod
    def of(cls, *kinds: str, case: str | None = None) -> OpChanges:
        return cls(frozenset({case} if case else ()), frozenset(kinds))

    @classmethod
    def all(cls) -> OpChanges:
        return cls(everything=True)


NOTHING = OpChanges()
