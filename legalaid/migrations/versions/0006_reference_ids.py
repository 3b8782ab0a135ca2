"""Reference data keeps one id everywhere: each crossing's and court's id becomes a UUID
derived from its code (``legalaid.reference_data.reference_id``), the same in every LegalAid
database, so offices that exchange changes name them alike.

Each row whose id differs is copied under its new id (its code set aside first, as codes are
unique), every link to it (each foreign key found in the schema, and the audit trail's entity
ids) is repointed to the copy, and the old row is deleted. No primary key is changed in place
and no table is rebuilt, so it runs with foreign keys on, on SQLite as on PostgreSQL.

Revision ID: 0006_reference_ids
Revises: 0009_offices
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0006_reference_ids"
down_revision = "0009_offices"
branch_labels = None
depends_on = None

# The same namespace and form as legalaid.reference_data.reference_id, kept here as they were
# when this migration was written.
NAMESPACE = uuid.UUID("6f1d3c52-8b0e-5a7e-9c41-2d7b0a9e4f13")
KINDS = ("crossing", "court")


def reference_id(kind: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{code.strip().upper()}"))


def upgrade() -> None:
    conn = op.get_bind()
    inspector = sa.inspect(conn)
    tables = inspector.get_table_names()
    for kind in KINDS:
        links = [
            (table, fk["constrained_columns"][0])
            for table in tables
            for fk in inspector.get_foreign_keys(table)
            if fk["referred_table"] == kind and len(fk["constrained_columns"]) == 1
        ]
        columns = [c["name"] for c in inspector.get_columns(kind)]
        rows = conn.execute(sa.text(f'SELECT id, code FROM "{kind}" ORDER BY code')).all()
        for number, (old, code) in enumerate(rows):
            new = reference_id(kind, code)
            if old == new:
                continue
            _move(conn, kind, columns, links, old, new, code, f"~{number}")


def _move(
    conn: sa.Connection,
    kind: str,
    columns: list[str],
    links: list[tuple[str, str]],
    old: str,
    new: str,
    code: str,
    aside: str,
) -> None:
    params = {"old": old, "new": new, "code": code, "aside": aside}
    conn.execute(sa.text(f'UPDATE "{kind}" SET code = :aside WHERE id = :old'), params)
    names = ", ".join(f'"{c}"' for c in columns)
    chosen = ", ".join(
        ":new" if c == "id" else ":code" if c == "code" else f'"{c}"' for c in columns
    )
    conn.execute(
        sa.text(f'INSERT INTO "{kind}" ({names}) SELECT {chosen} FROM "{kind}" WHERE id = :old'),
        params,
    )
    for table, column in links:
        conn.execute(
            sa.text(f'UPDATE "{table}" SET "{column}" = :new WHERE "{column}" = :old'), params
        )
    conn.execute(
        sa.text(
            "UPDATE audit_entry SET entity_id = :new WHERE entity = :kind AND entity_id = :old"
        ),
        {**params, "kind": kind},
    )
    conn.execute(sa.text(f'DELETE FROM "{kind}" WHERE id = :old'), params)


def downgrade() -> None:
    """The derived ids stay: they are as good as random ones to the older schema."""
