"""An office server for the tests that run LegalAid's services and commands on PostgreSQL: one
database per test module, set up by ``legalaid server init``, with a volunteer, a lawyer and an
administrator; each test starts from empty tables (the reference crossings and courts kept)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest

from tests.postgres import Cluster

PASSWORD = "una contraseña de prueba"
KEPT = {"alembic_version", "crossing", "court", "office", "office_secret"}


@dataclass
class Office:
    cluster: Cluster
    dbname: str
    admin: str
    volunteer: str
    lawyer: str

    def url(self, user: str, password: bool = True) -> str:
        """The login's address; with ``password`` it carries the password (tests only)."""
        url = self.cluster.url(self.dbname, user)
        return url + "&password=" + quote(PASSWORD) if password else url

    def superuser(self) -> Any:
        return psycopg.connect(self.cluster.conninfo(self.dbname), autocommit=True)

    def empty(self) -> None:
        with self.superuser() as conn:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
                if row[0] not in KEPT
            ]
            names = ", ".join(f'"{t}"' for t in tables)
            conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="module")
def server_office(pg_cluster: Cluster) -> Iterator[Office]:
    from legalaid.server.users import add_user, init_server

    dbname = pg_cluster.create_database()
    tag = uuid.uuid4().hex[:6]
    admin, volunteer, lawyer = f"admin_{tag}", f"vol_{tag}", f"law_{tag}"
    init_server(pg_cluster.url(dbname), admin=admin, password=PASSWORD)
    office = Office(pg_cluster, dbname, admin, volunteer, lawyer)
    add_user(office.url(admin), volunteer, "volunteer", PASSWORD)
    add_user(office.url(admin), lawyer, "lawyer", PASSWORD)
    try:
        yield office
    finally:
        pg_cluster.drop_database(dbname)


@pytest.fixture
def office(server_office: Office) -> Office:
    server_office.empty()
    return server_office


@pytest.fixture
def server_ctx(office: Office, tmp_path: Path) -> Iterator[Any]:
    """A desk on the server as the lawyer (settings in a local home folder)."""
    from legalaid.server.context import open_server

    context = open_server(office.url(office.lawyer), tmp_path / "home", ask=False)
    context.settings.staff_name = "Ana Tester"
    yield context
    context.close()
