"""Settings: the organisation's letterhead, who is working, case numbers, paper, language."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.errors import LegalAidError
from legalaid.i18n import _, current_language
from legalaid.settings import Organisation, Settings
from ui.common.language import LANGUAGE_NAMES, OWN_NAMES
from ui.common.reference import Reference
from ui.common.screen import FitsScreen
from ui.common.widgets import CodeCombo, ErrorLabel, FieldErrors, Translatable, boxed

MAX_BACKUP_HOURS = 7 * 24  # Settings.validate does not check this one yet


def _spin(maximum: int) -> QSpinBox:
    """A number field wider than the valid range: Settings.validate says what is allowed."""
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setAccelerated(True)
    return spin


class SettingsDialog(Translatable, FitsScreen, QDialog):
    """``chosen`` holds the validated settings after Save; the caller stores and applies them."""

    def __init__(self, ctx: AppContext, reference: Reference, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.ctx, self.reference = ctx, reference
        self.chosen: Settings | None = None
        self.errors = FieldErrors(ErrorLabel())
        self.labels: dict[str, QLabel] = {}
        self.org_name, self.org_address = QLineEdit(), QLineEdit()
        self.org_phone, self.org_whatsapp = QLineEdit(), QLineEdit()
        self.logo = QLineEdit()
        self.logo_button = QPushButton()
        self.logo_button.clicked.connect(self.choose_logo)
        logo_row = QWidget()
        row = QHBoxLayout(logo_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.logo, 1)
        row.addWidget(self.logo_button)
        self.staff = QLineEdit()
        self.prefix = QLineEdit()
        self.prefix.setMaxLength(6)
        self.desk = QLineEdit()
        self.desk.setObjectName("deskLetter")
        self.desk.setMaxLength(1)
        self.crossing = CodeCombo(items=reference.crossing_items)
        self.paper = CodeCombo(items=lambda: [("letter", _("Letter")), ("a4", _("A4"))])
        self.language = CodeCombo(items=lambda: LANGUAGE_NAMES)
        self.language.setProperty(OWN_NAMES, True)
        self.backup_keep = _spin(99_999)
        self.backup_every = _spin(9_999)
        self.lock_after = _spin(99_999)
        self.server = QLineEdit()
        self.server.setObjectName("officeServer")
        self.local_button = QPushButton()
        self.local_button.setObjectName("useThisLaptop")
        self.local_button.clicked.connect(self.use_this_laptop)
        server_row = QWidget()
        row = QHBoxLayout(server_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.server, 1)
        row.addWidget(self.local_button)
        self.server_note = QLabel()
        self.server_note.setWordWrap(True)
        self.on_server = bool(getattr(ctx, "server", ""))
        self.backup_note = QLabel()  # on the office server: whose backups these settings are
        self.backup_note.setObjectName("serverBackupNote")
        self.backup_note.setWordWrap(True)
        self.org_box, self.work_box, self.safety_box = QGroupBox(), QGroupBox(), QGroupBox()
        self.server_box = QGroupBox()
        self._form(
            self.org_box,
            [
                ("org_name", self.org_name),
                ("org_address", self.org_address),
                ("org_phone", self.org_phone),
                ("org_whatsapp", self.org_whatsapp),
                ("org_logo", logo_row),
            ],
        )
        self._form(
            self.work_box,
            [
                ("staff_name", self.staff),
                ("office_prefix", self.prefix),
                ("desk_letter", self.desk),
                ("default_crossing", self.crossing),
                ("paper_size", self.paper),
                ("language", self.language),
            ],
        )
        self._form(
            self.safety_box,
            [
                ("lock_after_minutes", self.lock_after),
                ("backup_every_hours", self.backup_every),
                ("backup_keep", self.backup_keep),
            ],
        )
        safety_form = self.safety_box.layout()
        assert isinstance(safety_form, QFormLayout)
        safety_form.addRow(self.backup_note)
        self.backup_note.setHidden(not self.on_server)
        self._form(self.server_box, [("office_server", server_row)])
        server_form = self.server_box.layout()
        assert isinstance(server_form, QFormLayout)
        server_form.addRow(self.server_note)
        self.errors.widgets["org_logo"] = self.logo
        self.errors.widgets["office_server"] = self.server
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.org_box)
        layout.addWidget(self.work_box)
        layout.addWidget(self.safety_box)
        layout.addWidget(self.server_box)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)
        self._load(ctx.settings)
        self.retranslate()

    def _form(self, box: QGroupBox, rows: list[tuple[str, QWidget]]) -> None:
        form = QFormLayout(box)
        for name, widget in rows:
            label = QLabel()
            label.setBuddy(widget)
            self.labels[name] = label
            form.addRow(label, boxed(widget, self.errors.add(name, widget)))

    def retranslate(self) -> None:
        self.setWindowTitle(_("Settings"))
        self.org_box.setTitle(_("Letterhead (printed on every letter)"))
        self.work_box.setTitle(_("This computer"))
        self.safety_box.setTitle(_("Keeping the data safe"))
        self.server_box.setTitle(_("Office server"))
        texts = {
            "org_name": _("Organisation &name"),
            "org_address": _("Address"),
            "org_phone": _("Phone"),
            "org_whatsapp": _("WhatsApp"),
            "org_logo": _("Logo (PNG or JPEG)"),
            "staff_name": _("&Your name"),
            "office_prefix": _("Case-number prefix"),
            "desk_letter": _("&Desk letter"),
            "default_crossing": _("Default crossing"),
            "paper_size": _("Paper size"),
            "language": _("Interface language"),
            "lock_after_minutes": _("&Lock after"),
            "backup_every_hours": _("&Back up every"),
            "backup_keep": _("Backups to &keep"),
            "office_server": _("Ser&ver address"),
        }
        for name, text in texts.items():
            self.labels[name].setText(text)
        self.logo_button.setText(_("Choose…"))
        self.logo.setPlaceholderText(_("Optional: an image printed at the top of letters"))
        self.staff.setToolTip(_("Recorded in the history of every change you make"))
        self.prefix.setToolTip(_("2 to 6 capital letters: TIJ-2026-0001"))
        self.desk.setPlaceholderText(_("Optional: one letter per laptop of this office"))
        self.desk.setToolTip(
            _(
                "With several laptops in one office, give each its own letter: its case numbers "
                "read TIJ-2026-B0001 and never collide with another laptop's."
            )
        )
        self.lock_after.setSuffix(_(" minutes without use"))
        self.lock_after.setSpecialValueText(_("Never"))
        self.lock_after.setToolTip(_("The window hides every case and asks for the passphrase"))
        self.backup_every.setSuffix(_(" hours while LegalAid is open"))
        self.backup_every.setSpecialValueText(_("Only when closing"))
        if self.on_server:
            self.backup_every.setToolTip(
                _(
                    "For this laptop's own database, when LegalAid opens it: a window on the "
                    "office server makes no backups"
                )
            )
            self.backup_note.setText(
                _(
                    "On the office server an administrator backs up the cases (`legalaid "
                    "--server URL backup`); these settings are for this laptop's own database."
                )
            )
        else:
            self.backup_every.setToolTip(
                _("A backup is also written every time LegalAid closes, in the backups folder")
            )
        self.backup_keep.setSuffix(_(" automatic backups, the newest"))
        self.server.setPlaceholderText(_("Empty: this laptop's own database"))
        self.server.setToolTip(
            _(
                "For example postgresql://ana@server.office/legalaid: your login, the server, the "
                "database. Never the password."
            )
        )
        self.local_button.setText(_("Use this &laptop"))
        self.local_button.setToolTip(
            _("Clear the address: the next start opens this laptop's own database")
        )
        self.server_note.setText(
            _(
                "LegalAid opens this server at the next start and asks for the password then; "
                "it never stores it."
            )
        )
        for combo in (self.crossing, self.paper, self.language):
            combo.retranslate()

    def _load(self, settings: Settings) -> None:
        org = settings.organisation
        self.org_name.setText(org.name)
        self.org_address.setText(org.address)
        self.org_phone.setText(org.phone)
        self.org_whatsapp.setText(org.whatsapp)
        self.logo.setText(org.logo)
        self.staff.setText(settings.staff_name)
        self.prefix.setText(settings.office_prefix)
        self.desk.setText(settings.desk_letter)
        self.crossing.set_code(settings.default_crossing)
        self.paper.set_code(settings.paper_size)
        self.language.set_code(settings.language or current_language())
        self.backup_keep.setValue(settings.backup_keep)
        self.backup_every.setValue(settings.backup_every_hours)
        self.lock_after.setValue(settings.lock_after_minutes)
        self.server.setText(settings.office_server)

    def settings(self) -> Settings:
        current = self.ctx.settings
        organisation = replace(
            current.organisation or Organisation(),
            name=self.org_name.text().strip(),
            address=self.org_address.text().strip(),
            phone=self.org_phone.text().strip(),
            whatsapp=self.org_whatsapp.text().strip(),
            logo=self.logo.text().strip(),
        )
        return replace(
            current,
            staff_name=self.staff.text().strip(),
            office_prefix=self.prefix.text().strip().upper(),
            desk_letter=self.desk.text().strip().upper(),
            default_crossing=self.crossing.code() or current.default_crossing,
            paper_size=self.paper.code() or "letter",
            language=self.language.code() or current_language(),
            backup_keep=self.backup_keep.value(),
            backup_every_hours=self.backup_every.value(),
            lock_after_minutes=self.lock_after.value(),
            office_server=self.server.text().strip(),
            organisation=organisation,
        )

    def use_this_laptop(self) -> None:
        self.server.clear()
        self.server.setFocus()

    def choose_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the logo"), self.logo.text(), _("Images (*.png *.jpg *.jpeg)")
        )
        if path:
            self.logo.setText(path)

    def save(self) -> None:
        chosen = self.settings()
        problems: dict[str | None, str] = {}
        try:
            chosen.validate()
        except LegalAidError as error:
            problems.update(error.by_field())
        if chosen.backup_every_hours > MAX_BACKUP_HOURS:
            problems["backup_every_hours"] = _(
                "Back up at least once a week: between 0 (only when closing) and %(hours)d hours."
            ) % {"hours": MAX_BACKUP_HOURS}
        logo = chosen.organisation.logo
        if logo and not Path(logo).is_file():
            problems["org_logo"] = _("There is no image file at %(path)s: choose it again.") % {
                "path": logo
            }
        if problems:
            first = self.errors.show(problems)
            if first is not None:
                first.setFocus()
            return
        self.chosen = chosen
        self.accept()
