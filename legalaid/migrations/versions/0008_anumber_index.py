"""An A-number in two records is a possible duplicate, not a database error.

The unique constraint on ``person.a_number`` becomes a plain index: the services report an
A-number already in another household as a possible duplicate (the editor warns and shows the
other case), and still refuse the same A-number twice inside one household.

On SQLite the table is rebuilt in batch mode; the triggers that keep the search index current
(on ``person``, and on other tables reading it) are dropped before and created again after.

Revision ID: 0008_anumber_index
Revises: 0005_papers
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_anumber_index"
down_revision = "0005_papers"
branch_labels = None
depends_on = None

INDEX = "ix_person_a_number"
# The name batch mode gives the reflected, unnamed UNIQUE (a_number) of migration 0001.
SQLITE_UNIQUE = "uq_person_a_number"
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
# PostgreSQL's name for the constraint 0001 created without one.
POSTGRES_UNIQUE = "person_a_number_key"


def _drop_person_triggers() -> list[tuple[str, str]]:
    """Drop every trigger on ``person`` or whose body reads it (a rename checks them all
    against the schema, and ``person`` is missing for a moment); returns them to restore."""
    rows = op.get_bind().exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL "
        "AND (tbl_name = 'person' OR lower(sql) LIKE '%person%') ORDER BY name"
    )
    found = [(row[0], row[1]) for row in rows]
    for name, _sql in found:
        op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    return found


def _restore(triggers: list[tuple[str, str]]) -> None:
    for _name, statement in triggers:
        op.execute(statement)


def upgrade() -> None:
    if op.get_context().dialect.name != "sqlite":
        op.drop_constraint(POSTGRES_UNIQUE, "person", type_="unique")
        op.create_index(INDEX, "person", ["a_number"], unique=False)
        return
    triggers = _drop_person_triggers()
    with op.batch_alter_table("person", naming_convention=NAMING, recreate="always") as batch:
        batch.drop_constraint(SQLITE_UNIQUE, type_="unique")
        batch.create_index(INDEX, ["a_number"], unique=False)
    _restore(triggers)


def downgrade() -> None:
    """Back to the unique constraint; refused while two records share an A-number."""
    shared = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT count(*) FROM (SELECT a_number FROM person WHERE a_number IS NOT NULL "
                "GROUP BY a_number HAVING count(*) > 1) AS shared"
            )
        )
        .scalar_one()
    )
    if shared:
        raise RuntimeError(f"{shared} A-numbers are on more than one person; merge them first")
    if op.get_context().dialect.name != "sqlite":
        op.drop_index(INDEX, "person")
        op.create_unique_constraint(POSTGRES_UNIQUE, "person", ["a_number"])
        return
    triggers = _drop_person_triggers()
    with op.batch_alter_table("person", naming_convention=NAMING, recreate="always") as batch:
        batch.drop_index(INDEX)
        batch.create_unique_constraint(SQLITE_UNIQUE, ["a_number"])
    _restore(triggers)
