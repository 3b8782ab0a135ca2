"""Backups, restore, encryption, passphrase, recovery sheet and export from the client."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from legalaid.context import HomeState, home_state
from legalaid.safety.backup import backup_to
from legalaid.services.search import count_cases
from tests.core.helpers import family
from tests.ui.conftest import main_window, wait_idle
from ui.passphrase_dialog import CHANGE, PassphraseDialog
from ui.preview import PreviewDialog
from ui.unlock import RecoveryKeyDialog

PASSPHRASE = "una frase larga de prueba"
NEW_PASSPHRASE = "otra frase todavía más larga"


def recorder(monkeypatch, name: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, str]] = []

    def show(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, name, staticmethod(show))
    return seen


def test_closing_the_window_writes_a_backup_first(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    family(ctx)
    window = main_window(qtbot, ctx, automatic_backups=True)
    assert window.safety.timer.isActive()
    assert window.safety.timer.interval() == ctx.settings.backup_every_hours * 3_600_000
    assert not window.close()  # first the backup, on a worker
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=15_000)
    backups = list(ctx.home.backups.glob("auto-*.db"))
    assert len(backups) == 1


def test_back_up_to_a_folder(qtbot, ctx, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    family(ctx)
    window = main_window(qtbot, ctx)
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(usb)))
    told = recorder(monkeypatch, "information")
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: bool(told))
    written = list(usb.glob("legalaid-*.db"))
    assert len(written) == 1 and str(written[0]) in told[0][1]


def test_restore_brings_back_the_old_data_and_keeps_the_current(  # type: ignore[no-untyped-def]
    qtbot, ctx, tmp_path: Path, monkeypatch
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

    def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    told = recorder(monkeypatch, "information")
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: bool(told), timeout=15_000)
    assert "se guarda la base de datos actual como respaldo" in asked[0]
    assert count_cases(ctx) == 1
    kept = list(ctx.home.backups.glob("auto-*before-restore.db"))
    assert len(kept) == 1 and str(kept[0]) in told[0][1]
    wait_idle(qtbot, window.runner)
    assert window.counts.text().startswith("1 expediente")


def test_a_damaged_backup_changes_nothing(qtbot, ctx, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
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
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: bool(warned))
    assert "no es un respaldo" in warned[0][1] and "No se cambió nada" in warned[0][1]
    assert count_cases(ctx) == 1
    assert not ctx.home.backups.exists() or not list(ctx.home.backups.iterdir())


def fill(dialog: PassphraseDialog, qtbot, current: str = "", new: str = "") -> None:  # type: ignore[no-untyped-def]
    dialog.current.setText(current)
    dialog.new.setText(new)
    dialog.repeat.setText(new)
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)


def test_encrypt_a_demo_home_then_change_passphrase_and_print_a_new_sheet(  # type: ignore[no-untyped-def]
    qtbot, ctx, monkeypatch
) -> None:
    family(ctx, given="Rosa", family_names="Peña Ibáñez")
    window = main_window(qtbot, ctx)
    assert window.encrypt_action.isVisible() and not window.passphrase_action.isVisible()
    shown_keys: list[str] = []
    monkeypatch.setattr(RecoveryKeyDialog, "exec", lambda d: shown_keys.append(d.key.text()) or 1)

    def encrypt(dialog: PassphraseDialog) -> int:
        fill(dialog, qtbot, new="corta")  # too short: said at once, nothing done
        assert dialog.errors.labels["passphrase"].text()
        fill(dialog, qtbot, new=PASSPHRASE)
        return int(dialog.result())

    monkeypatch.setattr(PassphraseDialog, "exec", encrypt)
    window.encrypt_action.trigger()
    assert home_state(ctx.home.root) is HomeState.ENCRYPTED and ctx.encrypted
    assert count_cases(ctx) == 1 and shown_keys
    assert "encrypted" not in window.location.text() and "cifrada" in window.location.text()
    assert window.passphrase_action.isVisible() and not window.encrypt_action.isVisible()
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
    window.passphrase_action.trigger()
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
    window.recovery_action.trigger()
    previews = [w for w in window.findChildren(PreviewDialog) if w.isVisible()]
    assert len(previews) == 1 and previews[0].document.title == "Hoja de recuperación"


def test_export_writes_the_spreadsheet(qtbot, ctx, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    family(ctx)
    window = main_window(qtbot, ctx)
    target = tmp_path / "expedientes"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **k: (str(target), "Archivo CSV (*.csv)")),
    )
    window.export_action.trigger()
    qtbot.waitUntil(lambda: "Se export" in window.statusBar().currentMessage())
    assert (tmp_path / "expedientes.csv").stat().st_size > 0
    assert "2 personas" in window.statusBar().currentMessage()
