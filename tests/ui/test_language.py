"""Switch the language while everything is open; no text of the other language may remain."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from legalaid.context import AppContext
from legalaid.documents import reminder_letter
from legalaid.i18n import current_language
from legalaid.services.cases import get_case
from legalaid.services.households import CaseDraft
from legalaid.services.risk import IncidentInput, RiskInput, add_assessment
from tests.core.helpers import family, hearing_in
from tests.ui.conftest import main_window, wait_idle
from tests.ui.walk import foreign_texts, visible_texts
from ui.editor.case_editor import CaseEditor
from ui.editor.conflict import ConflictDialog
from ui.editor.hearing_dialog import HearingDialog
from ui.editor.incident_dialog import IncidentDialog
from ui.printing.preview import PreviewDialog
from ui.reference.reference_dialog import ReferenceDialog
from ui.security.unlock import RecoveryKeyDialog, UnlockDialog
from ui.settings.settings_dialog import SettingsDialog
from ui.window.main_window import MainWindow
from ui.window.welcome import WelcomePanel


def open_everything(qtbot: QtBot, ctx: AppContext, window: MainWindow) -> list[QWidget]:
    case = family(ctx, given="Rosa", family_names="Peña Ibáñez")
    hearing_id = hearing_in(ctx, case.case.id, 4)
    risk = add_assessment(
        ctx,
        case.case.id,
        RiskInput(level="high", factors=["young_children"], narrative_es="Amenazas."),
        [IncidentInput(occurred_on=date(2026, 1, 3), kind="threat", city="Tijuana")],
    )
    assert risk.incidents
    window.cases.model.refresh()
    window.show_view(1)
    editor = window.open_case(case.case.id)
    wait_idle(qtbot, window.runner)
    detail = get_case(ctx, case.case.id)
    hearing = HearingDialog(window.runner, window.reference, lambda d: None, parent=window)
    reschedule = HearingDialog(
        window.runner, window.reference, lambda d: None, rescheduling=detail.hearings[0]
    )
    draft = CaseDraft(editor.household.case_input("x"), editor.household.drafts([]))
    dialogs: list[QWidget] = [
        hearing,
        reschedule,
        IncidentDialog(window.runner, lambda d: None, window),
        SettingsDialog(ctx, window.reference, window),
        ConflictDialog(draft, detail, window),
        PreviewDialog(ctx, window.runner, reminder_letter(ctx, hearing_id), window),
        UnlockDialog(ctx.home.root, new=True, parent=window),
        UnlockDialog(ctx.home.root, new=False, parent=window),
        RecoveryKeyDialog("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ", window),
        ReferenceDialog(ctx, window.runner, window),
        WelcomePanel(),
    ]
    for dialog in dialogs:
        dialog.show()
    wait_idle(qtbot, window.runner)  # the Crossings and courts window's rows are read
    return [window, editor, *dialogs]


def switch(qtbot: QtBot, window: MainWindow, code: str) -> None:
    window.set_language(code)
    expected = (
        "LegalAid — cases and hearings" if code == "en" else "LegalAid — expedientes y audiencias"
    )
    qtbot.waitUntil(lambda: window.windowTitle() == expected, timeout=5000)
    QApplication.processEvents()
    wait_idle(qtbot, window.runner)


def test_switching_language_leaves_no_text_of_the_other(qtbot: QtBot, ctx: AppContext) -> None:
    window = main_window(qtbot, ctx)
    windows = open_everything(qtbot, ctx, window)
    editor = windows[1]
    assert isinstance(editor, CaseEditor)
    returned_on = editor.household.returned_on  # a date the program shows, not one typed
    returned_on.set_value(date(2026, 1, 14))
    assert returned_on.text() == "14 ene 2026"
    assert returned_on.readback.text() == "miércoles, 14 de enero de 2026"
    spanish = [t for w in windows for t in visible_texts(w)]
    assert foreign_texts(spanish, "es") == [], foreign_texts(spanish, "es")
    assert "Expediente" in spanish and "Cancelar" in spanish
    switch(qtbot, window, "en")
    assert current_language() == "en" and ctx.settings.language == "en"
    english = [t for w in windows for t in visible_texts(w)]
    assert foreign_texts(english, "en") == []
    assert "Case" in english and "Cancel" in english  # ours and Qt's own buttons
    assert returned_on.text() == "Jan 14, 2026"  # the month's name in the new language
    assert returned_on.readback.text() == "Wednesday, January 14, 2026"
    switch(qtbot, window, "es")
    assert returned_on.text() == "14 ene 2026"
    assert returned_on.readback.text() == "miércoles, 14 de enero de 2026"
    spanish_again = [t for w in windows for t in visible_texts(w)]
    assert foreign_texts(spanish_again, "es") == []
    assert sorted(spanish_again) == sorted(spanish)  # nothing lost or left behind on the way


def test_the_walk_would_notice_a_forgotten_string(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel, QVBoxLayout

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    for text in ("Próximas audiencias", "3 audiencias", "martes 3 de marzo", "José Pérez"):
        layout.addWidget(QLabel(text))
    assert foreign_texts(visible_texts(root), "en") == [
        "Próximas audiencias",
        "3 audiencias",
        "martes 3 de marzo",
    ]
