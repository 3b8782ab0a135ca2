"""The case editor window: household, hearings, risk, notes, documents.

It assembles the tabs, keeps what was loaded (to know what changed), saves through one job
(``save_household``), routes every message next to its field, and never drops typed text:
closing with changes asks; a refused save keeps the form; a conflict shows the other version.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

from legalaid.anumber import format_anumber
from legalaid.context import AppContext
from legalaid.errors import ConflictError, LegalAidError
from legalaid.i18n import _
from legalaid.models import Person
from legalaid.services.cases import CaseDetail, PersonInput, get_case
from legalaid.services.households import CaseDraft, SaveResult, save_household
from legalaid.services.ops import OpChanges
from ui.common.reference import Reference, load_reference
from ui.common.tasks import TaskRunner, describe
from ui.editor.conflict import KEEP_MINE, TAKE_THEIRS, ConflictDialog
from ui.editor.datefields import DateField, first_problem
from ui.editor.editor_view import CaseEditorView
from ui.editor.risk_tab import FIELDS as RISK_FIELDS
from ui.printing import papers
from ui.printing.preview import show_document


class CaseEditor(CaseEditorView):
    saved = Signal(str)  # case id, after anything about the case was written
    status_message = Signal(str)
    open_other = Signal(str)  # case id of a possible duplicate the person wants to see

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        reference: Reference,
        case_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.case_id: str | None = case_id
        self.version: int | None = None
        self.detail: CaseDetail | None = None
        self._baseline: Any = None
        self._people_base: list[tuple[PersonInput, bool]] = []
        self._saving = self._close_after_save = False
        super().__init__(ctx, runner, reference, parent)
        self._connect()
        self.retranslate()
        if not reference.crossings:  # opened before the main window had read them
            self.runner.query(lambda _c: load_reference(ctx), done=self._reference, owner=self)
        if case_id is None:
            self._start_new()
        else:
            self.reload()

    # --- building -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        self._title()
        self._show_duplicates(getattr(self, "_duplicates", []))
        self._show_transfer(self.shared.sharing)

    def _title(self) -> None:
        if self.detail is None:
            heading = _("New case")
        else:
            people = self.detail.people
            heading = _("Case %(case)s — %(name)s") % {
                "case": self.detail.case.case_number,
                "name": f"{people[0].given_names} {people[0].family_names}" if people else "",
            }
        self.heading.setText(heading)
        self.setWindowTitle(_("%(heading)s [*] — LegalAid") % {"heading": heading})
        self.status.setVisible(self.detail is not None)
        self.status_label.setVisible(self.detail is not None)

    def _connect(self) -> None:
        self.household.changed.connect(self._touched)
        self.risk.changed.connect(self._touched)
        self.notes.textChanged.connect(self._touched)
        self.status.currentIndexChanged.connect(self._touched)
        self.hearings.changed.connect(self.reload_hearings)
        self.documents.document_ready.connect(self._preview)
        self.save_action.triggered.connect(self.save)
        self.print_action.triggered.connect(self.print_reminder)
        self.close_action.triggered.connect(self.close)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_reminder)
        self.close_button.clicked.connect(self.close)
        self.conflict_button.clicked.connect(self.show_their_version)
        self.duplicates_bar.linkActivated.connect(self.open_other.emit)
        self.shared.unsaved = self.is_dirty
        self.shared.version = lambda: self.version
        self.shared.changed.connect(self._shared_changed)
        self.shared.loaded.connect(self._show_transfer)

    # --- loading ------------------------------------------------------------------------------
    def _reference(self, loaded: Reference) -> None:
        self.reference.crossings, self.reference.courts = loaded.crossings, loaded.courts
        typed = self.is_dirty()
        self.household.set_reference(self.reference)
        if self.detail is None and not self.household.crossing.code():
            self.household.crossing.set_code(self.ctx.settings.default_crossing)
        elif self.detail is not None:
            self._loaded_combos(self.detail)
        if not typed:
            self._remember()
        self.hearings.model.retranslate()

    def _loaded_combos(self, detail: CaseDetail) -> None:
        self.household.crossing.set_code(detail.crossing.code if detail.crossing else "")
        self.household.court.set_code(detail.court.code if detail.court else "")
        port = self.reference.crossing_by_id(detail.case.return_port_id)
        self.household.return_port.set_code(port.code if port else "")

    def _start_new(self) -> None:
        self.household.crossing.set_code(self.ctx.settings.default_crossing)
        self.household.add_person()
        self.hearings.load(None, [], "", "")
        self.risk.load(None)
        self.documents.load(None)
        self.shared.load(None)
        self._remember()
        self.household.people[0].given.setFocus()

    def reload(self) -> None:
        ctx, case_id = self.ctx, self.case_id
        if case_id is None:
            return
        self.runner.query(
            lambda _c: get_case(ctx, case_id),
            done=self._loaded,
            failed=lambda e: self.error.show_message(describe(e)),
            owner=self,
        )

    def _loaded(self, detail: CaseDetail) -> None:
        self.detail, self.case_id, self.version = detail, detail.case.id, detail.case.version
        self.household.load(detail)
        self.notes.setPlainText(detail.case.notes)
        self.status.set_code(detail.case.status)
        self._load_hearings(detail)
        self.risk.load(detail.case.id)
        self.documents.load(detail.case.id)
        self._load_history(detail)
        self.shared.load(detail.case.id)
        self.conflict_bar.hide()
        self._show_duplicates(detail.duplicates)
        self.error.show_message("")
        self._remember()
        self._title()

    def _show_duplicates(self, duplicates: list[Any]) -> None:
        """A warning, not a refusal: the same A-number on someone in another household may be
        the same person registered twice; each names that case, as a link that opens it."""
        self._duplicates = list(duplicates)
        lines = [
            _("Possible duplicate: %(anumber)s is also the A-number of %(name)s in case %(case)s.")
            % {
                "anumber": html.escape(d.a_number),
                "name": html.escape(d.other_name),
                "case": f'<a href="{html.escape(d.other_case_id)}">{html.escape(d.other_case)}</a>',
            }
            for d in duplicates
        ]
        self.duplicates_bar.setText("<br>".join(lines))
        self.duplicates_bar.setVisible(bool(lines))

    def _load_hearings(self, detail: CaseDetail) -> None:
        crossing = detail.crossing.code if detail.crossing else ""
        court = detail.court.code if detail.court else ""
        self.hearings.load(detail.case.id, detail.hearings, crossing, court)

    def _load_history(self, detail: CaseDetail) -> None:
        names = {p.id: f"{p.given_names} {p.family_names}".strip() for p in detail.people}
        self.history.load(detail.case.id, names)

    def _shared_changed(self, household: bool) -> None:
        """Shared, no longer shared or transferred: the history says so; a transfer changed
        the household (the window holds nothing unsaved then), so it is read again."""
        if self.detail is None:
            return
        if household:
            self.reload()
        else:
            self._load_history(self.detail)
        self.saved.emit(self.detail.case.id)

    def _show_transfer(self, sharing: Any) -> None:
        from ui.editor.shared_tab import transfer_text

        self.transferred.setText(transfer_text(sharing))
        self.transferred.setVisible(bool(self.transferred.text()))

    def changed_elsewhere(self, changes: OpChanges) -> None:
        """Another command changed this case (another window, an import, a restore): read it
        again unless something is typed here and not saved (a save then meets the conflict)."""
        if (
            self.case_id is not None
            and changes.touches_case(self.case_id)
            and not self._saving
            and not self.is_dirty()
        ):
            self.reload()

    def reload_hearings(self) -> None:
        """After a hearing changed: new history, the forms left exactly as typed."""
        ctx, case_id = self.ctx, self.case_id
        if case_id is None:
            return
        self.runner.query(
            lambda _c: get_case(ctx, case_id),
            done=self._hearings_loaded,
            failed=lambda e: self.error.show_message(describe(e)),
            owner=self,
        )

    def _hearings_loaded(self, detail: CaseDetail) -> None:
        if self.detail is not None:
            self.detail.hearings = detail.hearings
        self._load_hearings(detail)
        self._load_history(detail)
        self.saved.emit(detail.case.id)

    # --- what changed -------------------------------------------------------------------------
    def date_fields(self) -> list[DateField]:
        return [*self.household.date_fields(), self.risk.assessed_on]

    def _snapshot(self) -> Any:
        return (
            self.household.case_input(self.notes.toPlainText()),
            [(f.person_input(), f.active.isChecked()) for f in self.household.people],
            self.status.code(),
            self.risk.draft() is not None,  # the tab knows what it loaded, even if it loads late
            [field.pending() for field in self.date_fields()],  # typed, not yet a date
        )

    def _remember(self) -> None:
        self._baseline = self._snapshot()
        self._people_base = list(self._baseline[1])
        self.setWindowModified(False)

    def is_dirty(self) -> bool:
        return self._snapshot() != self._baseline

    def _touched(self) -> None:
        self.setWindowModified(self.is_dirty())

    def draft(self) -> CaseDraft:
        status = self.status.code()
        return CaseDraft(
            data=self.household.case_input(self.notes.toPlainText()),
            people=self.household.drafts(self._people_base),  # type: ignore[arg-type]
            case_id=self.case_id,
            version=self.version,
            status=status if self.detail and status != self.detail.case.status else None,
            risk=self.risk.draft(),
        )

    # --- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        if self._saving:
            return
        wrong = first_problem(self.date_fields())
        if wrong is not None:  # a date that cannot be read: nothing is saved until it is fixed
            self._close_after_save = False
            self.tabs.setCurrentWidget(
                self.risk if wrong is self.risk.assessed_on else self.household
            )
            if wrong is not self.risk.assessed_on:
                self.household.scroller.ensureWidgetVisible(wrong)
            wrong.setFocus()
            self.error.show_message(_("Not saved yet. Fix what is marked in red, then save again."))
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.error.show_message("")
        ctx, draft, typed = self.ctx, self.draft(), self._snapshot()
        self.runner.command(
            lambda _c: save_household(ctx, draft),
            done=lambda result: self._after_save(result, typed),
            failed=self._save_failed,
            owner=self,
        )

    def _after_save(self, result: SaveResult, typed: Any) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if result.risk is not None:
            self.risk.saved(result.risk)
        if result.detail is not None:
            self._show_duplicates(result.duplicates or result.detail.duplicates)
            if result.error is None and self._snapshot() == typed:
                self._loaded(result.detail)  # the stored values, normalised (A 012-345-678)
            else:
                self._rebase(result.detail)
            self.saved.emit(result.detail.case.id)
        if result.error is not None:
            self._show_error(result.error)
            self._close_after_save = False
            return
        self.status_message.emit(_("Saved."))
        if self._close_after_save:
            self.close()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = self._close_after_save = False
        self.save_button.setEnabled(True)
        self.error.show_message(describe(error))

    def _rebase(self, detail: CaseDetail) -> None:
        """Take the stored ids and version numbers; keep every typed value."""
        self.detail, self.case_id, self.version = detail, detail.case.id, detail.case.version
        for form, person in zip(self.household.people, detail.people, strict=False):
            form.person_id, form.version = person.id, person.version
        self._people_base = [(stored_input(p), p.active) for p in detail.people]
        self._load_hearings(detail)
        self.documents.load(detail.case.id)
        self._load_history(detail)
        self._title()
        self._touched()

    def _show_error(self, error: LegalAidError) -> None:
        if isinstance(error, ConflictError):
            self.conflict_bar.show()
            self.error.show_message(error.message())
            return
        by_field = error.by_field()
        risk: dict[str | None, str] = {k: v for k, v in by_field.items() if k in RISK_FIELDS}
        notes = by_field.pop("notes", "")
        self.notes_error.show_message(notes)
        rest: dict[str | None, str] = {k: v for k, v in by_field.items() if k not in RISK_FIELDS}
        first = self.household.show_errors(rest)
        page: QWidget = self.household
        if first is None and risk:
            first, page = self.risk.show_errors(risk), self.risk
        elif first is None and notes:
            first, page = self.notes, self.notes.parentWidget() or self.household
        self.tabs.setCurrentWidget(page)
        (first or self.save_button).setFocus()
        self.error.show_message(_("Not saved yet. Fix what is marked in red, then save again."))

    # --- conflicts ----------------------------------------------------------------------------
    def show_their_version(self) -> None:
        ctx, case_id = self.ctx, self.case_id
        if case_id is None:
            return
        self.runner.query(
            lambda _c: get_case(ctx, case_id),
            done=self._compare,
            failed=lambda e: self.error.show_message(describe(e)),
            owner=self,
        )

    def _compare(self, theirs: CaseDetail) -> None:
        dialog = ConflictDialog(self.draft(), theirs, self, reference=self.reference)
        dialog.exec()
        if dialog.choice == TAKE_THEIRS:
            self._loaded(theirs)
        elif dialog.choice == KEEP_MINE:
            self._rebase(theirs)
            self.conflict_bar.hide()
            self.save()

    # --- printing and closing -----------------------------------------------------------------
    def print_reminder(self) -> None:
        if self.case_id is None or self.is_dirty():
            self.error.show_message(
                _("Save your changes first (Ctrl+S): letters are printed from the saved case.")
            )
            return
        self.documents.build(papers.reminder_for_case)

    def _preview(self, document: Any) -> None:
        show_document(self.ctx, self.runner, document, self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.is_dirty() or self._close_confirmed():
            event.accept()
            return
        event.ignore()

    def _close_confirmed(self) -> bool:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self,
            _("Unsaved changes"),
            _("This case has changes that are not saved. Save them before closing?"),
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Discard:
            return True
        if answer == buttons.Save:
            self._close_after_save = True
            self.save()
        return False


def stored_input(person: Person) -> PersonInput:
    """What the person form shows for a stored person (the baseline of "changed")."""
    return PersonInput(
        given_names=person.given_names,
        family_names=person.family_names,
        relationship=person.relationship,
        birth_date=person.birth_date,
        sex=person.sex,
        nationality=person.nationality or None,
        language=person.language,
        needs_interpreter=person.needs_interpreter,
        a_number=format_anumber(person.a_number) or None,
    )
