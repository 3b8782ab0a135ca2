"""Who may do what on the office server, enforced by PostgreSQL itself.

Group roles (none can log in):

* ``legalaid_owner`` owns every table, so no login owns one (an owner would bypass grants and
  row-level security). Migrations run as this role (``SET ROLE``).
* ``legalaid_volunteer``: cases, people, hearings, documents; reads crossings and courts; no
  risk assessments (narratives), incidents, risk notes, nor the audit entries of risk records.
* ``legalaid_lawyer``: everything a volunteer has, plus the risk data.
* ``legalaid_admin``: a volunteer's work plus users (through ``legalaid_add_user`` and
  ``legalaid_disable_user``) and reference data (crossings, courts); no risk data.
* ``legalaid_operator`` (BYPASSRLS) reads every row of every table and inserts into every
  table: the whole-database operations an administrator runs from a desk, a backup
  (``pg_dump --role``) and the upload of a laptop's records with their original authors. No
  login inherits it: administrators reach it through ``legalaid_operator_gate``, a NOINHERIT
  role, so only an explicit ``SET ROLE legalaid_operator`` (what those two operations do)
  gives its rights; in the client an administrator still sees no risk data. Whoever makes a
  backup can read every row: that is what a backup is, and why only administrators may.
* ``legalaid_usermgr`` has CREATEROLE and owns the two user functions (SECURITY DEFINER): an
  administrator can make logins only in the three groups above, never owners or superusers.

Row-level security keys on ``current_user`` (the login), never on a setting a client could
change: the audit log and the document log hide risk rows from non-lawyers, and a new entry
must name its own login as the actor.
"""

from __future__ import annotations

from typing import Any

OWNER = "legalaid_owner"
VOLUNTEER = "legalaid_volunteer"
LAWYER = "legalaid_lawyer"
ADMIN = "legalaid_admin"
USERMGR = "legalaid_usermgr"
OPERATOR = "legalaid_operator"
OPERATOR_GATE = "legalaid_operator_gate"
GROUPS = {"volunteer": VOLUNTEER, "lawyer": LAWYER, "admin": ADMIN}

REFERENCE_TABLES = ("crossing", "court")
RISK_TABLES = ("risk_assessment", "incident")
RISK_ENTITIES = "('risk_assessment', 'incident')"
# Append-only logs, with row-level security (POLICIES).
LOG_TABLES = ("audit_entry", "document_log", "change_log")
READ_ONLY_TABLES = ("alembic_version",)
# This office's identity and the offices it trusts: everyone reads, admins decide; the private
# keys only admins and lawyers read (a file that carries risk data is made and opened by a
# lawyer, since administrators may not read risk data).
OFFICE_TABLES = ("office",)
SECRET_TABLES = ("office_secret",)
# A change's signature is written once, beside its entry, and never changed.
APPEND_ONLY_TABLES = ("change_signature",)
# Devices' signing keys: everyone reads and adds the public parts (a laptop's sync brings its
# own); a server device's private key signs the office's exchange files, written by admins, and
# only admins and lawyers read it (a login that read it could sign changes as that device).
# Laptops' case-number series: a laptop's sync claims one (read and add); only admins change
# or free one (a laptop lost for good).
SERIES_TABLES = ("number_series",)
KEY_TABLES = {"device_key": ("device", "office_id", "public", "certificate", "created_at")}

IS_LAWYER = f"pg_has_role(current_user, '{LAWYER}', 'MEMBER')"
POLICIES = {
    "audit_entry": [
        f"""CREATE POLICY audit_read ON audit_entry FOR SELECT
            USING (entity NOT IN {RISK_ENTITIES} OR {IS_LAWYER})""",
        f"""CREATE POLICY audit_write ON audit_entry FOR INSERT
            WITH CHECK (actor = current_user AND (entity NOT IN {RISK_ENTITIES} OR {IS_LAWYER}))""",
    ],
    # The change record holds every changed value: a risk row's entries are risk data.
    "change_log": [
        f"""CREATE POLICY change_read ON change_log FOR SELECT
            USING (table_name NOT IN {RISK_ENTITIES} OR {IS_LAWYER})""",
        f"""CREATE POLICY change_write ON change_log FOR INSERT
            WITH CHECK (table_name NOT IN {RISK_ENTITIES} OR {IS_LAWYER})""",
    ],
    "document_log": [
        f"""CREATE POLICY document_read ON document_log FOR SELECT
            USING (kind <> 'risk_note' OR {IS_LAWYER})""",
        f"""CREATE POLICY document_write ON document_log FOR INSERT
            WITH CHECK (actor = current_user AND (kind <> 'risk_note' OR {IS_LAWYER}))""",
    ],
}


def create_roles_sql() -> list[str]:
    """Create the group roles when missing (roles belong to the whole PostgreSQL cluster)."""
    wanted = [
        (OWNER, "NOLOGIN"),
        (VOLUNTEER, "NOLOGIN"),
        (LAWYER, "NOLOGIN"),
        (ADMIN, "NOLOGIN"),
        (USERMGR, "NOLOGIN CREATEROLE"),
        (OPERATOR, "NOLOGIN BYPASSRLS"),
        (OPERATOR_GATE, "NOLOGIN NOINHERIT"),
    ]
    statements = [
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') THEN
                CREATE ROLE {name} {options};
            END IF; END $$"""
        for name, options in wanted
    ]
    statements += [
        f"ALTER ROLE {OWNER} NOLOGIN NOSUPERUSER NOBYPASSRLS",
        f"GRANT {VOLUNTEER} TO {LAWYER}",
        f"GRANT {VOLUNTEER} TO {ADMIN}",
        f"ALTER ROLE {OPERATOR} NOLOGIN NOSUPERUSER BYPASSRLS",
        f"ALTER ROLE {OPERATOR_GATE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT",
        f"GRANT {VOLUNTEER} TO {OPERATOR}",  # the search triggers' tables, as a desk writes them
        f"GRANT {OPERATOR} TO {OPERATOR_GATE}",
        f"GRANT {OPERATOR_GATE} TO {ADMIN}",
        f"GRANT pg_signal_backend TO {USERMGR}",  # a disabled user's sessions end at once
    ]
    return statements


def prepare_database_sql(dbname: str) -> list[str]:
    """Before migrations: the owner may create in the schema; only LegalAid's groups connect."""
    db = quote_ident(dbname)
    return [
        "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {OWNER}",
        f"REVOKE CONNECT, TEMPORARY ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {db} TO {VOLUNTEER}, {LAWYER}, {ADMIN}",
    ]


def table_grants_sql(tables: list[str]) -> list[str]:
    """Grants for every table of the schema, and row-level security on the logs."""
    statements = [f"GRANT USAGE ON SCHEMA public TO {VOLUNTEER}, {LAWYER}, {ADMIN}"]
    for table in tables:
        name = quote_ident(table)
        statements.append(
            f"REVOKE ALL ON {name} FROM PUBLIC, {VOLUNTEER}, {LAWYER}, {ADMIN}, {OPERATOR}"
        )
        statements.append(f"GRANT SELECT, INSERT ON {name} TO {OPERATOR}")
        if table in REFERENCE_TABLES:
            statements.append(f"GRANT SELECT ON {name} TO {VOLUNTEER}")
            statements.append(f"GRANT SELECT, INSERT, UPDATE ON {name} TO {ADMIN}")
        elif table in RISK_TABLES:
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {LAWYER}")
        elif table in LOG_TABLES:
            statements.append(f"GRANT SELECT, INSERT ON {name} TO {VOLUNTEER}")
            statements.append(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
            statements += [
                f"DROP POLICY IF EXISTS {policy.split()[2]} ON {name}" for policy in POLICIES[table]
            ]
            statements += POLICIES[table]
        elif table in READ_ONLY_TABLES:
            statements.append(f"GRANT SELECT ON {name} TO {VOLUNTEER}")
        elif table in OFFICE_TABLES:
            statements.append(f"GRANT SELECT ON {name} TO {VOLUNTEER}")
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {ADMIN}")
            # Which offices receive risk data is a lawyer's decision (legalaid office risk).
            statements.append(f"GRANT UPDATE (receives_risk) ON {name} TO {LAWYER}")
        elif table in APPEND_ONLY_TABLES:
            statements.append(f"GRANT SELECT, INSERT ON {name} TO {VOLUNTEER}")
        elif table in KEY_TABLES:
            public = ", ".join(KEY_TABLES[table])
            statements.append(f"GRANT SELECT ({public}), INSERT ON {name} TO {VOLUNTEER}")
            statements.append(f"GRANT UPDATE (certificate) ON {name} TO {VOLUNTEER}")
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {ADMIN}")
            statements.append(f"GRANT SELECT ON {name} TO {LAWYER}")  # signs risk rows it sends
        elif table in SERIES_TABLES:
            statements.append(f"GRANT SELECT, INSERT ON {name} TO {VOLUNTEER}")
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {ADMIN}")
        elif table in SECRET_TABLES:
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {ADMIN}")
            statements.append(f"GRANT SELECT ON {name} TO {LAWYER}")  # opens files with risk data
        else:
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {VOLUNTEER}")
    statements.append(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {VOLUNTEER}")
    statements.append(f"GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO {OPERATOR}")
    return statements


USER_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION public.legalaid_add_user(login text, grp text, verifier text)
        RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
        BEGIN
            IF grp NOT IN ('{VOLUNTEER}', '{LAWYER}', '{ADMIN}') THEN
                RAISE EXCEPTION 'not a LegalAid role: %', grp USING ERRCODE = '22023';
            END IF;
            IF login ~* '^(pg_|legalaid_)' OR login = '' THEN
                RAISE EXCEPTION 'reserved user name: %', login USING ERRCODE = '42939';
            END IF;
            IF verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
                RAISE EXCEPTION 'the password must arrive hashed' USING ERRCODE = '22023';
            END IF;
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
                RAISE EXCEPTION 'user % already exists', login USING ERRCODE = '42710';
            END IF;
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE '
                           'NOBYPASSRLS PASSWORD %L IN ROLE %I', login, verifier, grp);
        END $$""",
    f"""CREATE OR REPLACE FUNCTION public.legalaid_disable_user(login text)
        RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
        DECLARE ended integer := 0; session record;
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
                RAISE EXCEPTION 'no user %', login USING ERRCODE = '42704';
            END IF;
            IF login ~* '^(pg_|legalaid_)' OR NOT pg_has_role(login, '{VOLUNTEER}', 'MEMBER')
               OR (SELECT rolsuper FROM pg_roles WHERE rolname = login) THEN
                RAISE EXCEPTION 'not a LegalAid user: %', login USING ERRCODE = '42501';
            END IF;
            EXECUTE format('ALTER ROLE %I NOLOGIN', login);
            FOR session IN SELECT pid FROM pg_stat_activity WHERE usename = login LOOP
                IF pg_terminate_backend(session.pid) THEN ended := ended + 1; END IF;
            END LOOP;
            RETURN ended;
        END $$""",
    f"ALTER FUNCTION public.legalaid_add_user(text, text, text) OWNER TO {USERMGR}",
    f"ALTER FUNCTION public.legalaid_disable_user(text) OWNER TO {USERMGR}",
    "REVOKE ALL ON FUNCTION public.legalaid_add_user(text, text, text) FROM PUBLIC",
    "REVOKE ALL ON FUNCTION public.legalaid_disable_user(text) FROM PUBLIC",
    f"GRANT EXECUTE ON FUNCTION public.legalaid_add_user(text, text, text) TO {ADMIN}",
    f"GRANT EXECUTE ON FUNCTION public.legalaid_disable_user(text) TO {ADMIN}",
]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def public_tables(conn: Any) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return [row[0] for row in rows]


def apply_all(conn: Any, dbname: str) -> None:
    """Grants, policies and user functions on a migrated database (repeatable)."""
    for statement in [*table_grants_sql(public_tables(conn)), *USER_FUNCTIONS]:
        conn.execute(statement)
