"""The results the builders return (no reportlab import here: the log and the services use it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Document:
    """A generated paper. ``printed`` keeps, per hearing, the facts it states (for the log);
    ``meta`` keeps other things worth logging (the day and crossing of a crossing list)."""

    kind: str
    case_id: str
    hearing_ids: list[str]
    pdf: bytes
    title: str
    printed: dict[str, dict[str, str]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchResult:
    count: int
    paths: list[Path]
    cancelled: bool
