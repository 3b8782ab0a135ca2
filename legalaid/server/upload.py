"""Moving a laptop home's records into the office server, once (``legalaid --server URL server
upload --home DIR``).

Every row of every table of the home is copied as it is: the ids (UUIDs), the change record
(``change_log``, ``change_head`` and the home's ``device`` rows, which arrive as past devices:
none of them numbers changes on the server), the history (``audit_entry``) and the documents
log, risk rows included. The search tables are the server's own, filled by its triggers.

It runs in one transaction, as the role ``legalaid_operator`` (legalaid.server.roles: only an
administrator may take it; it inserts rows that name their original authors past the row-level
security that makes a desk's entries name its own login):

1. the home's rows are read (``read``);
2. the server is checked: same schema revision; the home not uploaded before (its current
   device is not on the server); no row of the home has the id of another row on the server
   (the crossings and courts, whose ids are the same everywhere, stay as the server has them);
3. the rows are inserted (``copy``);
4. every row is read back from the server and compared with the home's, and every table's
   count with the count before plus the rows added (``verify``);
5. the transaction commits (``commit``).

A failure or a kill before the commit leaves nothing on the server (PostgreSQL rolls back an
unfinished transaction), so running it again completes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from legalaid import faults
from legalaid.errors import ConflictError
from legalaid.i18n import N_
from legalaid.server.backup import require_operator
from legalaid.server.connect import ServerError

UPLOAD_STEPS = ("read", "copy", "verify", "commit")
# Reference data: the same id in every LegalAid database (legalaid.reference_data); the server
# keeps its own rows (its administrators maintain them).
SHARED = ("crossing", "court")

ALREADY = N_(
    "This laptop folder was already uploaded to the server (its device %(device)s is there). "
    "Nothing was changed."
)
COLLISION = N_(
    "The laptop folder cannot be uploaded: %(count)d of its records have the id of other "
    "records on the server (%(table)s: %(ids)s). Nothing was changed."
)
UNIQUE_TAKEN = N_(
    "The laptop folder cannot be uploaded: the server already has %(detail)s (in %(table)s). "
    "Nothing was changed."
)
OTHER_REVISION = N_(
    "The laptop folder is at schema version %(home)s and the server at %(server)s: bring both "
    "to the same version of LegalAid first. Nothing was changed."
)
NOT_COPIED = N_(
    "The copy on the server does not match the laptop folder (%(detail)s): it was undone. "
    "Nothing was changed."
)
TWO_OFFICES = N_(
    "The laptop folder is the office %(home)s and the server already is the office "
    "%(server)s. Nothing was changed."
)


@dataclass(frozen=True)
class UploadDone:
    tables: int
    rows: int
    kept: int  # shared reference rows the server already had
    office: str | None  # the office identity that came with the home, if any


def _tables() -> list[Any]:
    from sqlmodel import SQLModel

    import legalaid.models  # noqa: F401  (every table registered)

    return list(SQLModel.metadata.sorted_tables)


def _key(table: Any, row: Any) -> tuple[Any, ...]:
    return tuple(row[c.name] for c in table.primary_key.columns)


def read_home(ctx: Any) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of the opened laptop home, as SQLAlchemy reads them."""
    rows: dict[str, list[dict[str, Any]]] = {}
    with ctx.db.connect() as conn:
        for table in _tables():
            rows[table.name] = [dict(r) for r in conn.execute(table.select()).mappings()]
    return rows


def _present(conn: Any, table: Any, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], Any]:
    """The server's rows with these primary keys: one query a table, on the key column whose
    values differ most (``= ANY(array)``), the rest of a composite key matched here."""
    from sqlalchemy import any_, bindparam
    from sqlalchemy.dialects.postgresql import ARRAY

    if not keys:
        return {}
    columns = list(table.primary_key.columns)
    spread = [len({k[i] for k in keys}) for i in range(len(columns))]
    pick = spread.index(max(spread))
    values = sorted({k[pick] for k in keys})
    column = columns[pick]
    param = bindparam("values", values, type_=ARRAY(column.type))
    wanted = set(keys)
    found: dict[tuple[Any, ...], Any] = {}
    for row in conn.execute(table.select().where(column == any_(param))).mappings():
        key = _key(table, row)
        if key in wanted:
            found[key] = dict(row)
    return found


def _count(conn: Any, table: Any) -> int:
    from sqlalchemy import func, select

    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def upload_home(
    ctx: Any, connect_raw: Callable[[], Any], revision: str | None = None
) -> UploadDone:
    """Copy the opened laptop home ``ctx`` into the server (``connect_raw``: a new psycopg
    connection as the administrator's login)."""
    import psycopg
    from sqlalchemy import create_engine, exc
    from sqlalchemy.pool import NullPool

    faults.reached("server-upload", "read")
    home_rows = read_home(ctx)
    home_revision = revision or ctx.db.current_revision()
    tables = _tables()
    # One snapshot throughout: the counts compared are not moved by the desks' own writes.
    engine = create_engine(
        "postgresql+psycopg://",
        creator=connect_raw,
        poolclass=NullPool,
        isolation_level="REPEATABLE READ",
    )
    try:
        with engine.connect() as conn:
            require_operator(conn.connection.driver_connection)
            server_revision = conn.exec_driver_sql(
                "SELECT version_num FROM alembic_version"
            ).scalar()
            if server_revision != home_revision:
                raise ServerError(
                    OTHER_REVISION, home=home_revision or "—", server=server_revision or "—"
                )
            _check_not_uploaded(conn, home_rows)
            _check_office(conn, home_rows)
            expected: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
            before: dict[str, int] = {}
            kept = 0
            for table in tables:
                rows = home_rows[table.name]
                keyed = {_key(table, row): row for row in rows}
                present = _present(conn, table, list(keyed))
                if present and table.name in SHARED:
                    kept += len(present)
                    keyed = {k: v for k, v in keyed.items() if k not in present}
                elif present:
                    raise ConflictError(
                        COLLISION,
                        count=len(present),
                        table=table.name,
                        ids=", ".join(":".join(map(str, k)) for k in list(present)[:3]),
                    )
                if table.name == "device":
                    keyed = {k: {**v, "current": False} for k, v in keyed.items()}
                expected[table.name] = keyed
                before[table.name] = _count(conn, table)
            faults.reached("server-upload", "copy")
            for table in tables:
                rows = list(expected[table.name].values())
                if not rows:
                    continue
                try:
                    with conn.begin_nested():
                        conn.execute(table.insert(), rows)
                except exc.IntegrityError as error:
                    raise _unique_taken(table.name, error) from None
            faults.reached("server-upload", "verify")
            _verify(conn, tables, expected, before)
            faults.reached("server-upload", "commit")
            conn.commit()
    except exc.DBAPIError as error:
        original = getattr(error, "orig", None) or error
        if isinstance(original, psycopg.Error):
            from legalaid.server.connect import _reason

            raise ServerError(
                N_("The server refused: %(reason)s"), reason=_reason(original)
            ) from None
        raise
    finally:
        engine.dispose()
    office = next(
        (r["name"] for r in home_rows.get("office", []) if r.get("state") == "self"), None
    )
    copied = sum(len(v) for v in expected.values())
    return UploadDone(len(tables), copied, kept, office)


def _check_not_uploaded(conn: Any, home_rows: dict[str, list[dict[str, Any]]]) -> None:
    from sqlalchemy import select

    from legalaid.models.change import Device

    table = Device.__table__  # type: ignore[attr-defined]
    mine = [r["id"] for r in home_rows["device"] if r["current"]]
    if not mine:
        return
    found = conn.execute(select(table.c.id).where(table.c.id.in_(mine))).scalars().first()
    if found is not None:
        raise ConflictError(ALREADY, device=str(found))


def _check_office(conn: Any, home_rows: dict[str, list[dict[str, Any]]]) -> None:
    home = next((r for r in home_rows["office"] if r["state"] == "self"), None)
    if home is None:
        return
    row = conn.exec_driver_sql(
        "SELECT id, name FROM office WHERE state = 'self' AND id <> %(id)s LIMIT 1",
        {"id": home["id"]},
    ).first()
    if row is not None:
        raise ConflictError(TWO_OFFICES, home=home["name"], server=row[1])


def _unique_taken(table: str, error: Any) -> ConflictError:
    original = getattr(error, "orig", None)
    diag = getattr(original, "diag", None)
    detail = str(getattr(diag, "message_detail", None) or getattr(diag, "message_primary", ""))
    # "Key (case_number)=(TIJ-2026-0001) already exists." -> "case_number TIJ-2026-0001"
    if detail.startswith("Key (") and ")=(" in detail:
        columns, _sep, rest = detail[5:].partition(")=(")
        detail = f"{columns} {rest.rsplit(')', 1)[0]}"
    return ConflictError(UNIQUE_TAKEN, detail=detail or "?", table=table)


def _verify(
    conn: Any,
    tables: list[Any],
    expected: dict[str, dict[tuple[Any, ...], dict[str, Any]]],
    before: dict[str, int],
) -> None:
    """Every row read back equals the home's; every count is the count before plus the rows
    added."""
    for table in tables:
        wanted = expected[table.name]
        after = _count(conn, table)
        if after != before[table.name] + len(wanted):
            raise ServerError(
                NOT_COPIED, detail=f"{table.name}: {after} != {before[table.name]} + {len(wanted)}"
            )
        got = _present(conn, table, list(wanted))
        for key, row in wanted.items():
            if got.get(key) != row:
                raise ServerError(NOT_COPIED, detail=f"{table.name} {':'.join(map(str, key))}")
