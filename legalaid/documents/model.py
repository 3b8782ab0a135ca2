"""The results the builders return (no reportlab import here: the log and the services use it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legalaid.errors import Problem
from legalaid.services.ops import NOTHING, OpChanges


@dataclass
class Document:
    """A generated paper. ``printed`` keeps, per hearing, the facts it states (for the log);
    ``meta`` keeps other things worth logging (the day and crossing of a crossing list);
    ``case_of`` gives each hearing's case when the paper covers several households;
    ``warnings`` are what the person should know before printing it (translated when shown)."""

    kind: str
    case_id: str
    hearing_ids: list[str]
    pdf: bytes
    title: str
    printed: dict[str, dict[str, str]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    case_of: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class BatchResult:
    count: int
    paths: list[Path]
    cancelled: bool
    warnings: list[Problem] = field(default_factory=list)
    # With ``defer_log``: what was written, logged later by ``log_batch`` (saved or printed).
    pending: list[Any] = field(default_factory=list)
    changes: OpChanges = NOTHING  # what logging the letters changed (nothing while deferred)
