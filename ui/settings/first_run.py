"""First run: who prints the letters. Asked once, for a fresh home: the organisation's name,
phone and WhatsApp (printed on every letter, so people know whom to call) and the staff
member's name (recorded as who made each change). Everything can be left for later and
changed in Settings or with ``legalaid settings``."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid.context import AppContext
from legalaid.errors import LegalAidError
from legalaid.i18n import _
from ui.common.widgets import ErrorLabel, Translatable


class OrganisationDialog(Translatable, QDialog):
    """The first-run questions; Save stores them in the home's settings, Later stores nothing."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("organisationDialog")
        self.ctx = ctx
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.org_name, self.org_phone = QLineEdit(), QLineEdit()
        self.org_whatsapp, self.staff = QLineEdit(), QLineEdit()
        for name, field in (
            ("orgName", self.org_name),
            ("orgPhone", self.org_phone),
            ("orgWhatsapp", self.org_whatsapp),
            ("staffName", self.staff),
        ):
            field.setObjectName(name)
        org = ctx.settings.organisation
        self.org_name.setText(org.name)
        self.org_phone.setText(org.phone)
        self.org_whatsapp.setText(org.whatsapp)
        self.staff.setText(ctx.settings.staff_name)
        self.labels = [QLabel() for _i in range(4)]
        form = QFormLayout()
        fields = (self.org_name, self.org_phone, self.org_whatsapp, self.staff)
        for label, field in zip(self.labels, fields, strict=True):
            label.setBuddy(field)
            form.addRow(label, field)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save)
        self.later = QPushButton()
        self.later.setObjectName("organisationLater")
        self.buttons.addButton(self.later, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.skip)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)  # room for the fields' examples
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Who prints the letters"))
        self.intro.setText(
            _(
                "Every letter and card says whom to call with questions, and the history of "
                "each case says who made each change. You can change these later in Settings."
            )
        )
        texts = (
            _("Organisation &name"),
            _("Organisation &phone"),
            _("Organisation &WhatsApp"),
            _("&Your name"),
        )
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.org_name.setPlaceholderText(_("For example: Albergue Juventud 2000"))
        self.org_phone.setPlaceholderText(_("For example: +52 664 123 4567"))
        self.staff.setPlaceholderText(_("Recorded in the history of every change you make"))
        self.later.setText(_("&Later"))

    def save(self) -> None:
        settings = self.ctx.settings
        chosen = replace(
            settings,
            staff_name=self.staff.text().strip(),
            organisation=replace(
                settings.organisation,
                name=self.org_name.text().strip(),
                phone=self.org_phone.text().strip(),
                whatsapp=self.org_whatsapp.text().strip(),
            ),
        )
        try:
            self.ctx.settings = chosen
            self.ctx.save_settings()
        except (LegalAidError, OSError) as error:
            self.ctx.settings = settings
            message = error.message() if isinstance(error, LegalAidError) else str(error)
            self.error.show_message(message)
            return
        self.accept()

    def skip(self) -> None:
        """Later: nothing is stored (Settings has the same fields)."""
        self.reject()


def ask_once(ctx: AppContext, fresh: bool, parent: QWidget | None = None) -> bool:
    """Ask the first-run questions when the home was just created (so once) and names no
    organisation yet; True when asked."""
    if not fresh or not ctx.settings.needs_setup():
        return False
    OrganisationDialog(ctx, parent).exec()
    return True
