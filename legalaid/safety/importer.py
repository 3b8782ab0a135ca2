"""Import the spreadsheets shelters keep today: one household per case number, one transaction.

Every row is imported, recognised as already there (importing the same file twice creates no
duplicates) or rejected with its row number and the reason; rejected rows are written to a file
with the same columns plus the reason, ready to fix and import again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from legalaid.context import AppContext
from legalaid.errors import LegalAidError, Problem, StorageError, ValidationError
from legalaid.i18n import N_, _
from legalaid.models import AuditEntry, Case, Hearing, HearingAttendee, Person, new_id
from legalaid.safety import parsing as p
from legalaid.safety.tabular import Sheet, read_sheet, write_csv
from legalaid.services import validation as v
from legalaid.services.bulk import BulkRows
from legalaid.services.cases import PersonInput, next_case_number, person_values
from legalaid.services.hearings import wall_to_utc

REASON_HEADER = "motivo / reason"


@dataclass
class Rejected:
    row: int
    problems: list[Problem]
    cells: list[Any]

    def reason(self) -> str:
        return " ".join(problem.message() for problem in self.problems)


@dataclass
class ImportReport:
    total_rows: int = 0
    imported_rows: int = 0
    duplicate_rows: int = 0
    cases_created: int = 0
    people_created: int = 0
    hearings_created: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    rejects_file: Path | None = None
    dry_run: bool = False

    def summary(self) -> str:
        return _(
            "%(imported)s imported, %(duplicates)s already there, %(rejected)s rejected "
            "(%(cases)s new cases, %(people)s people, %(hearings)s hearings)."
        ) % {
            "imported": self.imported_rows,
            "duplicates": self.duplicate_rows,
            "rejected": len(self.rejected),
            "cases": self.cases_created,
            "people": self.people_created,
            "hearings": self.hearings_created,
        }


class _Known:
    """What the database already holds, loaded once per import."""

    def __init__(self, conn: Any) -> None:
        self.cases = dict(conn.execute(text('SELECT case_number, id FROM "case"')).all())
        self.a_numbers = dict(
            conn.execute(
                text("SELECT a_number, case_id FROM person WHERE a_number IS NOT NULL")
            ).all()
        )
        self.people: set[tuple[str, str, str, str]] = set()
        self.sizes: dict[str, int] = defaultdict(int)
        for case_id, given, family, born in conn.execute(
            text("SELECT case_id, given_names, family_names, birth_date FROM person")
        ):
            self.people.add((case_id, p.fold(given), p.fold(family), str(born or "")))
            self.sizes[case_id] += 1
        self.names = {(g, f, b) for _c, g, f, b in self.people}
        self.crossings = {
            r[0]: r
            for r in conn.execute(
                text(
                    "SELECT code, id, zone, report_hours_before, name_es, name_en, "
                    "default_court_code FROM crossing"
                )
            ).all()
        }
        self.courts = {
            r[0]: r
            for r in conn.execute(
                text("SELECT code, id, zone, name_es, name_en, city FROM court")
            ).all()
        }
        self.hearings = {
            (r[0], _naive(r[1]))
            for r in conn.execute(
                text("SELECT case_id, starts_at FROM hearing WHERE starts_at IS NOT NULL")
            )
        }

    def crossing(self, value: str) -> Any:
        return _match(value, self.crossings, (0, 4, 5))

    def court(self, value: str) -> Any:
        return _match(value, self.courts, (0, 3, 4, 5))


def _naive(value: Any) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=None)


def _match(value: str, table: dict[str, Any], fields: tuple[int, ...]) -> Any:
    folded = p.fold(value)
    for row in table.values():
        if any(p.fold(str(row[i])) == folded for i in fields):
            return row
    for row in table.values():  # "san diego" finds "San Diego Immigration Court"
        if len(folded) >= 4 and any(folded in p.fold(str(row[i])) for i in fields[1:]):
            return row
    raise ValueError(value)


def import_file(
    ctx: AppContext, path: Path, *, dry_run: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """Import ``path`` in one transaction (nothing at all when ``dry_run``)."""
    sheet = _read(path)
    report = ImportReport(total_rows=len(sheet.rows), dry_run=dry_run)
    report.ignored_headers = [
        h for h, c in zip(sheet.headers, sheet.columns, strict=True) if h and c is None
    ]
    with ctx.db.write() as session:
        conn = session.connection()
        known = _Known(conn)
        rows = BulkRows()
        groups = _groups(sheet)
        for key, members in groups.items():
            _household(ctx, session, known, rows, sheet, key, members, report)
        if not dry_run:
            rows.write(conn)
        else:
            session.rollback()
    if report.rejected:
        report.rejects_file = _write_rejects(sheet, report, rejects_path or _rejects_for(path))
    return report


def _read(path: Path) -> Sheet:
    try:
        sheet = read_sheet(path)
    except (OSError, ValueError, KeyError) as error:
        raise StorageError(
            N_("The file %(path)s cannot be read as a spreadsheet: %(reason)s"),
            path=str(path),
            reason=str(error)[:200],
        ) from error
    missing = {"given_names", "family_names"} - set(filter(None, sheet.columns))
    if missing:
        raise ValidationError(
            N_(
                "The spreadsheet needs the columns “nombres” (given names) and “apellidos” "
                "(family names) in its first row."
            ),
            "file",
        )
    return sheet


def _groups(sheet: Sheet) -> dict[str, list[tuple[int, list[Any]]]]:
    groups: dict[str, list[tuple[int, list[Any]]]] = defaultdict(list)
    for number, cells in sheet.rows:
        case_number = str(sheet.record(cells).get("case_number") or "").strip().upper()[:32]
        groups[case_number or f"\0row{number}"].append((number, cells))
    return groups


def _rejects_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}-rechazadas.csv")


def _write_rejects(sheet: Sheet, report: ImportReport, target: Path) -> Path | None:
    rows = [[*r.cells, r.reason()] for r in sorted(report.rejected, key=lambda r: r.row)]
    try:
        write_csv(target, [*sheet.headers, REASON_HEADER], rows, sheet.delimiter)
    except OSError:
        return None
    return target


@dataclass
class _Row:
    number: int
    cells: list[Any]
    values: dict[str, Any]
    person: dict[str, Any] = field(default_factory=dict)


def _household(
    ctx: AppContext,
    session: Any,
    known: _Known,
    rows: BulkRows,
    sheet: Sheet,
    key: str,
    members: list[tuple[int, list[Any]]],
    report: ImportReport,
) -> None:
    case_number = "" if key.startswith("\0") else key
    case_id = known.cases.get(case_number) if case_number else None
    accepted: list[_Row] = []
    for number, cells in members:
        row = _Row(number, cells, sheet.record(cells))
        problems = _parse_person(row)
        if problems:
            report.rejected.append(Rejected(number, problems, cells))
        elif _duplicate(known, row, case_id):
            report.duplicate_rows += 1
        elif (clash := _anumber_clash(known, row, case_id)) is not None:
            report.rejected.append(Rejected(number, [clash], cells))
        else:
            accepted.append(row)
    if not accepted:
        return
    try:
        case_values, hearing = _case_and_hearing(known, accepted)
    except LegalAidError as error:
        for row in accepted:
            report.rejected.append(Rejected(row.number, error.problems, row.cells))
        return
    if case_id is None:
        case_id = new_id()
        new_number = case_number or next_case_number(
            session, ctx.settings.office_prefix, date.today().year
        )
        rows.add(Case, {"id": case_id, "case_number": new_number, **case_values})
        known.cases[new_number] = case_id
        report.cases_created += 1
    _add_people(rows, known, case_id, accepted, hearing, report)
    rows.add(
        AuditEntry,
        {
            "id": new_id(),
            "at": rows.now,
            "actor": ctx.actor,
            "action": "import",
            "entity": "case",
            "entity_id": case_id,
            "case_id": case_id,
            "changes": {"people": [0, len(accepted)]},
        },
    )


def _parse_person(row: _Row) -> list[Problem]:
    errors = v.Collector()
    values = row.values
    fields = {
        "birth_date": (
            p.parse_date,
            N_(
                "The date of birth “%(value)s” is not a date: write it as 28/05/1990 or 1990-05-28."
            ),
        ),
        "sex": (
            lambda x: p.parse_choice(x, p.SEXES, "unknown"),
            N_("Unknown sex “%(value)s”: write M, F or leave it empty."),
        ),
        "relationship": (
            lambda x: p.parse_choice(x, p.RELATIONSHIPS, ""),
            N_("Unknown relationship “%(value)s”: write titular, esposa, hijo..."),
        ),
        "nationality": (
            p.parse_country,
            N_("Unknown nationality “%(value)s”: write the country's name or its two-letter code."),
        ),
    }
    parsed: dict[str, Any] = {}
    for name, (parser, message) in fields.items():
        try:
            parsed[name] = parser(values.get(name))
        except (ValueError, TypeError, OverflowError):
            errors.add(message, name, value=str(values.get(name))[:40])
    if errors.problems:
        return errors.problems
    data = PersonInput(
        given_names=str(values.get("given_names") or ""),
        family_names=str(values.get("family_names") or ""),
        relationship=parsed["relationship"] or "principal",
        birth_date=parsed["birth_date"],
        sex=parsed["sex"],
        nationality=parsed["nationality"],
        language=str(values.get("language") or "es")[:16],
        a_number=str(values.get("a_number") or "") or None,
    )
    row.person = person_values(data, errors)
    return errors.problems


def _duplicate(known: _Known, row: _Row, case_id: str | None) -> bool:
    person = row.person
    if person["a_number"] and person["a_number"] in known.a_numbers:
        return case_id is None or known.a_numbers[person["a_number"]] == case_id
    name = (
        p.fold(person["given_names"]),
        p.fold(person["family_names"]),
        str(person["birth_date"] or ""),
    )
    if case_id is not None:
        return (case_id, *name) in known.people
    return name in known.names


def _anumber_clash(known: _Known, row: _Row, case_id: str | None) -> Problem | None:
    number = row.person["a_number"]
    if number and number in known.a_numbers and known.a_numbers[number] != case_id:
        return Problem(N_("This A-number already belongs to someone in another case."), "a_number")
    return None


def _case_and_hearing(known: _Known, rows: list[_Row]) -> tuple[dict[str, Any], Any]:
    first = {k: val for row in reversed(rows) for k, val in row.values.items() if val}
    errors = v.Collector()
    crossing = court = None
    try:
        crossing = known.crossing(str(first["crossing"])) if first.get("crossing") else None
    except ValueError:
        errors.add(
            N_("Unknown crossing “%(code)s”: use one of the codes in the crossings list."),
            "crossing",
            code=str(first["crossing"])[:20],
        )
    try:
        court = known.court(str(first["court"])) if first.get("court") else None
    except ValueError:
        errors.add(
            N_("Unknown court “%(code)s”: use one of the codes in the courts list."),
            "court",
            code=str(first["court"])[:40],
        )
    if court is None and crossing is not None and crossing[6]:
        court = known.courts.get(crossing[6])
    returned = _date_or_problem(first.get("returned_on"), "returned_on", errors)
    values = {
        "status": "open",
        "city": str(first.get("city") or "")[:200],
        "address_mx": str(first.get("address") or "")[:2000],
        "shelter": str(first.get("shelter") or "")[:200],
        "nta_address": "",
        "eoir33_filed": False,
        "eoir33_filed_on": None,
        "phone": str(first.get("phone") or "")[:200],
        "whatsapp": str(first.get("phone") or "")[:200],
        "returned_on": returned,
        "return_port_id": crossing[1] if crossing else None,
        "crossing_id": crossing[1] if crossing else None,
        "court_id": court[1] if court else None,
        "representative": "",
        "letter_languages": "es,en",
        "closed_at": None,
        "notes": str(first.get("notes") or "")[: v.MAX_NOTES],
        "is_demo": False,
    }
    hearing = _hearing(first, crossing, court, errors)
    errors.check()
    return values, hearing


def _date_or_problem(value: Any, name: str, errors: v.Collector) -> date | None:
    try:
        return p.parse_date(value)
    except (ValueError, TypeError, OverflowError):
        errors.add(
            N_("“%(value)s” is not a date: write it as 28/05/2024 or 2024-05-28."),
            name,
            value=str(value)[:40],
        )
        return None


def _hearing(first: dict[str, Any], crossing: Any, court: Any, errors: v.Collector) -> Any:
    day = _date_or_problem(first.get("hearing_date"), "hearing_date", errors)
    if day is None:
        return None
    at = _time_or_problem(first.get("hearing_time"), "hearing_time", errors)
    report = _time_or_problem(first.get("report_time"), "report_time", errors)
    if court is None or crossing is None or at is None:
        if not errors.problems:
            errors.add(N_("A hearing needs its time, court and crossing."), "hearing_time")
        return None
    try:
        kind = p.parse_choice(first.get("hearing_kind"), p.KINDS, "master")
    except ValueError:
        kind = "other"
    starts = wall_to_utc(day, at, court[2], "hearing_time", errors)
    if starts is None:
        return None
    report_at = starts - timedelta(hours=crossing[3])
    if report is not None:
        report_at = wall_to_utc(day, report, crossing[2], "report_time", errors) or report_at
        if report_at >= starts:
            errors.add(
                N_("The report time at the crossing must be before the hearing time."),
                "report_time",
            )
    return {
        "court_id": court[1],
        "crossing_id": crossing[1],
        "zone": court[2],
        "starts_at": starts,
        "report_at": report_at,
        "kind": kind,
    }


def _time_or_problem(value: Any, name: str, errors: v.Collector) -> time | None:
    try:
        return p.parse_time(value)
    except (ValueError, TypeError):
        errors.add(
            N_("“%(value)s” is not a time: write it as 8:30, 8:30 a. m. or 13:00."),
            name,
            value=str(value)[:40],
        )
        return None


def _add_people(
    rows: BulkRows,
    known: _Known,
    case_id: str,
    accepted: list[_Row],
    hearing: Any,
    report: ImportReport,
) -> None:
    ids = []
    for position, row in enumerate(accepted, start=known.sizes[case_id]):
        person_id = new_id()
        ids.append(person_id)
        rows.add(
            Person,
            {
                "id": person_id,
                "case_id": case_id,
                "position": position,
                "active": True,
                **row.person,
            },
        )
        if row.person["a_number"]:
            known.a_numbers[row.person["a_number"]] = case_id
        key = (
            p.fold(row.person["given_names"]),
            p.fold(row.person["family_names"]),
            str(row.person["birth_date"] or ""),
        )
        known.people.add((case_id, *key))
        known.sizes[case_id] += 1
        known.names.add(key)
    report.people_created += len(accepted)
    report.imported_rows += len(accepted)
    stamp = (case_id, _naive(hearing["starts_at"])) if hearing else None
    if hearing and stamp is not None and stamp not in known.hearings:
        hearing_id = new_id()
        rows.add(
            Hearing,
            {
                "id": hearing_id,
                "case_id": case_id,
                "status": "scheduled",
                "mode": "in_person",
                "outcome": "",
                "source": "other",
                "verified_at": None,
                "verified_by": "",
                "replaces_id": None,
                "notes": "",
                **hearing,
            },
        )
        for person_id in ids:
            rows.add(
                HearingAttendee, {"id": new_id(), "hearing_id": hearing_id, "person_id": person_id}
            )
        known.hearings.add(stamp)
        report.hearings_created += 1
