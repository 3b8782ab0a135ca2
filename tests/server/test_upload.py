"""Uploading a laptop home into the office server (``legalaid --server URL server upload --home
DIR``), as real processes on a real PostgreSQL: every row arrives as it was (ids, change record,
history, documents log, risk rows), once, whole or not at all."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import PASSWORD, Office

KILLED = -signal.SIGKILL
PASS = "una frase larga y segura"


def run(office: Office, user: str, desk: Path, *args: str, lang: str = "en",
        fault: str | None = None, passfile: Path | None = None,
        unencrypted: bool = False) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """``legalaid --home DESK --server URL-of-USER ARGS``."""
    url = office.url(user, password=False)
    return invoke(url, desk, *args, lang=lang, fault=fault, passfile=passfile,
                  unencrypted=unencrypted)  # fmt: skip


def invoke(url: str, desk: Path, *args: str, lang: str = "en", fault: str | None = None,
           passfile: Path | None = None,
           unencrypted: bool = False) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """The command in this process (its exit status and output), or with ``fault`` in a
    process of its own that the fault kills."""
    flags = ["--unencrypted"] if unencrypted else []
    argv = [*flags, "--lang", lang, "--home", str(desk), "--server", url, *args]
    environ = {"PGPASSWORD": PASSWORD}
    if passfile:
        environ["LEGALAID_PASSPHRASE_FILE"] = str(passfile)
    if fault is None:
        return _in_process(argv, environ)
    full = {**os.environ, **environ, "LEGALAID_FAULT": fault, "LC_ALL": "", "LC_MESSAGES": ""}
    for name in ("PGPASSFILE", "PGUSER", "LEGALAID_HOME"):
        full.pop(name, None)
    return subprocess.run([sys.executable, "-m", "legalaid", *argv], capture_output=True,
                          text=True, env=full, timeout=180, stdin=subprocess.DEVNULL)  # fmt: skip


def _in_process(argv: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import contextlib
    import io

    from legalaid.cli import main
    from legalaid.i18n import set_language

    saved = {name: os.environ.get(name) for name in [*environ, "PGPASSFILE", "PGUSER"]}
    os.environ.update(environ)
    os.environ.pop("PGPASSFILE", None)
    os.environ.pop("PGUSER", None)
    out, err = io.StringIO(), io.StringIO()
    mask = os.umask(0o077)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as leave:
                code = int(leave.code or 0)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        set_language("es")
        os.umask(mask)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def laptop(folder: Path, *, given: str = "José", prefix: str | None = "TIJ",
           passphrase: str | None = None, numbers: str = "TIJ") -> Path:  # fmt: skip
    """A laptop home with a household, a hearing, a risk assessment with an incident, an
    edit (change heads), a documents log entry and, with ``prefix``, an office identity."""
    from legalaid.home import open_home
    from legalaid.models import DocumentLogEntry
    from legalaid.services.case_edit import edit_case
    from legalaid.services.documents import record_documents
    from legalaid.services.offices import init_office
    from legalaid.services.risk import IncidentInput, RiskInput, add_assessment
    from tests.core.helpers import family, hearing_in

    if passphrase:
        ctx = open_home(folder, passphrase=passphrase)
    else:
        ctx = open_home(folder, unencrypted=True)
    try:
        ctx.settings.staff_name = "Ana Laptop"
        ctx.settings.office_prefix = numbers
        if prefix:
            init_office(ctx, f"Albergue {prefix}", prefix)
        case = family(ctx, given=given, a_number=None).case
        hearing_in(ctx, case.id, 12)
        add_assessment(
            ctx,
            case.id,
            RiskInput(level="high", narrative_es="Amenazas en Tijuana"),
            [IncidentInput(city="Tijuana", description="extorsión")],
        )
        edit_case(ctx, case.case_number, ["notes=llamar el lunes"])
        record_documents(
            ctx,
            [DocumentLogEntry(actor="Ana", kind="risk_note", case_id=case.id, sha256="0" * 64)],
        )
    finally:
        ctx.close()
    return folder


def home_rows(folder: Path, passphrase: str | None = None) -> dict[str, dict[Any, dict[str, Any]]]:
    from legalaid.home import open_home
    from legalaid.server.upload import _key, _tables, read_home

    ctx = (
        open_home(folder, passphrase=passphrase)
        if passphrase
        else open_home(folder, unencrypted=True)
    )
    try:
        rows = read_home(ctx)
    finally:
        ctx.close()
    by_table = {t.name: t for t in _tables()}
    return {name: {_key(by_table[name], r): r for r in found} for name, found in rows.items()}


def server_rows(office: Office) -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every table on the server, read as its superuser (past row-level security)."""
    from sqlalchemy import create_engine

    from legalaid.server.upload import _key, _tables

    engine = create_engine("postgresql+psycopg://", creator=office.superuser)
    try:
        with engine.connect() as conn:
            return {
                t.name: {_key(t, r): dict(r) for r in conn.execute(t.select()).mappings()}
                for t in _tables()
            }
    finally:
        engine.dispose()


@pytest.fixture
def fresh(office: Office) -> Office:
    """The module's server with no office identity either (the fixture keeps those)."""
    with office.superuser() as conn:
        conn.execute("DELETE FROM office_secret")
        conn.execute("DELETE FROM office")
    return office


def test_an_encrypted_laptop_home_arrives_whole_and_only_once(
    fresh: Office, tmp_path: Path
) -> None:
    passfile = tmp_path / "pass.txt"
    passfile.write_text(PASS + "\n", encoding="utf-8")
    home = laptop(tmp_path / "laptop", passphrase=PASS)
    before = server_rows(fresh)
    done = run(fresh, fresh.admin, tmp_path / "desk", "server", "upload", "--home", str(home),
               passfile=passfile)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "verified row by row" in done.stdout and "Albergue TIJ" in done.stdout
    wanted = home_rows(home, PASS)
    after = server_rows(fresh)
    for table, rows in wanted.items():
        for key, row in rows.items():
            if table in ("crossing", "court") and key in before[table]:
                assert after[table][key] == before[table][key]  # the server's own, kept
                continue
            if table == "device":
                row = {**row, "current": False}  # a past device on the server
            assert after[table][key] == row, (table, key)
        assert set(after[table]) == set(before[table]) | set(rows), table
    assert len(wanted["risk_assessment"]) == 1 and len(wanted["incident"]) == 1
    assert wanted["change_log"] and wanted["change_head"] and wanted["audit_entry"]
    assert wanted["document_log"] and wanted["office_secret"]
    # The search index was filled by the server's triggers: a desk finds the household.
    lawyer = run(fresh, fresh.lawyer, tmp_path / "desk2", "cases", "--search", "Jose")
    assert lawyer.returncode == 0 and "TIJ-" in lawyer.stdout, lawyer.stderr
    again = run(fresh, fresh.admin, tmp_path / "desk", "server", "upload", "--home", str(home),
                passfile=passfile, lang="es")  # fmt: skip
    assert again.returncode == 1
    assert "ya se subió" in again.stderr and "Traceback" not in again.stderr
    assert server_rows(fresh) == after


def test_only_an_administrator_uploads(fresh: Office, tmp_path: Path) -> None:
    home = laptop(tmp_path / "laptop", prefix=None)
    for user in (fresh.volunteer, fresh.lawyer):
        refused = run(fresh, user, tmp_path / "desk", "server", "upload", "--home", str(home),
                      unencrypted=True)  # fmt: skip
        assert refused.returncode == 1, refused.stderr
        assert f"the login {user} is not one" in refused.stderr
    assert server_rows(fresh)["case"] == {}


def test_a_second_home_joins_and_a_colliding_one_is_refused(fresh: Office, tmp_path: Path) -> None:
    first = laptop(tmp_path / "one", prefix="TIJ")
    second = laptop(tmp_path / "two", prefix=None, given="Rosa", numbers="MXL")
    copy = tmp_path / "copy"
    shutil.copytree(first, copy)
    assert run(fresh, fresh.admin, tmp_path / "d", "server", "upload", "--home", str(first),
               unencrypted=True).returncode == 0  # fmt: skip
    # Another home, whose case numbers (MXL-...) do not collide either.
    joined = run(fresh, fresh.admin, tmp_path / "d", "server", "upload", "--home", str(second),
                 unencrypted=True)  # fmt: skip
    assert joined.returncode == 0, joined.stderr
    assert len(server_rows(fresh)["case"]) == 2
    # A copy of the first home, changed since (a new device): its old rows collide.
    from legalaid.home import open_home

    ctx = open_home(copy, unencrypted=True)
    from legalaid.services.case_edit import edit_case
    from legalaid.services.search import search_cases

    edit_case(ctx, search_cases(ctx, "")[0].case_number, ["notes=otra cosa"])
    ctx.close()
    before = server_rows(fresh)
    clash = run(fresh, fresh.admin, tmp_path / "d", "server", "upload", "--home", str(copy),
                unencrypted=True)  # fmt: skip
    assert clash.returncode == 1, clash.stdout
    assert "have the id of other records on the server" in clash.stderr
    assert "Nothing was changed" in clash.stderr
    assert server_rows(fresh) == before


def test_a_case_number_taken_is_named(fresh: Office, tmp_path: Path) -> None:
    one = laptop(tmp_path / "one", prefix=None)
    two = laptop(tmp_path / "two", prefix=None, given="Rosa")
    assert run(fresh, fresh.admin, tmp_path / "d", "server", "upload", "--home", str(one),
               unencrypted=True).returncode == 0  # fmt: skip
    clash = run(fresh, fresh.admin, tmp_path / "d", "server", "upload", "--home", str(two),
                unencrypted=True)  # fmt: skip
    assert clash.returncode == 1
    assert "the server already has" in clash.stderr and "Nothing was changed" in clash.stderr
    assert len(server_rows(fresh)["case"]) == 1


@pytest.mark.slow
def test_upload_killed_at_every_step_leaves_nothing_then_completes(
    fresh: Office, tmp_path: Path
) -> None:
    from legalaid.server.upload import UPLOAD_STEPS

    home = laptop(tmp_path / "laptop")
    before = server_rows(fresh)
    for step in UPLOAD_STEPS:
        killed = run(fresh, fresh.admin, tmp_path / "d", "server", "upload", "--home", str(home),
                     unencrypted=True, fault=f"server-upload.{step}")  # fmt: skip
        assert killed.returncode == KILLED, (step, killed.stderr)
        assert server_rows(fresh) == before, step
    done = run(fresh, fresh.admin, tmp_path / "d", "server", "upload", "--home", str(home),
               unencrypted=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(server_rows(fresh)["risk_assessment"]) == 1
