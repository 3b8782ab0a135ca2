"""Import the spreadsheets shelters keep today: one household per case number, one transaction.

Every row read gets exactly one fate, listed in the report (the counts add up to the rows read):
- imported: a new person (noted as a possible duplicate when someone with the same name and
  date of birth is already stored, or earlier in the file, under other numbers);
- already there: it matches a stored person: the same A-number, or the same case number, and
  the same name and date of birth (so importing the same file twice adds nothing);
- repeated: the same person as an earlier row of the file (one person, imported once);
- rejected: with its row number and the reason, naming the column to fix. Rejected rows are
  written to a file with the same columns plus the reason, ready to fix and import again.

Nothing is changed silently: a value longer than the case window accepts, a control character,
rows of one household that disagree on a household column are rejected, not cut or chosen.
A dry run takes exactly the same path, writes every row inside the transaction, and rolls it
back: the same counts and rejects, and nothing written (no rejects file either).

This module reads, checks, merges and decides; legalaid.services.imports owns the write
transaction and the audit entries, and writes what it is given.
"""

from __future__ import annotations

import errno
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import text

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.errors import LegalAidError, Problem, StorageError, ValidationError
from legalaid.formatting import medium_date
from legalaid.formatting import number as figure
from legalaid.i18n import N_, _, current_language, ngettext
from legalaid.services import validation as v
from legalaid.services.cases import PersonInput, person_values
from legalaid.services.hearings import wall_to_utc
from legalaid.services.imports import ImportWrite, write_import
from legalaid.services.ops import NOTHING, OpChanges
from legalaid.services.reference import is_pending_court
from legalaid.spreadsheets import parsing as p
from legalaid.spreadsheets.tabular import HEADERS, Sheet, column_letter, read_sheet, write_csv

REASON_HEADER = "motivo / reason"
WRITE_EVERY = 2_000  # households written at a time, inside the one transaction

IMPORTED = "imported"
POSSIBLE_DUPLICATE = "possible_duplicate"
ALREADY_THERE = "already_there"
REPEATED = "repeated"
REJECTED = "rejected"

# The longest value each column takes, in characters: what the case window accepts.
LIMITS = {
    "case_number": 32,
    "family_names": 200,
    "given_names": 200,
    "a_number": 40,
    "birth_date": 40,
    "sex": 40,
    "relationship": 40,
    "nationality": 80,
    "language": 16,
    "phone": v.MAX_TEXT,
    "whatsapp": v.MAX_TEXT,
    "crossing": 200,
    "hearing_date": 40,
    "hearing_time": 40,
    "report_time": 40,
    "hearing_kind": 80,
    "court": 200,
    "shelter": v.MAX_TEXT,
    "city": v.MAX_TEXT,
    "address": v.MAX_TEXT,
    "returned_on": 40,
    "notes": v.MAX_NOTES,
}
# Control characters: none anywhere, except tab and line breaks in the notes.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_NOTES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Columns that describe the household, not the person: one value per case.
HOUSEHOLD = (
    "phone",
    "whatsapp",
    "crossing",
    "hearing_date",
    "hearing_time",
    "report_time",
    "hearing_kind",
    "court",
    "shelter",
    "city",
    "address",
    "returned_on",
)
HEARING_COLUMNS = ("hearing_date", "hearing_time", "report_time", "hearing_kind")

NameKey = tuple[str, str, str]
T = TypeVar("T")
# Names, places and codes repeat from row to row: each is folded once per import.
_fold = lru_cache(maxsize=262_144)(p.fold)


@dataclass
class Rejected:
    row: int
    problems: list[Problem]
    cells: list[Any]

    def reason(self) -> str:
        return " ".join(problem.message() for problem in self.problems)


@dataclass
class RowFate:
    """What became of one row: its fate, the case it went to or matched, and why."""

    row: int
    fate: str
    case_number: str = ""
    notes: list[Problem] = field(default_factory=list)

    def message(self) -> str:
        return " ".join(problem.message() for problem in self.notes)


@dataclass
class ImportReport:
    total_rows: int = 0
    imported_rows: int = 0
    duplicate_rows: int = 0  # already there
    repeated_rows: int = 0
    possible_duplicates: int = 0  # imported, but maybe someone stored under other numbers
    cases_created: int = 0
    people_created: int = 0
    hearings_created: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    rows: list[RowFate] = field(default_factory=list)  # every row read, in file order
    ignored_headers: list[str] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # about the file (sheets not read)
    rejects_file: Path | None = None
    rejects_error: LegalAidError | None = None
    dry_run: bool = False
    changes: OpChanges = NOTHING  # what the import changed, for the views to refresh from

    def summary(self) -> str:
        return _(
            "%(imported)s imported (%(possible)s possible duplicates), %(duplicates)s already "
            "there, %(repeated)s repeated in the file, %(rejected)s rejected (%(cases)s new "
            "cases, %(people)s people, %(hearings)s hearings)."
        ) % {
            "imported": self.imported_rows,
            "possible": self.possible_duplicates,
            "duplicates": self.duplicate_rows,
            "repeated": self.repeated_rows,
            "rejected": len(self.rejected),
            "cases": self.cases_created,
            "people": self.people_created,
            "hearings": self.hearings_created,
        }

    def fates(self, *kinds: str) -> list[RowFate]:
        return [fate for fate in self.rows if fate.fate in kinds]

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "rows_read": self.total_rows,
            "imported": self.imported_rows,
            "possible_duplicates": self.possible_duplicates,
            "already_there": self.duplicate_rows,
            "repeated": self.repeated_rows,
            "rejected": len(self.rejected),
            "cases_created": self.cases_created,
            "people_created": self.people_created,
            "hearings_created": self.hearings_created,
            "rejects_file": str(self.rejects_file) if self.rejects_file else None,
            "ignored_columns": self.ignored_headers,
            "notes": [note.message() for note in self.notes],
            "rows": [
                {
                    "row": fate.row,
                    "fate": fate.fate,
                    "case_number": fate.case_number or None,
                    "message": fate.message(),
                }
                for fate in self.rows
            ],
        }


FATE_LABELS = {
    IMPORTED: N_("imported"),
    POSSIBLE_DUPLICATE: N_("imported, possible duplicate"),
    ALREADY_THERE: N_("already there"),
    REPEATED: N_("repeated in the file"),
}


def row_lines(report: ImportReport, limit: int) -> list[str]:
    """What a person should read about the file and its rows, at most ``limit`` rows of each
    fate (the rejected first); rows simply imported are only counted."""
    lines = [note.message() for note in report.notes]
    if report.ignored_headers:
        lines.append(
            _("Columns not understood and ignored: %(names)s")
            % {"names": ", ".join(report.ignored_headers)}
        )
    for rejected in report.rejected[:limit]:
        lines.append(
            _("Row %(row)d: %(reason)s") % {"row": rejected.row, "reason": rejected.reason()}
        )
    lines += _more(len(report.rejected) - limit)
    for kind in (POSSIBLE_DUPLICATE, REPEATED, ALREADY_THERE, IMPORTED):
        told = [fate for fate in report.fates(kind) if fate.notes]
        for fate in told[:limit]:
            lines.append(
                _("Row %(row)d (%(fate)s): %(detail)s")
                % {"row": fate.row, "fate": _(FATE_LABELS[kind]), "detail": fate.message()}
            )
        lines += _more(len(told) - limit)
    return lines


def _more(count: int) -> list[str]:
    if count <= 0:
        return []
    return [
        ngettext(
            "…and %(count)d more row like these.", "…and %(count)d more rows like these.", count
        )
        % {"count": count}
    ]


class _Known:
    """What the database already holds, loaded once per import."""

    def __init__(self, conn: Any) -> None:
        self.cases: dict[str, str] = dict(
            conn.execute(text('SELECT case_number, id FROM "case"')).all()
        )
        self.numbers = {case_id: number for number, case_id in self.cases.items()}
        # An A-number may be on two stored people (possible duplicates): every one is kept.
        self.by_anumber: dict[str, list[tuple[str, NameKey]]] = defaultdict(list)
        self.by_case: dict[str, dict[NameKey, str | None]] = defaultdict(dict)
        self.by_name: dict[NameKey, list[str]] = defaultdict(list)
        self.sizes: dict[str, int] = defaultdict(int)
        for case_id, given, family, born, a_number in conn.execute(
            text("SELECT case_id, given_names, family_names, birth_date, a_number FROM person")
        ):
            key = (_fold(given), _fold(family), str(born or ""))
            if a_number:
                self.by_anumber[a_number].append((case_id, key))
            self.by_case[case_id].setdefault(key, a_number)
            if case_id not in self.by_name[key]:
                self.by_name[key].append(case_id)
            self.sizes[case_id] += 1
        # Decisions on possible duplicates (legalaid.services.duplicates): households merged
        # into another, and pairs a person said are different.
        self.merged_into: dict[str, str] = dict(
            conn.execute(
                text('SELECT id, merged_into FROM "case" WHERE merged_into IS NOT NULL')
            ).all()
        )
        self.different: set[str] = {
            r[0] for r in conn.execute(text("SELECT id FROM duplicate_decision"))
        }
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
        self._crossing_of: dict[str, Any] = {}
        self._court_of: dict[str, Any] = {}
        self.hearings = {
            (r[0], _naive(r[1]))
            for r in conn.execute(
                text("SELECT case_id, starts_at FROM hearing WHERE starts_at IS NOT NULL")
            )
        }

    def kept(self, case_id: str) -> str:
        """The household ``case_id`` was merged into (itself when not merged)."""
        seen = {case_id}
        while case_id in self.merged_into and self.merged_into[case_id] not in seen:
            case_id = self.merged_into[case_id]
            seen.add(case_id)
        return case_id

    def namesakes(self, key: NameKey, case_id: str | None) -> list[str]:
        """The stored households (as kept after merges) with someone of this name and birth
        date, other than ``case_id`` and those a person said are different from it."""
        from legalaid.services.duplicates import pair_key

        target = self.kept(case_id) if case_id else None
        found: list[str] = []
        for stored in self.by_name.get(key, []):
            kept = self.kept(stored)
            if kept == target or kept in found:
                continue
            if (
                case_id
                and {pair_key(case_id, stored), pair_key(target or "", kept)} & self.different
            ):
                continue
            found.append(kept)
        return found

    def crossing(self, value: str) -> Any:
        if value not in self._crossing_of:
            self._crossing_of[value] = _match(value, self.crossings, (0, 4, 5))
        return self._crossing_of[value]

    def court(self, value: str) -> Any:
        """By code (a court "to be confirmed" too, as an export writes it), else by name."""
        if value.strip().upper() in self.courts:
            return self.courts[value.strip().upper()]
        if value not in self._court_of:
            real = {code: row for code, row in self.courts.items() if not is_pending_court(code)}
            self._court_of[value] = _match(value, real, (0, 3, 4, 5))
        return self._court_of[value]


@dataclass
class _Seen:
    """The people this file has brought so far (in households that were accepted)."""

    by_anumber: dict[str, _Row] = field(default_factory=dict)
    by_case: dict[tuple[str, NameKey], _Row] = field(default_factory=dict)
    by_name: dict[NameKey, _Row] = field(default_factory=dict)

    def add(self, row: _Row, case_number: str) -> None:
        if row.person["a_number"]:
            self.by_anumber.setdefault(row.person["a_number"], row)
        if case_number:
            self.by_case.setdefault((case_number, row.key), row)
        self.by_name.setdefault(row.key, row)

    def forget(self, row: _Row, case_number: str) -> None:
        """Take back ``add``: the row's household was rejected after all."""
        if self.by_anumber.get(row.person["a_number"]) is row:
            del self.by_anumber[row.person["a_number"]]
        if self.by_case.get((case_number, row.key)) is row:
            del self.by_case[(case_number, row.key)]
        if self.by_name.get(row.key) is row:
            del self.by_name[row.key]


def _naive(value: Any) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=None)


def _match(value: str, table: dict[str, Any], fields: tuple[int, ...]) -> Any:
    folded = _fold(value)
    for row in table.values():
        if any(_fold(str(row[i])) == folded for i in fields):
            return row
    for row in table.values():  # "san diego" finds "San Diego Immigration Court"
        if len(folded) >= 4 and any(folded in _fold(str(row[i])) for i in fields[1:]):
            return row
    raise ValueError(value)


def import_file(
    ctx: AppContext, path: Path, *, dry_run: bool = False, rejects_path: Path | None = None
) -> ImportReport:
    """Import ``path`` in one transaction (rolled back at the end when ``dry_run``)."""
    try:
        return _import(ctx, path, dry_run, rejects_path)
    finally:
        _fold.cache_clear()  # the names read stay in memory no longer than the import


@dataclass
class _Run:
    """One import under way: the file, what is stored, what the file brought so far, the
    fate of each row read, and the write it goes through."""

    sheet: Sheet
    report: ImportReport
    known: _Known
    write: ImportWrite
    seen: _Seen = field(default_factory=_Seen)
    fates: dict[int, RowFate] = field(default_factory=dict)


def _import(ctx: AppContext, path: Path, dry_run: bool, rejects_path: Path | None) -> ImportReport:
    sheet = _read(path)
    report = ImportReport(total_rows=len(sheet.rows), dry_run=dry_run, notes=list(sheet.notes))
    report.ignored_headers = _ignored_columns(sheet)

    def decide(write: ImportWrite) -> _Run:
        with ctx.db.read() as session:  # inside the import's write: its own session
            run = _Run(sheet, report, _Known(session.connection()), write)
        groups = _groups(sheet)
        # Households with their own case number first, so a number made up for a row without
        # one never takes a number a later row of the file brings.
        for key in sorted(groups, key=lambda k: k.startswith("\0")):
            _household(run, key, groups[key])
        return run

    run, report.changes = write_import(ctx, decide, dry_run=dry_run, write_every=WRITE_EVERY)
    report.rows = [run.fates[number] for number, _cells in sheet.rows]
    _count(report)
    if report.rejected and not dry_run:
        target = rejects_path or _rejects_for(path)
        try:
            _write_rejects(sheet, report, target)
            report.rejects_file = target
        except LegalAidError as error:
            report.rejects_error = error
    return report


def _count(report: ImportReport) -> None:
    kinds = [fate.fate for fate in report.rows]
    report.imported_rows = kinds.count(IMPORTED) + kinds.count(POSSIBLE_DUPLICATE)
    report.possible_duplicates = kinds.count(POSSIBLE_DUPLICATE)
    report.duplicate_rows = kinds.count(ALREADY_THERE)
    report.repeated_rows = kinds.count(REPEATED)
    report.rejected.sort(key=lambda r: r.row)
    assert len(report.rows) == report.total_rows and kinds.count(REJECTED) == len(report.rejected)


def _read(path: Path) -> Sheet:
    try:
        sheet = read_sheet(path)
    except OSError as error:
        msgid = UNREADABLE.get(error.errno or 0, N_("The file %(path)s cannot be read: %(reason)s"))
        reason = error.strerror or type(error).__name__
        raise StorageError(msgid, "file", path=str(path), reason=reason) from error
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


UNREADABLE = {
    errno.ENOENT: N_("The file %(path)s does not exist: check its name and folder."),
    errno.EACCES: N_("The file %(path)s cannot be read: permission denied."),
    errno.EPERM: N_("The file %(path)s cannot be read: permission denied."),
    errno.EISDIR: N_("%(path)s is a folder: choose the spreadsheet file inside it."),
}


def _ignored_columns(sheet: Sheet) -> list[str]:
    """Columns whose title is not understood, and columns with values but no title."""
    ignored = [h for h, c in zip(sheet.headers, sheet.columns, strict=True) if h and c is None]
    untitled: set[int] = set()
    for _number, cells in sheet.rows:
        for index, cell in enumerate(cells):
            title = sheet.headers[index] if index < len(sheet.headers) else ""
            if not title.strip() and cell not in (None, "") and str(cell).strip():
                untitled.add(index)
    ignored += [
        _("column %(letter)s (no title)") % {"letter": column_letter(index)}
        for index in sorted(untitled)
    ]
    return ignored


Member = tuple[int, list[Any], dict[str, Any]]  # row number, cells, values by column


def _groups(sheet: Sheet) -> dict[str, list[Member]]:
    groups: dict[str, list[Member]] = defaultdict(list)
    for number, cells in sheet.rows:
        values = sheet.record(cells)
        case_number = str(values.get("case_number") or "").strip().upper()
        groups[case_number or f"\0row{number}"].append((number, cells, values))
    return groups


def _rejects_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}-rechazadas.csv")


def _write_rejects(sheet: Sheet, report: ImportReport, target: Path) -> None:
    width = max([len(sheet.headers), *(len(r.cells) for r in report.rejected)])
    headers = sheet.headers + [""] * (width - len(sheet.headers))
    rows = [[*r.cells, *[""] * (width - len(r.cells)), r.reason()] for r in report.rejected]
    write_csv(target, [*headers, REASON_HEADER], rows, sheet.delimiter)


@dataclass(eq=False)
class _Row:
    number: int
    cells: list[Any]
    values: dict[str, Any]
    person: dict[str, Any] = field(default_factory=dict)
    key: NameKey = ("", "", "")
    note: Problem | None = None
    stored: dict[str, Any] | None = None  # the row written for this person, once added


# A person's details besides the name and date of birth (which say who the person is).
PERSON_DETAILS = ("a_number", "sex", "relationship", "nationality", "language")


def _given(row: _Row, name: str) -> bool:
    return _filled(row.values.get(name))


def _columns(sheet: Sheet, names: list[str]) -> str:
    return ", ".join(_column(sheet, name) for name in names)


def _column(sheet: Sheet, name: str) -> str:
    """The column as the person knows it: its title in the file, else the export's title."""
    for header, column in zip(sheet.headers, sheet.columns, strict=True):
        if column == name:
            return header
    return HEADERS.get(current_language(), HEADERS["es"])[name]


def _household(run: _Run, key: str, members: list[Member]) -> None:
    known, seen, sheet, report, fates = run.known, run.seen, run.sheet, run.report, run.fates
    case_number = "" if key.startswith("\0") else key
    case_id = known.cases.get(case_number) if case_number else None

    def reject(row: _Row, problems: list[Problem]) -> None:
        report.rejected.append(Rejected(row.number, problems, row.cells))
        fates[row.number] = RowFate(row.number, REJECTED, case_number, problems)

    accepted: list[_Row] = []
    repeats: list[tuple[_Row, _Row]] = []
    for number, cells, values in members:
        row = _Row(number, cells, values)
        problems = _check_cells(sheet, row) or _parse_person(row)
        if problems:
            reject(row, problems)
            continue
        fate, note, earlier = _identify(run, row, case_number, case_id)
        if fate == REJECTED:
            reject(row, [note] if note else [])
        elif fate == ALREADY_THERE:
            assert note is not None
            fates[number] = RowFate(number, fate, note.params["case"], [note])
        elif fate == REPEATED:
            assert earlier is not None and note is not None
            repeats.append((row, earlier))
            fates[number] = RowFate(number, REPEATED, case_number, [note])
        else:
            row.note = note
            accepted.append(row)
            seen.add(row, case_number)
    if not accepted:
        return
    try:
        case_values, hearing = _case_and_hearing(run, accepted, case_number)
    except LegalAidError as error:
        failed = set()
        for row in accepted:
            seen.forget(row, case_number)
            reject(row, error.problems)
            failed.add(row.number)
        for row, earlier in repeats:  # the same person as a row rejected just now
            if earlier.number in failed:
                reject(row, error.problems)
        return
    added_to_existing = case_id is not None
    if case_id is None:
        new_number = case_number or run.write.case_number(known.cases)
        case_id = run.write.add_case(new_number, case_values)
        known.cases[new_number] = case_id
        known.numbers[case_id] = new_number
        report.cases_created += 1
    number_shown = known.numbers[case_id]
    kept_as_is = added_to_existing and any(
        row.values.get(name) not in (None, "")
        for row in accepted
        for name in (*HOUSEHOLD, "notes")
        if name not in HEARING_COLUMNS
    )
    for row in accepted:
        notes = [row.note] if row.note else []
        if kept_as_is:
            notes.append(
                Problem(
                    N_(
                        "Added to the existing case %(case)s; its household details (phone, "
                        "address, notes...) were left as they are: change them in the case "
                        "window if needed."
                    ),
                    None,
                    {"case": number_shown},
                )
            )
        fate = POSSIBLE_DUPLICATE if row.note else IMPORTED
        fates[row.number] = RowFate(row.number, fate, number_shown, notes)
    _add_people(run, case_id, accepted, hearing)


def _check_cells(sheet: Sheet, row: _Row) -> list[Problem]:
    """Values the importer would have to change to store: too long, or control characters."""
    problems: list[Problem] = []
    for name, value in row.values.items():
        if value is None or name not in LIMITS:
            continue
        shown = value if isinstance(value, str) else str(value)
        if len(shown) > LIMITS[name]:
            problems.append(
                Problem(
                    N_(
                        "The column “%(column)s” holds %(length)s characters; at most "
                        "%(limit)s fit: shorten it."
                    ),
                    name,
                    {
                        "column": _column(sheet, name),
                        "length": figure(len(shown)),
                        "limit": figure(LIMITS[name]),
                    },
                )
            )
            continue
        found = (_CONTROL_IN_NOTES if name == "notes" else _CONTROL).search(shown)
        if found:
            problems.append(
                Problem(
                    N_(
                        "The column “%(column)s” holds a control character (%(code)s) that "
                        "cannot be stored: delete it."
                    ),
                    name,
                    {"column": _column(sheet, name), "code": f"U+{ord(found[0]):04X}"},
                )
            )
    return problems


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
    parsed: dict[str, Any] = {
        name: _parsed(parser, values.get(name), name, message, errors)
        for name, (parser, message) in fields.items()
    }
    if errors.problems:
        return errors.problems
    data = PersonInput(
        given_names=str(values.get("given_names") or ""),
        family_names=str(values.get("family_names") or ""),
        relationship=parsed["relationship"] or "principal",
        birth_date=parsed["birth_date"],
        sex=parsed["sex"],
        nationality=parsed["nationality"],
        language=str(values.get("language") or "es"),
        a_number=str(values.get("a_number") or "") or None,
    )
    row.person = person_values(data, errors)
    row.key = (
        _fold(row.person["given_names"]),
        _fold(row.person["family_names"]),
        str(row.person["birth_date"] or ""),
    )
    return errors.problems


ALREADY_IN = N_("Already in case %(case)s.")


def _identify(
    run: _Run, row: _Row, case_number: str, case_id: str | None
) -> tuple[str, Problem | None, _Row | None]:
    """The row's fate by who it is: (fate, what to tell, the earlier row it repeats)."""
    known, seen, sheet = run.known, run.seen, run.sheet
    number = row.person["a_number"]
    if number and known.by_anumber.get(number):
        holders = known.by_anumber[number]
        for stored_case, stored_key in holders:
            if stored_key == row.key:
                case = known.numbers[stored_case]
                return ALREADY_THERE, Problem(ALREADY_IN, None, {"case": case}), None
        case = known.numbers[holders[0][0]]
        return (
            REJECTED,
            Problem(
                N_("The A-number %(number)s already belongs to someone in case %(case)s."),
                "a_number",
                {"number": format_anumber(number), "case": case},
            ),
            None,
        )
    if case_id is not None and row.key in known.by_case.get(case_id, {}):
        stored_number = known.by_case[case_id][row.key]
        case = known.numbers[case_id]
        if number and stored_number:  # and not the same: that one was found above
            return (
                REJECTED,
                Problem(
                    N_(
                        "Case %(case)s has this person with the A-number %(number)s: check "
                        "which one is right."
                    ),
                    "a_number",
                    {"case": case, "number": format_anumber(stored_number)},
                ),
                None,
            )
        if number:
            note = N_("Already in case %(case)s, without this A-number: add it in the case window.")
            return ALREADY_THERE, Problem(note, "a_number", {"case": case}), None
        return ALREADY_THERE, Problem(ALREADY_IN, None, {"case": case}), None
    earlier = seen.by_anumber.get(number) if number else None
    if earlier is None and case_number:
        earlier = seen.by_case.get((case_number, row.key))
    if earlier is not None:
        if earlier.key != row.key:
            return (
                REJECTED,
                Problem(
                    N_(
                        "Row %(row)d gives the same A-number to someone else: check which one "
                        "is right."
                    ),
                    "a_number",
                    {"row": earlier.number},
                ),
                None,
            )
        differ = [name for name in PERSON_DETAILS if _given(row, name) and _given(earlier, name)]
        differ = [name for name in differ if row.person[name] != earlier.person[name]]
        if differ:
            return (
                REJECTED,
                Problem(
                    N_(
                        "Row %(row)d has the same person with something else in %(columns)s: "
                        "keep one of the two rows, or make them the same."
                    ),
                    None,
                    {"row": earlier.number, "columns": _columns(sheet, differ)},
                ),
                None,
            )
        adds = [name for name in PERSON_DETAILS if _given(row, name) and not _given(earlier, name)]
        for name in adds:  # one person: what the repeated row adds goes to the first
            earlier.values[name] = row.values[name]
            earlier.person[name] = row.person[name]
            if earlier.stored is not None:  # added already, maybe written already
                run.write.merge(earlier.stored, name, row.person[name])
        if "a_number" in adds:
            seen.by_anumber[row.person["a_number"]] = earlier
        if adds:
            merged = N_(
                "The same person as row %(row)d; what this row adds (%(columns)s) was added."
            )
            params = {"row": earlier.number, "columns": _columns(sheet, adds)}
            return REPEATED, Problem(merged, None, params), earlier
        same = Problem(N_("The same person as row %(row)d."), None, {"row": earlier.number})
        return REPEATED, same, earlier
    namesakes = known.namesakes(row.key, case_id)
    if namesakes:
        note = N_(
            "Possibly the same person as in case %(case)s (the same name and date of birth, "
            "other numbers): check both cases."
        )
        case = known.numbers[namesakes[0]]
        return POSSIBLE_DUPLICATE, Problem(note, None, {"case": case}), None
    if row.key in seen.by_name:
        note = N_(
            "Possibly the same person as row %(row)d (the same name and date of birth, other "
            "numbers): check both."
        )
        return POSSIBLE_DUPLICATE, Problem(note, None, {"row": seen.by_name[row.key].number}), None
    return IMPORTED, None, None


def _household_values(
    sheet: Sheet, rows: list[_Row], case_number: str, errors: v.Collector
) -> dict[str, Any]:
    """One value per household column; rows that disagree are refused (the notes of the rows
    are joined, one paragraph per different note)."""
    values: dict[str, Any] = {}
    for name in HOUSEHOLD:
        given = [(row.number, row.values[name]) for row in rows if _filled(row.values.get(name))]
        differ = len({value for _number, value in given}) > 1  # as written: the usual case
        if differ and len({_same_value(name, value) for _number, value in given}) > 1:
            errors.add(
                N_(
                    "Rows %(rows)s of one household give different values in the column "
                    "“%(column)s”: a household has one; make them the same, or leave all but "
                    "one empty."
                ),
                name,
                rows=", ".join(str(number) for number, _value in given),
                column=_column(sheet, name),
            )
        elif given:
            values[name] = given[0][1]
    notes: list[str] = []
    for row in rows:
        note = str(row.values.get("notes") or "")
        if note and note not in notes:
            notes.append(note)
    values["notes"] = "\n\n".join(notes)
    if len(values["notes"]) > v.MAX_NOTES:
        errors.add(
            N_(
                "The notes of this household's rows come to %(length)s characters together; "
                "at most %(limit)s fit in the column “%(column)s”: shorten them."
            ),
            "notes",
            length=figure(len(values["notes"])),
            limit=figure(v.MAX_NOTES),
            column=_column(sheet, "notes"),
        )
    return values


def _filled(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _same_value(name: str, value: Any) -> Any:
    """What two cells must share to mean the same (28/05/2027 and 2027-05-28 do)."""
    try:
        if name in ("hearing_date", "returned_on"):
            return p.parse_date(value)
        if name in ("hearing_time", "report_time"):
            return p.parse_time(value)
    except (ValueError, TypeError, OverflowError):
        pass
    return _fold(str(value))


def _case_and_hearing(
    run: _Run, rows: list[_Row], case_number: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    known, sheet = run.known, run.sheet
    errors = v.Collector()
    first = _household_values(sheet, rows, case_number, errors)
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
    returned = _parsed(p.parse_date, first.get("returned_on"), "returned_on", NOT_A_DATE, errors)
    phone = str(first.get("phone") or "")
    whatsapp = str(first.get("whatsapp") or "")
    has_whatsapp = "whatsapp" in sheet.columns
    values = {
        "status": "open",
        "city": str(first.get("city") or ""),
        "address_mx": str(first.get("address") or ""),
        "shelter": str(first.get("shelter") or ""),
        "nta_address": "",
        "eoir33_filed": False,
        "eoir33_filed_on": None,
        "phone": phone if "phone" in sheet.columns else whatsapp,
        "whatsapp": whatsapp if has_whatsapp else phone,
        "returned_on": returned,
        "return_port_id": crossing[1] if crossing else None,
        "crossing_id": crossing[1] if crossing else None,
        "court_id": court[1] if court else None,
        "representative": "",
        "letter_languages": "es,en",
        "closed_at": None,
        "notes": first["notes"],
        "is_demo": False,
    }
    hearing = _hearing(run, first, crossing, court, errors)
    errors.check()
    return values, hearing


NOT_A_DATE = N_("“%(value)s” is not a date: write it as 28/05/2024 or 2024-05-28.")
NOT_A_TIME = N_("“%(value)s” is not a time: write it as 8:30, 8:30 a. m. or 13:00.")


def _parsed(
    parse: Callable[[Any], T], value: Any, name: str, message: str, errors: v.Collector
) -> T | None:
    """``parse(value)``, or None and ``message`` about the column ``name`` when it cannot."""
    try:
        return parse(value)
    except (ValueError, TypeError, OverflowError):
        errors.add(message, name, value=str(value)[:40])
        return None


def _hearing(
    run: _Run, first: dict[str, Any], crossing: Any, court: Any, errors: v.Collector
) -> dict[str, Any] | None:
    sheet = run.sheet
    before = len(errors.problems)
    day = _parsed(p.parse_date, first.get("hearing_date"), "hearing_date", NOT_A_DATE, errors)
    at = _parsed(p.parse_time, first.get("hearing_time"), "hearing_time", NOT_A_TIME, errors)
    report = _parsed(p.parse_time, first.get("report_time"), "report_time", NOT_A_TIME, errors)
    if day is None:
        if len(errors.problems) == before and (at is not None or report is not None):
            errors.add(
                N_("A hearing time without its date: fill the column “%(column)s”."),
                "hearing_date",
                column=_column(sheet, "hearing_date"),
            )
        return None
    if at is None and len(errors.problems) == before:
        errors.add(
            N_("The hearing on %(date)s needs its time: fill the column “%(column)s”."),
            "hearing_time",
            date=medium_date(day),
            column=_column(sheet, "hearing_time"),
        )
    if crossing is None and not first.get("crossing"):
        errors.add(
            N_(
                "The hearing on %(date)s needs the crossing where the household reports: fill "
                "the column “%(column)s”."
            ),
            "crossing",
            date=medium_date(day),
            column=_column(sheet, "crossing"),
        )
    if crossing is None or at is None or (court is None and first.get("court")):
        return None
    if court is None:  # the crossing has no usual court (Nogales): "to be confirmed"
        court = _pending_court(run, crossing)
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


def _pending_court(run: _Run, crossing: Any) -> Any:
    court = run.write.pending_court(crossing[0])
    row = (court.code, court.id, court.zone, court.name_es, court.name_en, court.city)
    run.known.courts[court.code] = row
    return row


def _add_people(run: _Run, case_id: str, accepted: list[_Row], hearing: Any) -> None:
    """The accepted rows as people of the case, with their hearing unless the case has one
    at that time already."""
    known = run.known
    stamp = (case_id, _naive(hearing["starts_at"])) if hearing else None
    new_hearing = hearing if stamp is not None and stamp not in known.hearings else None
    people = [row.person for row in accepted]
    stored = run.write.add_people(case_id, people, known.sizes[case_id], new_hearing)
    for row, person in zip(accepted, stored, strict=True):
        row.stored = person
    known.sizes[case_id] += len(accepted)
    run.report.people_created += len(accepted)
    if new_hearing is not None and stamp is not None:
        known.hearings.add(stamp)
        run.report.hearings_created += 1
