"""Each role logs in with its own password and tries, in plain SQL, what it may and may not do:
PostgreSQL itself refuses the forbidden reads and writes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict

from legalaid.server import roles
from legalaid.server.users import add_user, disable_user, init_server
from tests.postgres import Cluster

PASSWORD = "correct horse battery ñandú"


@dataclass
class Office:
    cluster: Cluster
    dbname: str
    url: str
    admin: str

    def user(self, role: str) -> str:
        name = f"{role}_{uuid.uuid4().hex[:6]}"
        add_user(self.login_url(self.admin), name, role, PASSWORD)
        return name

    def login_url(self, user: str) -> str:
        return self.cluster.url(self.dbname, user) + "&password=" + quote(PASSWORD)

    def connect(self, user: str) -> Any:
        info = self.cluster.conninfo(self.dbname, user, password=PASSWORD)
        return psycopg.connect(info, autocommit=True)


@pytest.fixture
def office(pg_cluster: Cluster, pg_database: str) -> Iterator[Office]:
    admin = f"boss_{uuid.uuid4().hex[:6]}"
    result = init_server(pg_database, admin=admin, password=PASSWORD)
    assert result.administrator == admin and result.tables >= 12
    dbname = conninfo_to_dict(pg_database)["dbname"]
    assert isinstance(dbname, str)
    office = Office(pg_cluster, dbname, pg_database, admin)
    with psycopg.connect(pg_database, autocommit=True) as conn:
        _seed(conn)
    yield office


def _seed(conn: Any) -> None:
    """One household with a risk assessment, an incident and their audit and document rows."""
    conn.execute("""INSERT INTO crossing(id, created_at, updated_at, version, code, name_es,
        name_en, mx_city, us_city, reporting_point_es, reporting_point_en, address, zone,
        mx_zone, report_hours_before, active) VALUES ('x1', now(), now(), 1, 'SYS', 'San Ysidro',
        'San Ysidro', 'Tijuana', 'San Ysidro', '', '', '', 'America/Los_Angeles',
        'America/Tijuana', 4, true) ON CONFLICT (code) DO NOTHING""")
    conn.execute("""INSERT INTO "case"(id, created_at, updated_at, version, case_number, status,
        city, address_mx, shelter, nta_address, eoir33_filed, phone, whatsapp, representative,
        letter_languages, notes, is_demo) VALUES ('c1', now(), now(), 1, 'TIJ-2026-0001', 'open',
        'Tijuana', '', '', '', false, '', '', '', 'es,en', '', false)""")
    conn.execute("""INSERT INTO risk_assessment(id, created_at, updated_at, version, case_id,
        assessed_on, author, level, factors, consent_sensitive, fear_screening, narrative_es,
        narrative_en, narrative_original) VALUES ('r1', now(), now(), 1, 'c1', '2026-11-01',
        'Lic. Ruiz', 'high', '[]', true, 'pending', 'relato', 'narrative', 'es')""")
    conn.execute("""INSERT INTO incident(id, created_at, updated_at, version, risk_id, city, kind,
        perpetrator, reported, description) VALUES ('i1', now(), now(), 1, 'r1', 'Tijuana',
        'extortion', '', false, 'detalle')""")
    for entity in ("case", "risk_assessment", "incident"):
        conn.execute(
            """INSERT INTO audit_entry(id, at, actor, action, entity, entity_id, case_id, changes)
            VALUES (%s, now(), 'Lic. Ruiz', 'add', %s, 'x', 'c1', '{}')""",
            (f"a-{entity}", entity),
        )
    for seq, table in enumerate(("case", "risk_assessment", "incident"), 1):
        conn.execute(
            """INSERT INTO change_log(device, seq, table_name, row_id, case_id, op, fields,
            bases, hlc, actor, schema_version) VALUES ('d1', %s, %s, 'x', 'c1', 'insert',
            '{"narrative_es": "relato"}', '{}', %s, 'Lic. Ruiz', '')""",
            (seq, table, f"{seq:019d}"),
        )
    for kind in ("reminder", "risk_note"):
        conn.execute(
            """INSERT INTO document_log(id, at, actor, kind, case_id, title, sha256, size, file,
            details) VALUES (%s, now(), 'Lic. Ruiz', %s, 'c1', '', '', 0, '', '{}')""",
            (f"d-{kind}", kind),
        )


def _refused(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        conn.execute(sql, params)


def test_a_volunteer_works_cases_but_never_sees_risk_data(office: Office) -> None:
    name = office.user("volunteer")
    with office.connect(name) as conn:
        assert conn.execute('SELECT case_number FROM "case"').fetchall() == [("TIJ-2026-0001",)]
        conn.execute("UPDATE \"case\" SET notes = 'llamó' WHERE id = 'c1'")
        conn.execute("""INSERT INTO person(id, created_at, updated_at, version, case_id,
            relationship, given_names, family_names, sex, language, needs_interpreter,
            position, active) VALUES ('p1', now(), now(), 1, 'c1', 'principal', 'José',
            'Núñez', 'male', 'es', false, 0, true)""")  # the search triggers run as the user
        assert conn.execute("SELECT count(*) FROM person_search").fetchone() == (1,)
        codes = [row[0] for row in conn.execute("SELECT code FROM crossing")]
        assert "SYS" in codes  # the shipped crossings, seeded by init
        _refused(conn, "SELECT narrative_es FROM risk_assessment")
        _refused(conn, "SELECT description FROM incident")
        _refused(conn, "UPDATE risk_assessment SET level = 'low'")
        _refused(conn, "INSERT INTO crossing(id) VALUES ('x2')")
        _refused(conn, "UPDATE court SET active = false")
        _refused(conn, "SELECT kem_private FROM office_secret")  # the office's private keys
        _refused(conn, "SELECT private FROM device_key")  # a server device's signing key
        assert conn.execute("SELECT count(public) FROM device_key").fetchone() == (0,)
        _refused(conn, "DELETE FROM change_log")  # the change record is append-only
        _refused(conn, "UPDATE change_log SET fields = '{}'")
        _refused(conn, "UPDATE office SET state = 'trusted'")  # trusting offices is an admin's
        assert conn.execute("SELECT count(*) FROM office").fetchone() == (0,)
        _refused(conn, "DELETE FROM audit_entry")
        _refused(conn, "SELECT public.legalaid_add_user('eve', 'legalaid_lawyer', 'x')")
        _refused(conn, f"SET ROLE {roles.OWNER}")
        _refused(conn, f"SET ROLE {roles.LAWYER}")
        # Row-level security: the risk rows of the logs are not there for a volunteer.
        entities = conn.execute("SELECT entity FROM audit_entry ORDER BY entity").fetchall()
        assert entities == [("case",)]
        kinds = conn.execute("SELECT kind FROM document_log").fetchall()
        assert kinds == [("reminder",)]
        changed = conn.execute(
            "SELECT table_name FROM change_log WHERE device = 'd1' ORDER BY seq"
        ).fetchall()
        assert changed == [("case",)]  # a risk row's changed values are risk data
        # A new log entry must name its own login; the setting a client controls does not help.
        conn.execute("SET application_name = 'Lic. Ruiz'")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("""INSERT INTO audit_entry(id, at, actor, action, entity, entity_id,
                changes) VALUES ('a9', now(), 'Lic. Ruiz', 'edit', 'case', 'c1', '{}')""")
        conn.execute(
            """INSERT INTO audit_entry(id, at, actor, action, entity, entity_id, changes)
            VALUES ('a8', now(), %s, 'edit', 'case', 'c1', '{}')""",
            (name,),
        )


def test_a_lawyer_reads_and_writes_risk_data(office: Office) -> None:
    name = office.user("lawyer")
    with office.connect(name) as conn:
        assert conn.execute("SELECT narrative_es FROM risk_assessment").fetchall() == [("relato",)]
        conn.execute("UPDATE incident SET reported = true WHERE id = 'i1'")
        assert len(conn.execute("SELECT * FROM audit_entry").fetchall()) == 3
        assert len(conn.execute("SELECT * FROM document_log").fetchall()) == 2
        seeded = conn.execute("SELECT * FROM change_log WHERE device = 'd1'").fetchall()
        assert len(seeded) == 3
        conn.execute("UPDATE \"case\" SET notes = 'x' WHERE id = 'c1'")  # a volunteer's work too
        _refused(conn, "INSERT INTO crossing(id) VALUES ('x2')")
        _refused(conn, "SELECT public.legalaid_disable_user('nobody')")
        # The office's keys: a lawyer makes and opens the files that carry risk data.
        conn.execute("SELECT kem_private FROM office_secret")
        conn.execute("SELECT private FROM device_key")
        _refused(conn, "UPDATE office_secret SET kem_private = ''")
        _refused(conn, "DELETE FROM device_key")


def test_an_administrator_manages_reference_data_and_users_but_not_risk(office: Office) -> None:
    with office.connect(office.admin) as conn:
        conn.execute("UPDATE crossing SET report_hours_before = 3 WHERE code = 'SYS'")
        conn.execute("""INSERT INTO court(id, created_at, updated_at, version, code, name_es,
            name_en, address, city, zone, phone, by_video, confirmed, active) VALUES ('k2', now(),
            now(), 1, 'ZZZ', 'Corte', 'Court', '', '', 'America/Denver', '', false, true, true)""")
        _refused(conn, "SELECT * FROM risk_assessment")
        _refused(conn, "SELECT * FROM incident")
        assert conn.execute("SELECT count(*) FROM office_secret").fetchone() == (0,)
        assert conn.execute("SELECT count(private) FROM device_key").fetchone() == (0,)
        # The user function makes logins only in LegalAid's groups.
        with pytest.raises(errors.InvalidParameterValue):
            conn.execute(
                "SELECT public.legalaid_add_user('mallory', %s, 'SCRAM-SHA-256$x')", (roles.OWNER,)
            )
        with pytest.raises(errors.InvalidParameterValue):  # never a password in clear text
            conn.execute("SELECT public.legalaid_add_user('mallory', %s, 'plain')", (roles.LAWYER,))
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT public.legalaid_disable_user('la_super')")
        _refused(conn, "CREATE ROLE mallory LOGIN")
        _refused(conn, "CREATE TABLE evil(id int)")


def test_a_disabled_user_cannot_log_in_and_is_logged_out(office: Office) -> None:
    name = office.user("volunteer")
    open_session = office.connect(name)
    assert disable_user(office.login_url(office.admin), name) == 1
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        office.connect(name)
    with pytest.raises(psycopg.OperationalError):
        open_session.execute("SELECT 1")
    open_session.close()


def test_a_wrong_password_is_refused(office: Office) -> None:
    name = office.user("lawyer")
    info = office.cluster.conninfo(office.dbname, name, password="wrong")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(info)


def test_no_login_owns_a_table_or_bypasses_the_rules(office: Office) -> None:
    with psycopg.connect(office.url) as conn:
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        assert owners == [(roles.OWNER,)]
        groups = conn.execute(
            """SELECT rolname, rolcanlogin, rolbypassrls, rolsuper FROM pg_roles
               WHERE rolname LIKE 'legalaid%' ORDER BY rolname"""
        ).fetchall()
        assert all(not login and not su for _, login, _bypass, su in groups)
        # Only the operator role (backups, uploads) reads past row-level security.
        assert [name for name, _login, bypass, _su in groups if bypass] == [roles.OPERATOR]
        assert [g[0] for g in groups] == sorted(
            [
                roles.ADMIN,
                roles.LAWYER,
                roles.OWNER,
                roles.USERMGR,
                roles.VOLUNTEER,
                roles.OPERATOR,
                roles.OPERATOR_GATE,
            ]
        )
        forced = conn.execute(
            "SELECT relname FROM pg_class WHERE relrowsecurity ORDER BY relname"
        ).fetchall()
        assert forced == [("audit_entry",), ("change_log",), ("document_log",)]


def test_init_run_again_keeps_rows_users_and_rules(office: Office) -> None:
    lawyer = office.user("lawyer")
    again = init_server(office.url)  # upgrade and repair: the first administrator is la_super
    assert again.administrator == "la_super"
    volunteer = office.user("volunteer")
    with office.connect(lawyer) as conn:
        assert conn.execute("SELECT count(*) FROM risk_assessment").fetchone() == (1,)
    with office.connect(volunteer) as conn:
        _refused(conn, "SELECT * FROM risk_assessment")
        assert conn.execute("SELECT count(*) FROM audit_entry").fetchone() == (1,)


def test_only_an_administrator_takes_the_operator_role_and_only_on_purpose(office: Office) -> None:
    """An administrator's login reads no risk data; after ``SET ROLE legalaid_operator`` (what
    a backup and an upload do) it reads every row, past row-level security. Nobody else may."""
    with office.connect(office.admin) as conn:
        _refused(conn, "SELECT * FROM risk_assessment")
        conn.execute(f"SET ROLE {roles.OPERATOR}")
        assert conn.execute("SELECT count(*) FROM risk_assessment").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM audit_entry").fetchone() == (3,)
        assert conn.execute("SELECT count(*) FROM incident").fetchone() == (1,)
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DELETE FROM risk_assessment")  # risk rows: read and added, no more
    for role in ("volunteer", "lawyer"):
        with office.connect(office.user(role)) as conn, pytest.raises(errors.InsufficientPrivilege):
            conn.execute(f"SET ROLE {roles.OPERATOR}")
