"""Each laptop's own case-number series, given by the office server: no two laptops, and no
laptop and the server's desks, ever give the same case number.

A laptop numbers its cases offline with its own counter, so two laptops with the same prefix
and desk letter would make the same numbers. At its first sync with the office server
(:func:`legalaid.exchange.peer.sync_with_server`) the laptop claims a series there:

* the series it already numbers its cases in (its prefix and desk letter, when it has made
  cases with them), if no other laptop holds it and the server's desks never used it;
* otherwise the office's prefix with the first desk letter (A to Z) that no laptop holds and
  no case on the server carries: ``TIJ-2026-A0001``.

The server keeps one ``number_series`` row per laptop (unique prefix and letter); the laptop
keeps its own, and from then on numbers its cases in that series whatever its settings say
(:func:`own_series`). A desk of the server whose settings name a laptop's series is refused
when it opens a case. Before anything is exchanged, a laptop whose cases carry the numbers of
other cases on the server (made before it had a series, or restored from an old backup) is
refused, with the numbers named: nothing is synced until a person renumbers them.

Three transactions, each safe to kill: the claim's id is written in the laptop's home first
(``prefix`` empty), then the series on the server under that id (``claimed``), then the series
in the laptop's home and settings (``series``). Run again, each finds what the last one did.
"""

from __future__ import annotations

import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from legalaid import faults
from legalaid.context import AppContext
from legalaid.errors import ValidationError
from legalaid.i18n import N_

OPERATION = "sync-server"
STEPS = ("claimed", "series")
LETTERS = string.ascii_uppercase
SHOWN = 5  # clashing case numbers named in the message

NUMBER_CLASH = N_(
    "Case numbers made on this laptop belong to other cases on the office server %(server)s: "
    "%(numbers)s. Nothing was synced. Each laptop must number its cases in its own series; "
    "ask the office's administrator to renumber these cases before syncing."
)
SERIES_TAKEN = N_(
    "This laptop's case numbers (%(example)s) are given to another laptop on the office server "
    "%(server)s. Nothing was synced; ask the office's administrator."
)
NO_LETTER_LEFT = N_(
    "The office server %(server)s has given all 26 desk letters of the prefix %(prefix)s to "
    "laptops. Nothing was synced; its administrator frees the letter of a laptop no longer used."
)
DESK_SERIES_TAKEN = N_(
    "The case numbers %(example)s belong to a laptop of the office (%(who)s). Choose another "
    "desk letter in Settings, or leave it empty."
)


@dataclass(frozen=True)
class Series:
    prefix: str
    letter: str

    def example(self, year: int | None = None) -> str:
        return f"{self.prefix}-{year or datetime.now(UTC).year}-{self.letter}0001"

    @property
    def key(self) -> str:
        """The series' key in ``case_sequence`` (legalaid.services.cases.next_case_number)."""
        return f"{self.prefix}/{self.letter}" if self.letter else self.prefix


def _sql(conn: Any, statement: str, params: Any = None) -> Any:
    """A statement written with ``?`` marks, run on either database's driver (this module is
    imported by the case numbering, so it imports nothing of the exchange)."""
    if params is None:
        return conn.exec_driver_sql(statement)
    if conn.dialect.paramstyle != "qmark":
        statement = statement.replace("?", "%s")
    return conn.exec_driver_sql(statement, params)


def own_series(session: Any) -> Series | None:
    """In a laptop's home: the series the office server gave it (None before its first sync;
    on the server itself, always None: its rows are the laptops')."""
    from legalaid.services.sql import POSTGRESQL, dialect_of

    if dialect_of(session) == POSTGRESQL:
        return None
    found = _sql(
        session.connection(), "SELECT prefix, letter FROM number_series WHERE prefix IS NOT NULL"
    ).first()
    return Series(str(found[0]), str(found[1] or "")) if found else None


def check_desk_series(session: Any, prefix: str, letter: str) -> None:
    """On the server: refuse a desk whose settings name a laptop's series."""
    from legalaid.services.sql import POSTGRESQL, dialect_of

    if dialect_of(session) != POSTGRESQL:
        return
    found = _sql(
        session.connection(),
        "SELECT claimed_by FROM number_series WHERE prefix = ? AND letter = ?",
        (prefix, letter),
    ).first()
    if found is not None:
        raise ValidationError(
            DESK_SERIES_TAKEN,
            "desk_letter",
            example=Series(prefix, letter).example(),
            who=found[0] or "—",
        )


def check_numbers(laptop: AppContext, server: AppContext, server_name: str) -> None:
    """Refuse a laptop whose cases carry the numbers of other cases on the server."""
    with laptop.db.read() as session:
        mine = {
            str(n): str(i)
            for i, n in _sql(session.connection(), 'SELECT id, case_number FROM "case"')
        }
    if not mine:
        return
    with server.db.read() as session:
        theirs = {
            str(n): str(i)
            for i, n in _sql(session.connection(), 'SELECT id, case_number FROM "case"')
        }
    clash = sorted(n for n, ident in mine.items() if theirs.get(n, ident) != ident)
    if clash:
        shown = ", ".join(clash[:SHOWN]) + (" …" if len(clash) > SHOWN else "")
        raise ValidationError(NUMBER_CLASH, server=server_name, numbers=shown)


def claim_series(
    laptop: AppContext,
    server: AppContext,
    office_prefix: str,
    server_name: str,
    reached: Callable[[str], None] | None = None,
) -> Series:
    """The laptop's series, claimed on the server when it has none (see the module).
    ``reached(step)`` marks each step's end (default: the fault points alone)."""
    if reached is None:
        reached = partial(faults.reached, OPERATION)
    claim, known, wished = _claim_at_home(laptop)
    with server.db.write() as session:
        conn = session.connection()
        series = _claim_on_server(conn, claim, known, wished, office_prefix)
        if series is None:
            raise ValidationError(
                SERIES_TAKEN, server=server_name, example=known.example() if known else "—"
            )
        if series.prefix == "":
            raise ValidationError(NO_LETTER_LEFT, server=server_name, prefix=office_prefix)
        _sql(
            conn,
            "INSERT INTO number_series (id, prefix, letter, device, claimed_by, claimed_at)"
            f" VALUES (?, ?, ?, ?, ?, {_now(conn)}) ON CONFLICT (id) DO NOTHING",
            (claim, series.prefix, series.letter, _device(laptop), laptop.actor),
        )
    reached("claimed")
    with laptop.db.write() as session:
        _sql(
            session.connection(),
            "UPDATE number_series SET prefix = ?, letter = ? WHERE id = ?",
            (series.prefix, series.letter, claim),
        )
    settings = laptop.settings
    if (settings.office_prefix, settings.desk_letter) != (series.prefix, series.letter):
        settings.office_prefix, settings.desk_letter = series.prefix, series.letter
        laptop.save_settings()
    reached("series")
    return series


def _now(conn: Any) -> str:
    """The current UTC time as the columns of either database hold it (no zone)."""
    return "now() AT TIME ZONE 'UTC'" if conn.dialect.name == "postgresql" else "CURRENT_TIMESTAMP"


def _device(laptop: AppContext) -> str:
    with laptop.db.read() as session:
        found = _sql(session.connection(), "SELECT id FROM device WHERE current").first()
    return str(found[0]) if found else ""


def _claim_at_home(laptop: AppContext) -> tuple[str, Series | None, Series | None]:
    """The claim's id (written now when the home has none), the series the home holds, and
    the one it would keep: its settings' series when it has numbered cases in it."""
    settings = laptop.settings
    wished = Series(settings.office_prefix, settings.desk_letter)
    with laptop.db.write() as session:
        conn = session.connection()
        found = _sql(conn, "SELECT id, prefix, letter FROM number_series").first()
        if found is None:
            claim = str(uuid.uuid4())
            _sql(
                conn,
                "INSERT INTO number_series (id, device, claimed_by, claimed_at)"
                f" VALUES (?, '', ?, {_now(conn)})",
                (claim, laptop.actor),
            )
            known = None
        else:
            claim = str(found[0])
            known = Series(str(found[1]), str(found[2] or "")) if found[1] else None
        used = _sql(
            conn,
            "SELECT count(*) FROM case_sequence WHERE prefix = ? AND last > 0",
            (wished.key,),
        ).scalar()
    return claim, known, wished if used else None


def _claim_on_server(
    conn: Any, claim: str, known: Series | None, wished: Series | None, office_prefix: str
) -> Series | None:
    """The series for ``claim``: the one the server holds for it, the one the laptop holds or
    wishes when free, else the office prefix with the first free letter (``Series("", "")``
    when none is left). None: the laptop's own series is another laptop's."""
    if conn.dialect.name == "postgresql":
        _sql(conn, "SELECT pg_advisory_xact_lock(1212)")  # one claim at a time
    held = _sql(conn, "SELECT prefix, letter FROM number_series WHERE id = ?", (claim,)).first()
    if held is not None:
        return Series(str(held[0]), str(held[1] or ""))
    claimed = {
        (str(prefix), str(letter or ""))
        for prefix, letter in _sql(conn, "SELECT prefix, letter FROM number_series")
    }
    desks = {str(r[0]) for r in _sql(conn, "SELECT DISTINCT prefix FROM case_sequence")}
    if known is not None:  # the server lost its row (restored from an older backup)
        return known if (known.prefix, known.letter) not in claimed else None
    if (
        wished is not None
        and (wished.prefix, wished.letter) != (office_prefix, "")
        and (wished.prefix, wished.letter) not in claimed
        and wished.key not in desks
    ):
        return wished
    start = len(office_prefix) + 7  # TIJ-2026-B0042: the letter after "TIJ-2026-"
    in_numbers = {
        str(r[0])
        for r in _sql(
            conn,
            'SELECT DISTINCT substr(case_number, ?, 1) FROM "case" WHERE case_number LIKE ?',
            (start, f"{office_prefix}-%"),
        )
    }
    for letter in LETTERS:
        series = Series(office_prefix, letter)
        if (office_prefix, letter) in claimed or series.key in desks or letter in in_numbers:
            continue
        return series
    return Series("", "")
