"""Hearings in a window of days, by crossing, ordered by the time people report at the port."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.models import HearingStatus, utcnow
from legalaid.services.reference import crossing_by_code, is_pending_court
from legalaid.services.sql import POSTGRESQL, dialect_of

VERIFY_WITHIN = timedelta(days=7)


@dataclass
class UpcomingHearing:
    hearing_id: str
    hearing_version: int
    case_id: str
    case_number: str
    names: list[str]
    a_numbers: list[str]
    crossing: str
    crossing_zone: str  # the zone of the crossing where the household reports
    court: str
    court_name_es: str
    court_name_en: str
    zone: str
    hearing_at: datetime
    report_at: datetime
    kind: str
    mode: str
    status: str
    phone: str
    verified_at: datetime | None
    verified_by: str
    flags: list[str] = field(default_factory=list)
    # Where the household stands to report: its crossing, or the one its crossing reports at.
    report_crossing: str = ""

    @property
    def household_size(self) -> int:
        return len(self.names)

    def as_json(self) -> dict[str, Any]:
        return {
            "case_number": self.case_number,
            "names": self.names,
            "a_numbers": [format_anumber(a) for a in self.a_numbers],
            "crossing": self.crossing,
            "report_crossing": self.report_crossing or self.crossing,
            "court": self.court,
            "hearing_at": self.hearing_at.isoformat(),
            "report_at": self.report_at.isoformat(),
            "time_zone": self.zone,
            "kind": self.kind,
            "mode": self.mode,
            "status": self.status,
            "household_size": self.household_size,
            "phone": self.phone,
            "verified_at": self.verified_at.isoformat() if self.verified_at else None,
            "verified_by": self.verified_by or None,
            "flags": self.flags,
            "reminder_outdated": "reminder_outdated" in self.flags,
        }


def flags_for(
    status: str, verified_at: datetime | None, now: datetime, court: str = ""
) -> list[str]:
    flags = []
    if status == HearingStatus.MISSED:
        flags.append("missed")
    if is_pending_court(court) and status == HearingStatus.SCHEDULED:
        flags.append("court_to_confirm")
    if status == HearingStatus.SCHEDULED and (
        verified_at is None or now - verified_at > VERIFY_WITHIN
    ):
        flags.append("not_verified")
    return flags


# A page walks the hearings in report-time order along ix_hearing_report_order (migration
# 0011_sortkeys), from the earliest report time of the window (:report_lo) or the page
# before's last row, and stops after :limit rows: the window's hearings are not all joined and
# sorted for each page (30 days at 100,000 cases: 30,000 rows sorted, 0.2-1 s a page; now a
# few ms). "+h.starts_at", "+h.status": on SQLite the window and the status only filter (the
# planner would otherwise walk the starts_at index and sort the whole window).
UPCOMING_SQL = """
SELECT h.id, h.version, h.starts_at, h.report_at, h.zone, h.kind, h.mode, h.status,
       h.verified_at, h.verified_by, c.id AS case_id, c.case_number, c.phone, c.whatsapp,
       x.code AS crossing, coalesce(r.zone, x.zone) AS crossing_zone,
       coalesce(r.code, x.code) AS report_crossing, k.code AS court, k.name_es, k.name_en
FROM hearing h JOIN "case" c ON c.id = h.case_id
JOIN crossing x ON x.id = h.crossing_id JOIN court k ON k.id = h.court_id
LEFT JOIN crossing r ON r.code = x.report_at_code
WHERE +h.starts_at >= :lo AND +h.starts_at < :hi
  AND coalesce(h.report_at, h.starts_at) >= :report_lo
  AND +h.status IN ('scheduled', 'missed', 'attended') {crossing} {after}
ORDER BY coalesce(h.report_at, h.starts_at), x.code, c.case_number, h.id
LIMIT :limit
"""
# The page's order, the view's (report time, crossing, case number), made unique by the id; a
# page starts after the last row of the one before (keyset paging: no rows skipped one by one).
ORDER_KEY = "(coalesce(h.report_at, h.starts_at), x.code, c.case_number, h.id)"
AFTER = f"AND {ORDER_KEY} > (:a_report, :a_crossing, :a_number, :a_id)"
AFTER_NAMES = ("a_report", "a_crossing", "a_number", "a_id")
PAGE = 200
# The earliest report time of the window's hearings (the covering index ix_hearing_window).
REPORT_LO_SQL = """SELECT min(coalesce(report_at, starts_at)) FROM hearing
WHERE starts_at >= :lo AND starts_at < :hi"""
ATTENDEES_SQL = """
SELECT a.hearing_id, p.given_names, p.family_names, p.a_number
FROM hearing_attendee a JOIN person p ON p.id = a.person_id
WHERE a.hearing_id IN (SELECT value FROM json_each(:ids))
ORDER BY a.hearing_id, p.position
"""
# PostgreSQL: no unary plus on text (its planner picks the window's index itself), and the
# JSON list of ids read with jsonb.
PG_FORMS = (
    ("+h.status", "h.status"),
    ("+h.starts_at", "h.starts_at"),
    ("json_each(:ids)", "jsonb_array_elements_text(CAST(:ids AS jsonb))"),
)


def _dialect_sql(sql: str, dialect: str) -> str:
    if dialect == POSTGRESQL:
        for sqlite_form, pg_form in PG_FORMS:
            sql = sql.replace(sqlite_form, pg_form)
    return sql


@dataclass
class UpcomingPage:
    """One page of the Upcoming list and where the next one starts (None: this was the last)."""

    rows: list[UpcomingHearing]
    after: tuple[Any, ...] | None


def upcoming(
    ctx: AppContext, days: int = 14, *, start: date | None = None, crossing: str | None = None
) -> list[UpcomingHearing]:
    """Hearings whose court-local date falls in [start, start + days), by report time: every
    page of :func:`upcoming_page` (letters and lists need them all; the view reads pages)."""
    result: list[UpcomingHearing] = []
    after: tuple[Any, ...] | None = None
    while True:
        page = upcoming_page(ctx, days, start=start, crossing=crossing, after=after, limit=5_000)
        result += page.rows
        if page.after is None:
            return result
        after = page.after


def upcoming_page(
    ctx: AppContext,
    days: int = 14,
    *,
    start: date | None = None,
    crossing: str | None = None,
    after: tuple[Any, ...] | None = None,
    limit: int = PAGE,
) -> UpcomingPage:
    """Up to ``limit`` hearings of the window (court-local dates in [start, start + days)),
    by report time, crossing and case number, beginning after ``after`` (the ``after`` of the
    page before; None for the first page). Flags are computed for this page's rows only.

    ``crossing`` keeps the households of that crossing and those who report there (San
    Ysidro's list includes Calexico's households, who report at San Ysidro)."""
    now = utcnow()
    start = start or now.date()
    end = start + timedelta(days=max(days, 1))
    limit = max(1, limit)
    params: dict[str, Any] = {
        "lo": _stored(start - timedelta(days=1)),
        "hi": _stored(end + timedelta(days=1)),
    }
    result: list[UpcomingHearing] = []
    shared: dict[Any, Any] = {}  # one copy of each repeated value (codes, names, zones)
    position = after
    with ctx.db.read() as session:
        if crossing:
            params["crossing"] = crossing_by_code(session, crossing).code
        conn = session.connection()
        dialect = dialect_of(conn)
        where = "AND (x.code = :crossing OR r.code = :crossing)" if crossing else ""
        params["report_lo"] = conn.execute(text(REPORT_LO_SQL), params).scalar()
        if params["report_lo"] is None:  # no hearing in the window
            return UpcomingPage([], None)
        while len(result) < limit:
            # The SQL window is a day wider on each side (the court's zone decides the date):
            # a page read may hold rows of those days, left out here; read on until it is full.
            wanted = limit - len(result) + 16
            sql = UPCOMING_SQL.format(crossing=where, after=AFTER if position else "")
            values = {**params, "limit": wanted}
            if position:
                values.update(zip(AFTER_NAMES, position, strict=True))
                values["report_lo"] = position[0]  # the index's walk starts there
            read = 0
            query = text(_dialect_sql(sql, dialect))
            for r in conn.execute(query, values).mappings():  # row by row: no list of SQL rows
                read += 1
                position = (
                    r["report_at"] or r["starts_at"],
                    r["crossing"],
                    r["case_number"],
                    r["id"],
                )
                if start <= _utc(r["starts_at"]).astimezone(ZoneInfo(r["zone"])).date() < end:
                    result.append(_row(r, now, shared))
                    if len(result) == limit:
                        break
            if read < wanted and len(result) < limit:
                position = None  # the window is read to its end
                break
        _add_attendees(conn, dialect, result)
    result.sort(key=lambda r: (r.report_at, r.crossing, r.case_number))
    _flag_outdated_reminders(ctx, result)
    _flag_conflicts(ctx, result)
    return UpcomingPage(result, position if len(result) == limit else None)


def _add_attendees(conn: Any, dialect: str, rows: list[UpcomingHearing]) -> None:
    if not rows:
        return
    by_id = {row.hearing_id: row for row in rows}
    attendees = text(_dialect_sql(ATTENDEES_SQL, dialect))
    for hearing_id, given, family, a_number in conn.execute(
        attendees, {"ids": json.dumps(list(by_id))}
    ):
        row = by_id[hearing_id]
        row.names.append(f"{given} {family}")
        if a_number:
            row.a_numbers.append(a_number)


def _flag_conflicts(ctx: AppContext, rows: list[UpcomingHearing]) -> None:
    """'in_conflict': an open conflict between offices blocks the hearing's reminder."""
    from legalaid.exchange.blocking import blocked_hearings

    if not rows:
        return
    with ctx.db.query() as conn:
        blocked = blocked_hearings(conn, [(r.hearing_id, r.case_id) for r in rows])
    for row in rows:
        if row.hearing_id in blocked:
            row.flags.append("in_conflict")


def _flag_outdated_reminders(ctx: AppContext, rows: list[UpcomingHearing]) -> None:
    """'reminder_outdated': the date, time, place, crossing or report time changed after the
    household's reminder was printed (the document log keeps what each letter said)."""
    from legalaid.documents.log import outdated_reminders  # the log lives with the papers

    scheduled = [r.hearing_id for r in rows if r.status == HearingStatus.SCHEDULED]
    stale = outdated_reminders(ctx, scheduled) if scheduled else set()
    for row in rows:
        if row.hearing_id in stale:
            row.flags.append("reminder_outdated")


def _stored(day: date) -> str:
    return f"{day.isoformat()} 00:00:00.000000"


def _utc(value: Any) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC)


def _row(r: Any, now: datetime, shared: dict[Any, Any]) -> UpcomingHearing:
    """The hearing's row; its names and A-numbers are added from the attendees query."""

    def one(value: Any) -> Any:
        return shared.setdefault(value, value)

    starts = _utc(r["starts_at"])
    report = _utc(r["report_at"]) if r["report_at"] else starts
    verified = _utc(r["verified_at"]) if r["verified_at"] else None
    return UpcomingHearing(
        hearing_id=r["id"],
        hearing_version=r["version"],
        case_id=r["case_id"],
        case_number=r["case_number"],
        names=[],
        a_numbers=[],
        crossing=one(r["crossing"]),
        crossing_zone=one(r["crossing_zone"]),
        court=one(r["court"]),
        court_name_es=one(r["name_es"]),
        court_name_en=one(r["name_en"]),
        zone=one(r["zone"]),
        hearing_at=starts.astimezone(ZoneInfo(r["zone"])),
        report_at=report.astimezone(ZoneInfo(r["crossing_zone"])),
        kind=one(r["kind"]),
        mode=one(r["mode"]),
        status=one(r["status"]),
        phone=r["whatsapp"] or r["phone"],
        verified_at=verified,
        verified_by=one(r["verified_by"]),
        flags=flags_for(r["status"], verified, now, r["court"]),
        report_crossing=one(r["report_crossing"]),
    )


@dataclass
class UpcomingCounts:
    """The whole window's counts, for the view's summary while its rows come in pages."""

    hearings: int = 0
    not_verified: int = 0
    missed: int = 0


COUNTS_SQL = """
SELECT h.starts_at, h.zone, h.status, h.verified_at
FROM hearing h JOIN crossing x ON x.id = h.crossing_id
LEFT JOIN crossing r ON r.code = x.report_at_code
WHERE h.starts_at >= :lo AND h.starts_at < :hi
  AND +h.status IN ('scheduled', 'missed', 'attended') {crossing}
"""


def upcoming_counts(
    ctx: AppContext, days: int = 14, *, start: date | None = None, crossing: str | None = None
) -> UpcomingCounts:
    """How many hearings the window holds, and how many are missed or not verified (the
    columns those need only: no names, no case, no letters)."""
    now = utcnow()
    start = start or now.date()
    end = start + timedelta(days=max(days, 1))
    params: dict[str, Any] = {
        "lo": _stored(start - timedelta(days=1)),
        "hi": _stored(end + timedelta(days=1)),
    }
    counts = UpcomingCounts()
    zones: dict[str, ZoneInfo] = {}
    with ctx.db.read() as session:
        if crossing:
            params["crossing"] = crossing_by_code(session, crossing).code
        conn = session.connection()
        where = "AND (x.code = :crossing OR r.code = :crossing)" if crossing else ""
        query = text(_dialect_sql(COUNTS_SQL.format(crossing=where), dialect_of(conn)))
        for starts_at, zone, status, verified_at in conn.execute(query, params):
            local = zones.get(zone) or zones.setdefault(zone, ZoneInfo(zone))
            if not start <= _utc(starts_at).astimezone(local).date() < end:
                continue
            counts.hearings += 1
            if status == HearingStatus.MISSED:
                counts.missed += 1
            elif status == HearingStatus.SCHEDULED and (
                verified_at is None or now - _utc(verified_at) > VERIFY_WITHIN
            ):
                counts.not_verified += 1
    return counts
