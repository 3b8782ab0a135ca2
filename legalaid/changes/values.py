"""Column values as JSON: dates and datetimes as ISO text (datetimes in UTC), enums as their
value, UUIDs and decimals as text. Values read back from the database and values a service
wrote encode the same way, so a change entry can be compared with the row."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=4096)
def _instant(value: datetime) -> str:
    # Bulk rows share their created/updated instants: each is formatted once.
    return (value if value.tzinfo is None else value.astimezone(UTC)).isoformat()


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot record a {type(value).__name__} value")


_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default)
dumps = _encoder.encode


def plain(value: Any) -> Any:
    """``value`` as it reads back from a change entry."""
    return json.loads(dumps(value))
