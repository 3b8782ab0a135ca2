"""The change record: ``change_log`` (one entry per changed row per transaction, numbered per
device), ``change_head`` (the last change of each field of a row) and ``device`` (the ids this
database numbered its changes under). See legalaid.changes.

The rows a database already holds get an insert entry each, numbered under a device of
their own (not the current one: the first write after the upgrade makes that), so folding the
record gives every row, old and new.

Revision ID: 0007_change_log
Revises: 0006_reference_ids
"""

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from legalaid.changes.clock import Clock
from legalaid.changes.values import dumps

revision = "0007_change_log"
down_revision = "0006_reference_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("device", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("bases", sa.Text(), nullable=False),
        sa.Column("hlc", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("schema_version", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("device", "seq"),
    )
    op.create_index("ix_change_log_row_id", "change_log", ["row_id"])
    op.create_index("ix_change_log_case_id", "change_log", ["case_id"])
    op.create_table(
        "change_head",
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("heads", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id"),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hlc", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )

    _record_existing_rows(op.get_bind())


# The tables captured when this revision was written, parents first.
CAPTURED = (
    "crossing",
    "court",
    "case_sequence",
    "case",
    "person",
    "hearing",
    "hearing_attendee",
    "risk_assessment",
    "incident",
    "document_log",
)
THROUGH = {
    "hearing_attendee": ("hearing", "hearing_id"),
    "incident": ("risk_assessment", "risk_id"),
}
CHUNK = 5000
INSERT_ENTRY = sa.text(
    "INSERT INTO change_log (device, seq, table_name, row_id, case_id, op, fields, bases, "
    "hlc, actor, schema_version) VALUES (:device, :seq, :table_name, :row_id, :case_id, "
    "'insert', :fields, '{}', :hlc, 'migration', :schema)"
)


def _value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)  # every stored instant is UTC
    return value


def _record_existing_rows(conn: sa.Connection) -> None:
    meta = sa.MetaData()
    tables = [sa.Table(name, meta, autoload_with=conn) for name in CAPTURED]
    total = sum(
        conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in tables
    )
    if not total:
        return
    device = str(uuid.uuid4())
    clock = Clock()
    hlcs = iter(clock.ticks(total))
    seq = 0
    cases: dict[str, dict[str, str]] = {"hearing": {}, "risk_assessment": {}}
    for table in tables:
        name = table.name
        batch: list[dict[str, Any]] = []
        for row in conn.execute(sa.select(table)).mappings():
            row_id = row["id"]
            if name == "case":
                case_id = row_id
            elif "case_id" in row:
                case_id = row["case_id"]
            elif name in THROUGH:
                parent, link = THROUGH[name]
                case_id = cases[parent].get(row[link])
            else:
                case_id = None
            if name in cases:
                cases[name][row_id] = case_id
            fields = {
                k: _value(v) for k, v in row.items() if v is not None and k not in ("id", "version")
            }
            seq += 1
            batch.append(
                {
                    "device": device,
                    "seq": seq,
                    "table_name": name,
                    "row_id": row_id,
                    "case_id": case_id,
                    "fields": dumps(fields),
                    "hlc": next(hlcs),
                    "schema": revision,
                }
            )
            if len(batch) >= CHUNK:
                conn.execute(INSERT_ENTRY, batch)
                batch = []
        if batch:
            conn.execute(INSERT_ENTRY, batch)
    conn.execute(
        sa.text(
            "INSERT INTO device (id, fingerprint, current, last_seq, last_hlc, created_at) "
            "VALUES (:id, '', :current, :seq, :hlc, :at)"
        ),
        {
            "id": device,
            "current": False,
            "seq": seq,
            "hlc": clock.last,
            "at": datetime.now(UTC).replace(tzinfo=None),
        },
    )


def downgrade() -> None:
    op.drop_table("device")
    op.drop_table("change_head")
    op.drop_index("ix_change_log_case_id", table_name="change_log")
    op.drop_index("ix_change_log_row_id", table_name="change_log")
    op.drop_table("change_log")
