"""Typed errors whose messages are translated when shown, in the reader's language.

A message is a gettext msgid (marked with ``N_`` where it is raised) plus named parameters, so
the same error reads in Spanish in the client and in English in a log, and never glues pieces.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from legalaid.i18n import _, using_language


@dataclass(frozen=True)
class Problem:
    """One thing to fix: which field (None for the whole form) and what to do about it."""

    msgid: str
    field: str | None = None
    params: dict[str, Any] = dc_field(default_factory=dict)

    def message(self) -> str:
        text = _(self.msgid)
        return text % self.params if self.params else text

    def as_json(self) -> dict[str, Any]:
        """Kept in a log: the message id and its values, translated when read back."""
        return {"msgid": self.msgid, "field": self.field, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Any) -> Problem:
        if not isinstance(data, dict):
            return cls(str(data))
        params = data.get("params")
        field = data.get("field")
        return cls(
            str(data.get("msgid", "")),
            field if isinstance(field, str) else None,
            params if isinstance(params, dict) else {},
        )


class LegalAidError(Exception):
    """Base class: every error the core raises on purpose carries translatable problems."""

    def __init__(self, msgid: str, field: str | None = None, **params: Any) -> None:
        self.problems: list[Problem] = [Problem(msgid, field, params)]
        super().__init__(msgid)

    @classmethod
    def of(cls, problems: list[Problem]) -> LegalAidError:
        # The parameters live in the problems: a parameter named "field" must not clash.
        error = cls(problems[0].msgid, problems[0].field)
        error.problems = list(problems)
        return error

    def message(self, lang: str | None = None) -> str:
        if lang is None:
            return "\n".join(p.message() for p in self.problems)
        with using_language(lang):
            return "\n".join(p.message() for p in self.problems)

    def by_field(self) -> dict[str | None, str]:
        """Messages keyed by field name, for inline display next to the inputs."""
        out: dict[str | None, str] = {}
        for problem in self.problems:
            out.setdefault(problem.field, problem.message())
        return out

    def __str__(self) -> str:
        return self.message()


class ValidationError(LegalAidError):
    """The input cannot be saved as it is; the message says what to fix."""


class NotFoundError(LegalAidError):
    """A case, person, hearing, crossing or court that does not exist."""


class ConflictError(LegalAidError):
    """Someone else saved the same record since it was read (optimistic locking)."""


class StorageError(LegalAidError):
    """The database file cannot be opened, read or written."""


class WrongPassphrase(LegalAidError):
    """Neither the passphrase nor a recovery key opened the key file."""


class PassphraseRequired(LegalAidError):
    """The home is encrypted (or new) and no passphrase was given."""
