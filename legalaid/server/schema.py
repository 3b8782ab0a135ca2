"""The office server's schema: the laptops' Alembic migrations, run as the owner role."""

from __future__ import annotations

from legalaid.server.connect import ServerError, engine
from legalaid.server.roles import OWNER


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision``; tables are created by ``OWNER``."""
    import psycopg
    from alembic import command
    from sqlalchemy import exc as sa_exc

    from legalaid.db import alembic_config
    from legalaid.i18n import N_

    try:
        with engine(url).connect() as conn:
            conn.exec_driver_sql(f"SET ROLE {OWNER}")
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            conn.commit()
    except (sa_exc.DatabaseError, psycopg.Error) as error:
        reason = getattr(error, "orig", None) or error
        raise ServerError(
            N_("The server's database could not be upgraded: %(reason)s. Nothing was changed."),
            reason=str(reason).strip().splitlines()[0],
        ) from None


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
