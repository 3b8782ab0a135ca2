"""Alembic migrations. ``HEAD`` lets a start-up skip Alembic entirely when the database is
current; a test checks it against the scripts, so a new migration must move it too."""

HEAD = "0012_pgperf"
