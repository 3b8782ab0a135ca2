"""``legalaid server init | add-user | disable-user`` as a person runs them: real processes, a
real PostgreSQL, passwords through libpq's own means (PGPASSWORD, a password file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from tests.postgres import Cluster

PASSWORD = "una contraseña larga"


def run(*args: str, lang: str = "es", **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "LANG": "es_MX.UTF-8" if lang == "es" else "en_US.UTF-8"}
    environ.update(LC_ALL="", LC_MESSAGES="", **env)
    for name in ("LEGALAID_HOME", "PGPASSWORD", "PGPASSFILE", "PGUSER", "PGHOST"):
        if name not in env:
            environ.pop(name, None)
    command = [sys.executable, "-m", "legalaid", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environ, timeout=120)


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def _admin_url(cluster: Cluster, url: str, admin: str) -> str:
    dbname = conninfo_to_dict(url)["dbname"]
    assert isinstance(dbname, str)
    return cluster.url(dbname, admin)


def test_init_then_users_added_and_disabled(
    pg_cluster: Cluster, pg_database: str, password_file: Path, tmp_path: Path
) -> None:
    admin = "ana_admin_" + os.urandom(3).hex()
    done = run("server", "init", "--url", pg_database, "--admin", admin,
               "--password-file", str(password_file))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Primer administrador: " + admin in done.stdout
    admin_url = _admin_url(pg_cluster, pg_database, admin)
    # The administrator's own password through a libpq password file (PGPASSFILE).
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{admin}:{PASSWORD}\n")
    pgpass.chmod(0o600)
    user = "luis_" + os.urandom(3).hex()
    added = run("--server", admin_url, "server", "add-user", user, "--role", "lawyer",
                "--password-file", str(password_file), PGPASSFILE=str(pgpass))  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == f"{user} ya puede entrar como abogado."
    assert PASSWORD not in added.stdout + added.stderr
    info = conninfo_to_dict(pg_database)
    assert isinstance(info["dbname"], str)
    with psycopg.connect(host=info["host"], dbname=info["dbname"], user=user, password=PASSWORD):
        pass
    again = run("--server", admin_url, "server", "add-user", user, "--role", "volunteer",
                "--password-file", str(password_file), PGPASSWORD=PASSWORD, lang="en")  # fmt: skip
    assert again.returncode == 1
    assert again.stderr.strip() == f"legalaid: The user {user} already exists on the server."
    # A lawyer cannot manage users: the database refuses, the message says why.
    refused = run("--server", pg_cluster.url(info["dbname"], user), "server", "disable-user",
                  admin, PGPASSWORD=PASSWORD, lang="en")  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr.strip() == "legalaid: Only a LegalAid administrator can manage users."
    off = run("--server", admin_url, "server", "disable-user", user, PGPASSWORD=PASSWORD)
    assert off.returncode == 0, off.stderr
    assert "ya no puede entrar" in off.stdout
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host=info["host"], dbname=info["dbname"], user=user, password=PASSWORD)


def test_a_wrong_role_name_is_a_usage_error(pg_database: str, password_file: Path) -> None:
    done = run("--server", pg_database, "server", "add-user", "luis", "--role", "abogado",
               "--password-file", str(password_file), lang="en")  # fmt: skip
    assert done.returncode == 2
    assert "invalid choice: 'abogado'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["legalaid_owner", "pg_monitor", "1abc", "a b"])
def test_a_reserved_or_strange_user_name_is_a_usage_error(name: str, password_file: Path) -> None:
    done = run("--server", "postgresql://x@/y", "server", "add-user", name, "--role", "lawyer",
               "--password-file", str(password_file))  # fmt: skip
    assert done.returncode == 2
    assert "no empieza por pg_ ni legalaid_" in done.stderr


def test_init_without_a_superuser_or_server_is_a_clear_error(pg_cluster: Cluster) -> None:
    done = run("server", "init", "--url", "mysql://root@localhost/x")
    assert done.returncode == 2 and "postgresql://" in done.stderr
    gone = run("server", "init", "--url", "postgresql://la_super@/nowhere?host=/tmp/la-no-such",
               lang="en")  # fmt: skip
    assert gone.returncode == 1
    assert gone.stderr.startswith("legalaid: Could not connect to the server")
    assert "Traceback" not in gone.stderr


def test_add_user_needs_the_server_address(password_file: Path) -> None:
    done = run("server", "add-user", "luis", "--role", "lawyer", "--password-file",
               str(password_file), lang="en")  # fmt: skip
    assert done.returncode == 2
    assert "needs the server's address" in done.stderr


def test_a_short_password_is_refused(pg_database: str, tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("corta\n")
    done = run("--server", pg_database, "server", "add-user", "luis", "--role", "lawyer",
               "--password-file", str(short))  # fmt: skip
    assert done.returncode == 1
    assert "al menos 10 caracteres" in done.stderr


def test_local_only_commands_say_they_do_not_work_on_the_server() -> None:
    done = run("--server", "postgresql://ana@server/legalaid", "encrypt", lang="en")
    assert done.returncode == 2
    assert "works only on this computer's database, not with an office server" in done.stderr
    # With no command the client opens the server (tests/ui/test_office_server.py); an
    # address that is not libpq's URL is refused before any window.
    client = run("--server", "server/legalaid", lang="en")
    assert client.returncode == 2
    assert "must start with postgresql://" in client.stderr
