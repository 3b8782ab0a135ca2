"""The commands a desk runs against the office server, as real processes on a real PostgreSQL,
each as one person's login: what they write names that login, and what the login's role may not
do is refused in one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

from tests.safety.test_import import SPANISH
from tests.server.conftest import PASSWORD, Office


def run(office: Office, user: str, home: Path, *args: str, lang: str = "en",
        **env: str) -> subprocess.CompletedProcess[str]:  # fmt: skip
    environ = {**os.environ, "LANG": "es_MX.UTF-8" if lang == "es" else "en_US.UTF-8"}
    environ.update(LC_ALL="", LC_MESSAGES="", PGPASSWORD=PASSWORD, **env)
    for name in ("LEGALAID_HOME", "PGPASSFILE", "PGUSER", "PGHOST"):
        environ.pop(name, None)
    url = office.url(user, password=False)
    command = [sys.executable, "-m", "legalaid", "--home", str(home), "--server", url, *args]
    return subprocess.run(command, capture_output=True, text=True, env=environ, timeout=180)


def test_a_volunteer_works_on_the_server(office: Office, tmp_path: Path) -> None:
    home = tmp_path / "desk"
    demo = run(office, office.volunteer, home, "demo", "--cases", "30", "--seed", "4")
    assert demo.returncode == 0, demo.stderr
    assert "Added 30 demo cases" in demo.stdout and office.dbname in demo.stdout
    assert not (home / "legalaid.db").exists()  # nothing written to a local database
    listed = run(office, office.volunteer, home, "cases", "--json", "--limit", "200")
    rows = json.loads(listed.stdout)
    assert len(rows) == 30
    # A name with an accent, searched without it and in capitals ("Núñez" as "NUNEZ").
    accented, word = next((r, w) for r in rows for w in r["principal"].split() if not w.isascii())
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
    ).upper()
    found = run(office, office.volunteer, home, "cases", "--search", plain, "--json")
    assert found.returncode == 0, found.stderr
    assert accented["case_number"] in [r["case_number"] for r in json.loads(found.stdout)]
    upcoming = run(office, office.volunteer, home, "upcoming", "--days", "60", "--json")
    assert upcoming.returncode == 0, upcoming.stderr
    hearings = json.loads(upcoming.stdout)
    assert hearings and {"case_number", "report_at", "flags"} <= set(hearings[0])
    source = tmp_path / "albergue.csv"
    source.write_text(SPANISH, encoding="utf-8")
    imported = run(office, office.volunteer, home, "import", str(source), "--json")
    assert imported.returncode in (0, 1), imported.stderr
    after = run(office, office.volunteer, home, "cases", "--search", "Íñigo Ordóñez", "--json")
    assert [r["case_number"] for r in json.loads(after.stdout)] == ["TIJ-2024-0102"]
    history = run(office, office.volunteer, home, "history", "TIJ-2024-0102")
    assert history.returncode == 0, history.stderr
    assert office.volunteer in history.stdout
    crossings = run(office, office.volunteer, home, "crossings")
    assert crossings.returncode == 0 and "SYS" in crossings.stdout
    exported = tmp_path / "todos.csv"
    done = run(office, office.volunteer, home, "export", "-o", str(exported))
    assert done.returncode == 0, done.stderr
    assert "Íñigo" in exported.read_text(encoding="utf-8-sig")
    first = hearings[0]
    day = first["hearing_at"][:10]
    letters = tmp_path / "letters.pdf"
    printed = run(office, office.volunteer, home, "reminders", "--from", day, "--to", day,
                  "-o", str(letters))  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    assert letters.read_bytes().startswith(b"%PDF")
    papers = run(office, office.volunteer, home, "documents", first["case_number"], "--json")
    assert papers.returncode == 0, papers.stderr
    logged = json.loads(papers.stdout)
    assert logged and {entry["by"] for entry in logged} == {office.volunteer}


def test_a_volunteer_may_not_print_a_risk_note_a_lawyer_may(office: Office, tmp_path: Path) -> None:
    from legalaid.server.context import open_server
    from legalaid.services.risk import RiskInput, add_assessment
    from tests.core.helpers import family

    ctx = open_server(office.url(office.lawyer), tmp_path / "lawyer", ask=False)
    try:
        case = family(ctx, given="José", family_names="Hernández Núñez", a_number=None)
        add_assessment(ctx, case.case.id, RiskInput(level="critical"))
    finally:
        ctx.close()
    number = case.case.case_number
    note = tmp_path / "note.pdf"
    refused = run(office, office.volunteer, tmp_path / "desk", "risk-note", number, "-o", str(note))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert refused.stderr.startswith("legalaid: ")
    assert f"the login {office.volunteer} may not do this" in refused.stderr
    assert not note.exists()
    done = run(office, office.lawyer, tmp_path / "law", "risk-note", number, "-o", str(note))
    assert done.returncode == 0, done.stderr
    assert note.read_bytes().startswith(b"%PDF")


def test_a_volunteer_may_not_back_up_the_server(office: Office, tmp_path: Path) -> None:
    done = run(office, office.volunteer, tmp_path / "desk", "backup", lang="es")
    assert done.returncode == 1
    assert f"el usuario {office.volunteer} no lo es" in done.stderr
    assert "administrador" in done.stderr and "Traceback" not in done.stderr


def test_a_password_libpq_lacks_is_asked_at_the_terminal(office: Office, tmp_path: Path) -> None:
    """No PGPASSWORD nor password file: asked once, without echo, and not written anywhere."""
    import pty
    import select

    url = office.url(office.volunteer, password=False)
    home = tmp_path / "desk"
    args = [sys.executable, "-m", "legalaid", "--home", str(home), "--server", url, "crossings"]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    environ.update(LANG="en_US.UTF-8", LC_ALL="", LC_MESSAGES="", PGPASSFILE=str(tmp_path / "no"))
    environ.pop("LEGALAID_HOME", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the pseudo-terminal as its terminal
        os.execve(sys.executable, args, environ)
    output = b""
    answered = False
    while True:
        ready, _w, _x = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child ended
            break
        if not chunk:
            break
        output += chunk
        if not answered and b"Password of" in output:
            os.write(fd, PASSWORD.encode() + b"\n")
            answered = True
    _pid, status = os.waitpid(pid, 0)
    text = output.decode(errors="replace")
    assert answered, text
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "SYS" in text and PASSWORD not in text  # not echoed
    assert not any(PASSWORD in p.read_text(errors="ignore") for p in home.rglob("*") if p.is_file())
