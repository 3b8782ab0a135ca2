"""The office server: LegalAid's schema on PostgreSQL, with roles the database enforces.

Qt-free. ``connect`` opens libpq connections from a ``postgresql://`` URL (passwords through
PGPASSFILE/.pgpass or PGPASSWORD, TLS through ``sslmode`` in the URL); ``schema`` runs the same
Alembic migrations as the laptops' SQLite files; ``roles`` holds the group roles, grants and
row-level security; ``commands`` is ``legalaid server init | add-user | disable-user``;
``database`` and ``context`` open the server for the other commands (``open_server``), with the
login as the actor.
"""
