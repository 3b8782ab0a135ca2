"""Backups, restore, encryption, passphrase, recovery sheet and export from the client."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.home import HomeState, home_state
from legalaid.safety.backup import backup_to
from legalaid.services.search import count_cases
from tests.core.helpers import family
from tests.ui.conftest import main_window, wait_idle
from ui.printing.preview import PreviewDialog
from ui.security.passphrase_dialog import CHANGE, PassphraseDialog
from ui.security.unlock import RecoveryKeyDialog

PASSPHRASE = "una frase larga de prueba"
NEW_PASSPHRASE = "otra frase todavía más larga"


def recorder(monkeypatch: pytest.MonkeyPatch, name: str) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []

    def show(
        parent: object, title: str, text: str, *args: object, **kwargs: object
    ) -> QMessageBox.StandardButton:
        seen.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, name, staticmethod(show))
    return seen


def test_closing_the_window_writes_a_backup_first(qtbot: QtBot, ctx: AppContext) -> None:
    family(ctx)
    window = main_window(qtbot, ctx, automatic_backups=True)
    assert window.safety.timer.isActive()
    assert window.safety.timer.interval() == ctx.settings.backup_every_hours * 3_600_000
    assert not window.close()  # first the backup, on a worker
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=15_000)
    backups = list(ctx.home.backups.glob("auto-*.db"))
    assert len(backups) == 1


def test_back_up_to_a_folder(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    family(ctx)
    window = main_window(qtbot, ctx)
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(usb)))
    told = recorder(monkeypatch, "information")
    window.menus.backup_action.trigger()
    qtbot.waitUntil(lambda: bool(told))
    written = list(usb.glob("legalaid-*.db"))
    assert len(written) == 1 and str(written[0]) in told[0][1]


def test_restore_brings_back_the_old_data_and_keeps_the_current(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    family(ctx, given="Rosa", family_names="Antes Uno")
    old = backup_to(ctx, tmp_path / "old.db")
    family(ctx, given="Luis", family_names="Después Dos", a_number=None)
    window = main_window(qtbot, ctx)
    assert count_cases(ctx) == 2
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(old), ""))
    )
    asked: list[str] = []

    def question(
        parent: object, title: str, text: str, *args: object, **kwargs: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    told = recorder(monkeypatch, "information")
    window.menus.restore_action.trigger()
    qtbot.waitUntil(lambda: bool(told), timeout=15_000)
    assert "se guarda la base de datos actual como respaldo" in asked[0]
    assert count_cases(ctx) == 1
    kept = list(ctx.home.backups.glob("auto-*before-restore.db"))
    assert len(kept) == 1 and str(kept[0]) in told[0][1]
    wait_idle(qtbot, window.runner)
    assert window.counts.text().startswith("1 expediente")


def test_a_damaged_backup_changes_nothing(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    family(ctx)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 200)
    window = main_window(qtbot, ctx)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bad), ""))
    )
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    warned = recorder(monkeypatch, "warning")
    window.menus.restore_action.trigger()
    qtbot.waitUntil(lambda: bool(warned))
    assert "no es un respaldo" in warned[0][1] and "No se cambió nada" in warned[0][1]
    assert count_cases(ctx) == 1
    assert not ctx.home.backups.exists() or not list(ctx.home.backups.iterdir())


def fill(dialog: PassphraseDialog, qtbot: QtBot, current: str = "", new: str = "") -> None:
    dialog.current.setText(current)
    dialog.new.setText(new)
    dialog.repeat.setText(new)
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)


def test_encrypt_a_demo_home_then_change_passphrase_and_print_a_new_sheet(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    family(ctx, given="Rosa", family_names="Peña Ibáñez")
    window = main_window(qtbot, ctx)
    menus = window.menus
    assert menus.encrypt_action.isVisible() and not menus.passphrase_action.isVisible()
    shown_keys: list[str] = []

    def show_key(dialog: RecoveryKeyDialog) -> int:
        shown_keys.append(dialog.key.text())
        return 1

    monkeypatch.setattr(RecoveryKeyDialog, "exec", show_key)

    def encrypt(dialog: PassphraseDialog) -> int:
        fill(dialog, qtbot, new="corta")  # too short: said at once, nothing done
        assert dialog.errors.labels["passphrase"].text()
        fill(dialog, qtbot, new=PASSPHRASE)
        return int(dialog.result())

    monkeypatch.setattr(PassphraseDialog, "exec", encrypt)
    window.menus.encrypt_action.trigger()
    assert home_state(ctx.home.root) is HomeState.ENCRYPTED and ctx.encrypted
    assert count_cases(ctx) == 1 and shown_keys
    assert "encrypted" not in window.location.text() and "cifrada" in window.location.text()
    assert menus.passphrase_action.isVisible() and not menus.encrypt_action.isVisible()
    # The recovery sheet is laid out on a worker (not the window's thread), then previewed.
    qtbot.waitUntil(lambda: any(w.isVisible() for w in window.findChildren(PreviewDialog)))
    previews = [w for w in window.findChildren(PreviewDialog) if w.isVisible()]
    assert len(previews) == 1 and previews[0].pdf.pageCount() >= 1
    previews[0].close()

    def change(dialog: PassphraseDialog) -> int:
        assert dialog.mode == CHANGE
        fill(dialog, qtbot, current="no es la frase", new=NEW_PASSPHRASE)
        assert dialog.errors.labels["current"].text().startswith("Esa frase de acceso")
        fill(dialog, qtbot, current=PASSPHRASE, new=NEW_PASSPHRASE)
        return int(dialog.result())

    monkeypatch.setattr(PassphraseDialog, "exec", change)
    window.menus.passphrase_action.trigger()
    window.lock()
    window.lock_page.passphrase.setText(PASSPHRASE)
    window.lock_page.try_unlock()
    wait_idle(qtbot, window.runner)
    assert window.locked  # the old one no longer opens it
    window.lock_page.passphrase.setText(NEW_PASSPHRASE)
    window.lock_page.try_unlock()
    qtbot.waitUntil(lambda: not window.locked)

    def sheet(dialog: PassphraseDialog) -> int:
        fill(dialog, qtbot, current=NEW_PASSPHRASE)
        return int(dialog.result())

    monkeypatch.setattr(PassphraseDialog, "exec", sheet)
    window.menus.recovery_action.trigger()
    previews = [w for w in window.findChildren(PreviewDialog) if w.isVisible()]
    assert len(previews) == 1 and previews[0].document.title == "Hoja de recuperación"


def test_export_writes_the_spreadsheet(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    family(ctx)
    window = main_window(qtbot, ctx)
    target = tmp_path / "expedientes"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(target), "Archivo CSV (*.csv)")),
    )
    window.menus.export_action.trigger()
    qtbot.waitUntil(lambda: "Se export" in window.statusBar().currentMessage())
    assert (tmp_path / "expedientes.csv").stat().st_size > 0
    assert "2 personas" in window.statusBar().currentMessage()


def test_a_damaged_database_is_reported_once_with_what_to_do(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from legalaid.home import open_home
    from legalaid.services.demo import generate_demo
    from tests.safety.test_backup import damage_a_page

    home = tmp_path / "damaged"
    ctx = open_home(home, unencrypted=True)
    generate_demo(ctx, 200, seed=3)
    ctx.close()
    damage_a_page(home / "legalaid.db")
    ctx = open_home(home, unencrypted=True)
    window = main_window(qtbot, ctx)
    warned = recorder(monkeypatch, "warning")
    for _attempt in range(3):  # the timer, every few hours
        window.safety.periodic_backup()
        qtbot.waitUntil(lambda: not window.safety.backing_up, timeout=15_000)
    assert len(warned) == 1
    title, text = warned[0]
    assert title == "La base de datos está dañada" and "Restaurar un respaldo" in text
    assert "respaldo automático" in window.statusBar().currentMessage()
    assert not list(ctx.home.backups.glob("auto-*.db"))
    ctx.close()


READ_NAMES = """
import sys
from legalaid.db import open_raw
conn = open_raw(sys.argv[1], bytes.fromhex(sys.argv[2]))
print("\\n".join(r[0] for r in conn.execute("SELECT given_names FROM person")))
"""


def _names_read_by_another_process(database: Path, key: bytes) -> list[str]:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", READ_NAMES, str(database), key.hex()],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.split("\n")


def test_restore_with_the_window_open_then_a_save_in_the_window_reaches_the_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window restores itself (its connections closed first, the home held alone, opened
    again after): what it saves next is in the live file another process reads."""
    from legalaid.home import open_home
    from tests.ui.test_case_editor import type_text

    ctx = open_home(tmp_path / "home", passphrase=PASSPHRASE)
    family(ctx, given="Rosa", family_names="Antes Uno")
    old = backup_to(ctx, tmp_path / "old.db")
    family(ctx, given="Luis", family_names="Después Dos", a_number=None)
    window = main_window(qtbot, ctx)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(old), ""))
    )
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
    told = recorder(monkeypatch, "information")
    window.menus.restore_action.trigger()  # no passphrase asked: a backup of this same folder
    qtbot.waitUntil(lambda: bool(told), timeout=15_000)
    wait_idle(qtbot, window.runner)
    editor = window.new_case()
    wait_idle(qtbot, window.runner)
    person = editor.household.people[0]
    type_text(person.given, "Guardada")
    type_text(person.family, "Después Restauración")
    editor.save_action.trigger()
    wait_idle(qtbot, window.runner)
    assert editor.detail is not None, editor.error.text()
    key = ctx.db._key
    assert key is not None
    names = _names_read_by_another_process(ctx.home.database, key)
    assert "Guardada" in names and "Rosa" in names and "Luis" not in names
    holders = list((ctx.home.root / "locks").glob("*.hold"))
    assert len(holders) == 1 and holders[0].name.startswith(f"{os.getpid()}-")
    ctx.close()


def test_the_window_says_who_holds_the_home_when_it_cannot_restore(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    from legalaid.home import open_home
    from tests.safety.test_home_lock import _holder

    ctx = open_home(tmp_path / "home", passphrase=PASSPHRASE)
    family(ctx, given="Rosa", family_names="Antes Uno")
    old = backup_to(ctx, tmp_path / "old.db")
    family(ctx, given="Luis", family_names="Después Dos", a_number=None)
    window = main_window(qtbot, ctx)
    holder = _holder(ctx.home.root, "import", PASSPHRASE)
    try:
        monkeypatch.setattr(
            QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(old), ""))
        )
        monkeypatch.setattr(
            QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
        )
        warned = recorder(monkeypatch, "warning")
        window.menus.restore_action.trigger()
        qtbot.waitUntil(lambda: bool(warned), timeout=15_000)
        assert "legalaid import" in warned[0][1] and f"proceso {holder.pid}" in warned[0][1]
        wait_idle(qtbot, window.runner)
        assert count_cases(ctx) == 2  # opened again, nothing changed
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    ctx.close()


def test_restoring_another_folders_backup_asks_and_says_which_passphrase(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from legalaid.home import open_home

    ctx = open_home(tmp_path / "home", passphrase=PASSPHRASE)
    family(ctx, given="Rosa", family_names="De Aquí")
    other = open_home(tmp_path / "other", passphrase=NEW_PASSPHRASE)
    family(other, given="Ana", family_names="De Allá")
    family(other, given="Eva", family_names="De Allá", a_number=None)
    foreign = backup_to(other, tmp_path / "otra.db")
    other.close()
    window = main_window(qtbot, ctx)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(foreign), ""))
    )
    asked: list[str] = []

    def question(
        parent: object, title: str, text: str, *args: object, **kwargs: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))

    def backup_passphrase(dialog: PassphraseDialog) -> int:
        fill(dialog, qtbot, current=PASSPHRASE)  # this folder's: not the backup's
        assert dialog.errors.labels["current"].text().startswith("Esa frase de acceso")
        fill(dialog, qtbot, current=NEW_PASSPHRASE)
        return int(dialog.result())

    monkeypatch.setattr(PassphraseDialog, "exec", backup_passphrase)
    told = recorder(monkeypatch, "information")
    window.menus.restore_action.trigger()
    qtbot.waitUntil(lambda: bool(told), timeout=15_000)
    assert "otra carpeta de LegalAid" in asked[0] and "frase de acceso" in asked[0]
    assert "frase de acceso (o la clave de recuperación) del respaldo restaurado" in told[0][1]
    wait_idle(qtbot, window.runner)
    assert count_cases(ctx) == 2
    window.lock()
    window.lock_page.passphrase.setText(NEW_PASSPHRASE)  # the backup's passphrase now
    window.lock_page.try_unlock()
    qtbot.waitUntil(lambda: not window.locked)
    kept = list(ctx.home.backups.glob("auto-*before-restore.db"))
    assert len(kept) == 1 and str(kept[0]) in told[0][1]
    ctx.close()
