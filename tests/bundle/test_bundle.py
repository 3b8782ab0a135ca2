"""The application as a shelter laptop gets it: the PyInstaller bundle, packed, installed, run.

Built once per state of the sources (``tools/build_dist.py --cache``: build/bundle-cache/KEY,
so repeated runs reuse it), unpacked from its .tar.gz and installed with its install.sh into
a fresh HOME. Every program here runs with no Python on PATH and a minimal environment; the
bundle's own report (``LEGALAID_BUNDLE_REPORT``, written by packaging/entry.py) says it ran
frozen and loaded no module from the source tree or the development environment.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.bundle.xserver import missing_tools, xvfb

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle"),
]

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "una frase larga de prueba"


@dataclass
class Installed:
    app: Path  # ~/.local/opt/LegalAid
    home: Path  # the person's HOME
    no_python: Path  # an empty folder: the PATH of every run

    @property
    def legalaid(self) -> Path:
        return self.app / "legalaid"

    @property
    def data(self) -> Path:
        return self.home / ".local" / "share" / "LegalAid"

    def env(self, **extra: str) -> dict[str, str]:
        env = {"HOME": str(self.home), "PATH": str(self.no_python), "LANG": "es_MX.UTF-8"}
        env.update(extra)
        for python in ("python3", "python", "python3.11"):
            assert shutil.which(python, path=env["PATH"]) is None
        return env

    def run(self, *args: str, report: Path | None = None, **extra: str) -> str:
        env = self.env(**extra)
        if report is not None:
            env["LEGALAID_BUNDLE_REPORT"] = str(report)
        done = subprocess.run(
            [str(self.legalaid), *args],
            env=env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"legalaid {args}: {done.stderr}"
        return done.stdout


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_dist.py"), "--cache", "--json"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    mb = 1024 * 1024
    print(
        f"bundle {'reused' if result['reused'] else 'built'} in"
        f" {time.perf_counter() - started:.1f} s (build {result['build_seconds']} s, packing"
        f" {result['pack_seconds']} s): folder {result['folder_bytes'] / mb:.0f} MB,"
        f" {Path(result['packed']).name} {result['packed_bytes'] / mb:.0f} MB"
    )
    return result


def install(bundle: dict[str, Any], base: Path) -> Installed:
    """Unpack the .tar.gz as a person's archive tool would, and run its install.sh."""
    usb = base / "usb"
    with tarfile.open(bundle["packed"]) as archive:
        archive.extractall(usb, filter="tar")
    (top,) = usb.iterdir()
    home = base / "home"
    home.mkdir(exist_ok=True)
    no_python = base / "bin"
    no_python.mkdir(exist_ok=True)
    done = subprocess.run(
        ["/bin/sh", str(top / "install.sh")],
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "instalado / installed" in done.stdout
    return Installed(home / ".local" / "opt" / "LegalAid", home, no_python)


@pytest.fixture(scope="module")
def installed(bundle: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Installed:
    return install(bundle, tmp_path_factory.mktemp("installed"))


def check_frozen(report_file: Path, app: Path) -> dict[str, Any]:
    """The report of a bundled run: frozen, and every module loaded from the bundle."""
    report: dict[str, Any] = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["frozen"] is True
    assert Path(report["bundle"]) == app / "_internal"
    absolute = [f for f in report["modules"].values() if os.path.isabs(f)]
    assert absolute, "the report names the modules' files"
    outside = [f for f in absolute if not Path(f).is_relative_to(app)]
    assert outside == []
    assert not [p for p in report["path"] if not Path(p).is_relative_to(app)]
    assert {"legalaid.cli", "legalaid.i18n", "babel"} <= set(report["modules"])
    return report


def pdf_text(path: Path, pages: slice = slice(None)) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages[pages])


def test_the_bundle_carries_what_the_app_reads_and_not_what_it_never_loads(
    bundle: dict[str, Any],
) -> None:
    inside = Path(bundle["folder"]) / "_internal"
    files = {p.relative_to(inside).as_posix() for p in inside.rglob("*")}
    for lang in ("es", "en"):
        for domain in ("legalaid", "documents", "ui"):
            assert f"legalaid/locales/{lang}/LC_MESSAGES/{domain}.mo" in files
    assert not [f for f in files if f.endswith(".po")]  # a .po beside would be compiled again
    assert {"legalaid/locales/babel/es_MX.pickle", "legalaid/locales/babel/en_US.pickle"} <= files
    assert {
        "legalaid/resources/fonts/DejaVuSans.ttf",
        "legalaid/resources/data/reference.json",
    } <= files
    assert "legalaid/resources/fonts/LICENSE-DejaVu.txt" in files
    assert "PySide6/Qt/translations/qtbase_es.qm" in files
    assert "PySide6/Qt/plugins/imageformats/libqpdf.so" in files
    assert "PySide6/Qt/plugins/platforms/libqxcb.so" in files
    assert {"PySide6/Qt/lib/libQt6Pdf.so.6", "PySide6/Qt/lib/libQt6PdfWidgets.so.6"} <= files
    assert [f for f in files if f.startswith("sqlcipher3/_sqlite3")]
    assert "legalaid/migrations/env.py" in files
    revisions = sorted(p.name for p in (ROOT / "legalaid/migrations/versions").glob("0*.py"))
    assert revisions and {f"legalaid/migrations/versions/{r}" for r in revisions} <= files
    never = ("QtWebEngine", "Qt6Quick", "Qt6Qml", "Qt63D", "VirtualKeyboard", "libqgtk3")
    assert [f for f in files if any(n in f for n in never)] == []
    assert not [p for p in inside.rglob("*") if p.is_symlink() and not p.exists()]


def test_the_packed_file_installs_for_one_person_and_an_update_keeps_the_data(
    bundle: dict[str, Any], tmp_path: Path
) -> None:
    person = install(bundle, tmp_path)
    share = person.home / ".local" / "share"
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(share / "applications" / "legalaid.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == f'"{person.legalaid}"'
    assert desktop["Name"] == "LegalAid" and desktop["Icon"] == "legalaid"
    assert (share / "icons/hicolor/256x256/apps/legalaid.png").is_file()
    command = person.home / ".local" / "bin" / "legalaid"
    assert command.resolve() == person.legalaid.resolve()
    assert person.data.resolve() != person.app.resolve()  # data outside the program

    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    person.run("demo", "--cases", "5", LEGALAID_PASSPHRASE_FILE=str(secret))
    data_before = {
        p.relative_to(person.data): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in person.data.rglob("*")
        if p.is_file()
    }
    assert "legalaid.db" in {p.name for p in data_before}

    (person.app / "_internal" / "left-by-the-old-version.txt").write_text("x")
    again = install(bundle, tmp_path)  # the same file again: an update over the installed one
    assert not (again.app / "_internal" / "left-by-the-old-version.txt").exists()
    data_after = {
        p.relative_to(person.data): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in person.data.rglob("*")
        if p.is_file()
    }
    assert data_after == data_before
    cases = json.loads(
        person.run("cases", "--json", "--limit", "50", LEGALAID_PASSPHRASE_FILE=str(secret))
    )
    assert len(cases) == 5

    subprocess.run(
        ["/bin/sh", str(person.app / "uninstall.sh")],
        env={"HOME": str(person.home), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )
    assert not person.app.exists() and not command.exists()
    assert not (share / "applications" / "legalaid.desktop").exists()
    assert (person.data / "legalaid.db").is_file() and (person.data / "legalaid.key").is_file()


@pytest.mark.skipif(bool(missing_tools()), reason=f"needs {missing_tools()} (tools/system-deps.sh)")
def test_first_start_of_the_client_asks_a_passphrase_and_opens_the_window(
    installed: Installed, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    with xvfb(tmp_path / "x") as screen:
        env = installed.env(
            DISPLAY=screen.display,
            LEGALAID_BUNDLE_REPORT=str(report),
            XDG_RUNTIME_DIR=str(tmp_path),
        )
        client = subprocess.Popen(
            [str(installed.legalaid)],
            env=env,
            cwd=installed.home,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            dialog = screen.wait_window("^Abrir LegalAid$", alive=client)
            shot = screen.screenshot(tmp_path / "1-passphrase.png")
            assert len(shot.getcolors(1 << 20) or []) > 20  # painted: text, fields, buttons
            screen.type(dialog, PASSPHRASE)
            screen.key(dialog, "Tab")
            screen.type(dialog, PASSPHRASE)
            screen.key(dialog, "Return")
            key_window = screen.wait_window("^Clave de recuperación", alive=client)
            screen.screenshot(tmp_path / "2-recovery-key.png")
            screen.key(key_window, "Return")  # "I wrote it down"; asked once more, then "Sí"
            question = screen.wait_other_window("^Clave de recuperación", key_window, client)
            screen.key(question, "alt+s")
            organisation = screen.wait_window("^Quién imprime las cartas", alive=client)
            for text in ("Albergue de prueba", "+52 664 000 0000", "", "Ana Prueba"):
                if text:
                    screen.type(organisation, text)
                screen.key(organisation, "Tab")
            screen.screenshot(tmp_path / "2b-organisation.png")
            screen.key(organisation, "Return")
            main = screen.wait_window("expedientes y audiencias", alive=client)
            time.sleep(1)  # the first screen paints
            screen.screenshot(tmp_path / "3-window.png")
            libraries = loaded_libraries(client.pid)
            screen.key(main, "ctrl+q")
            output, _ = client.communicate(timeout=120)
        finally:
            if client.poll() is None:
                client.kill()
                client.wait()
    shots = ROOT / "build" / "bundle-screens"  # kept after the run, to look at
    shots.mkdir(parents=True, exist_ok=True)
    for png in tmp_path.glob("*.png"):
        shutil.copy2(png, shots / png.name)
    print(f"screenshots in {shots}")
    assert client.returncode == 0, output
    assert "Traceback" not in output
    # Everything the running client mapped came from the bundle or the system, none from
    # the development environment or the source tree.
    assert libraries and all(
        lib.is_relative_to(installed.app) or is_system(lib) for lib in libraries
    )
    assert any(lib.name == "libQt6Widgets.so.6" for lib in libraries)
    state = check_frozen(report, installed.app)
    assert Path(state["qt_translations"]).is_relative_to(installed.app)
    assert state["qt_spanish"] is True  # Qt's own buttons in Spanish: "Aceptar", "Cancelar"
    assert "ui.window.main_window" in state["modules"]
    assert (installed.data / "legalaid.db").is_file()
    assert (installed.data / "legalaid.key").is_file()


@pytest.mark.skipif(bool(missing_tools()), reason=f"needs {missing_tools()} (tools/system-deps.sh)")
def test_the_client_lays_out_a_reminder_batch_and_shows_it_in_the_preview(
    installed: Installed, tmp_path: Path
) -> None:
    """The window's batch lays letters out in worker processes (the frozen program started as
    a worker) and shows the PDF in the preview (QtPdf and its plug-ins from the bundle)."""
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    home = tmp_path / "home"
    installed.run(
        "--home", str(home), "demo", "--cases", "300", LEGALAID_PASSPHRASE_FILE=str(secret)
    )
    with xvfb(tmp_path / "x") as screen:
        env = installed.env(
            DISPLAY=screen.display,
            LEGALAID_PASSPHRASE_FILE=str(secret),
            XDG_RUNTIME_DIR=str(tmp_path),
        )
        client = subprocess.Popen(
            [str(installed.legalaid), "--home", str(home)],
            env=env,
            cwd=installed.home,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            main = screen.wait_window("expedientes y audiencias", alive=client)
            time.sleep(1)
            screen.key(main, "ctrl+2")  # Próximas audiencias
            time.sleep(2)  # the hearings are listed by a worker
            screen.xdotool("mousemove", "--window", main, "400", "200", "click", "1")
            screen.key(main, "ctrl+a")
            screen.key(main, "alt+r")  # Imprimir &recordatorios…
            preview = screen.wait_window("^Vista previa: ", timeout=180, alive=client)
            time.sleep(2)  # the first page is rendered
            shot = screen.screenshot(tmp_path / "4-preview.png")
            title = screen.xdotool("getwindowname", preview).strip()
            screen.key(preview, "Escape")
            time.sleep(1)
            screen.key(main, "ctrl+q")
            output, _ = client.communicate(timeout=120)
        finally:
            if client.poll() is None:
                client.kill()
                client.wait()
    shots = ROOT / "build" / "bundle-screens"  # kept after the run, to look at
    shots.mkdir(parents=True, exist_ok=True)
    shutil.copy2(tmp_path / "4-preview.png", shots / "4-preview.png")
    assert client.returncode == 0, output
    assert "Traceback" not in output
    count = int(title.split()[2])
    assert count >= 2, title  # two letters or more go to worker processes
    # A rendered page: a large white area with dark text on it.
    page = shot.convert("L").crop((0, 0, *shot.size))
    histogram = page.histogram()
    assert sum(histogram[240:]) > 0.1 * page.size[0] * page.size[1]
    assert sum(histogram[:80]) > 500


def loaded_libraries(pid: int) -> set[Path]:
    """The shared libraries a running process has mapped."""
    found = set()
    for line in Path(f"/proc/{pid}/maps").read_text(encoding="utf-8").splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and fields[5].startswith("/") and ".so" in fields[5]:
            found.add(Path(fields[5].removesuffix(" (deleted)")))
    return found


def is_system(path: Path) -> bool:
    return path.parts[1] in ("lib", "lib64", "usr") and not path.is_relative_to(ROOT)


def test_the_command_line_runs_frozen_with_no_python_on_path(
    installed: Installed, tmp_path: Path
) -> None:
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    home = tmp_path / "home"
    report = tmp_path / "report.json"

    version = installed.run("--version", report=report)
    assert version.strip() == f"LegalAid {installed_version()}"
    check_frozen(report, installed.app)

    def legalaid(*args: str) -> str:
        return installed.run(
            "--home", str(home), *args, report=report, LEGALAID_PASSPHRASE_FILE=str(secret)
        )

    assert "50" in legalaid("demo", "--cases", "50")
    start, end = date.today(), date.today() + timedelta(days=360)
    letters = tmp_path / "recordatorios.pdf"
    said = legalaid("reminders", "--from", str(start), "--to", str(end), "-o", str(letters))
    assert "cartas" in said
    text = pdf_text(letters, slice(0, 2))
    # Spanish accents as text: the bundled DejaVu fonts and the Spanish catalogs were found.
    for words in ("Recordatorio de audiencia", "PRESÉNTESE EN LA GARITA", "Número A"):
        assert words in text
    assert "\x00" not in text
    state = check_frozen(report, installed.app)
    assert {"reportlab", "sqlalchemy", "sqlcipher3.dbapi2"} <= set(state["modules"])

    backups = tmp_path / "copias"
    backups.mkdir()
    assert "legalaid-" in legalaid("backup", "-o", str(backups))
    assert [p.name for p in backups.glob("*.db")]
    assert [p for p in backups.glob("*.db.key")]

    # A spreadsheet out and into another home (openpyxl in the bundle).
    sheet = tmp_path / "casos.xlsx"
    assert "casos.xlsx" in legalaid("export", "-o", str(sheet))
    imported = installed.run(
        "--home",
        str(tmp_path / "other"),
        "import",
        str(sheet),
        LEGALAID_PASSPHRASE_FILE=str(secret),
    )
    assert "expedientes nuevos: 50;" in imported

    # A batch of 300 letters or more is laid out in worker processes: the frozen program
    # starts itself as a worker (multiprocessing.freeze_support in packaging/entry.py).
    legalaid("demo", "--cases", "450", "--seed", "2")
    many = tmp_path / "muchas.pdf"
    said = legalaid("reminders", "--from", str(start), "--to", str(end), "-o", str(many))
    count = int(said.split()[2])
    assert count >= 300, said
    joined = PdfReader(many)
    assert len(joined.pages) >= count
    assert "PRESÉNTESE EN LA GARITA" in pdf_text(many, slice(-4, None))
    if (os.cpu_count() or 1) > 1:
        # The chunks of the workers joined by one of them (pypdf; a batch laid out in one
        # process keeps reportlab's Producer).
        assert joined.metadata is not None and joined.metadata["/Producer"] == "LegalAid"


def installed_version() -> str:
    from legalaid import __version__

    return __version__


def source_legalaid(*args: str, secret: Path) -> str:
    """The current release, run from the development environment (make run's `legalaid`)."""
    env = {**os.environ, "LEGALAID_PASSPHRASE_FILE": str(secret), "LANG": "es_MX.UTF-8"}
    done = subprocess.run(
        [sys.executable, "-m", "legalaid", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def revision(home: Path, passphrase: str) -> str:
    from legalaid.db import open_raw
    from legalaid.safety.keys import unlock

    conn = open_raw(home / "legalaid.db", unlock(home / "legalaid.key", passphrase))
    try:
        (found,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(found)
    finally:
        conn.close()


def downgrade(home: Path, passphrase: str, target: str) -> None:
    """Take a home back to an older revision with the migrations' own downgrades, as if an
    older release had made it."""
    from alembic import command

    from legalaid.db import alembic_config
    from legalaid.home import open_home

    ctx = open_home(home, passphrase=passphrase)
    try:
        with ctx.db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, target)
            conn.commit()
    finally:
        ctx.close()


def test_a_home_of_the_current_release_opens_and_an_older_one_migrates_in_the_bundle(
    installed: Installed, tmp_path: Path
) -> None:
    from legalaid.migrations import HEAD

    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    report = tmp_path / "report.json"

    def numbers(listing: str) -> list[str]:
        return sorted(row["case_number"] for row in json.loads(listing))

    current = tmp_path / "current"
    source_legalaid("--home", str(current), "demo", "--cases", "30", secret=secret)
    made = numbers(source_legalaid("--home", str(current), "cases", "--json", secret=secret))
    opened = installed.run(
        "--home", str(current), "cases", "--json", LEGALAID_PASSPHRASE_FILE=str(secret)
    )
    assert numbers(opened) == made and len(made) == 30

    older = tmp_path / "older"
    source_legalaid("--home", str(older), "demo", "--cases", "30", "--seed", "9", secret=secret)
    made = numbers(source_legalaid("--home", str(older), "cases", "--json", secret=secret))
    downgrade(older, PASSPHRASE, "0003")
    assert revision(older, PASSPHRASE) == "0003"
    listed = installed.run(
        "--home",
        str(older),
        "cases",
        "--json",
        report=report,
        LEGALAID_PASSPHRASE_FILE=str(secret),
    )
    assert numbers(listed) == made
    # Alembic ran inside the frozen program, from the migrations the bundle carries.
    assert revision(older, PASSPHRASE) == HEAD
    state = check_frozen(report, installed.app)
    assert "alembic.command" in state["modules"]
    by_name = json.loads(
        installed.run(
            "--home",
            str(older),
            "cases",
            "--json",
            "--search",
            made[0],
            LEGALAID_PASSPHRASE_FILE=str(secret),
        )
    )
    assert [row["case_number"] for row in by_name] == [made[0]]
