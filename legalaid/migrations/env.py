"""Alembic environment. The app hands in its own connection (foreign keys already off)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import legalaid.models  # noqa: F401 - registers every table

target_metadata = SQLModel.metadata
FTS_TABLES = ("case_fts", "case_search", "person_fts", "person_search")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # The search tables (FTS5 on SQLite, tsvector on PostgreSQL) are made by hand in migrations.
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLES))


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
        with engine.connect() as conn:
            _configure_and_run(conn)
        return
    _configure_and_run(connection)


def _configure_and_run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
