"""First run: an empty database greets people with the two things they can do."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from legalaid.i18n import _
from ui.common.widgets import Translatable


class WelcomePanel(Translatable, QWidget):
    new_case = Signal()
    load_demo = Signal()
    import_file = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setFixedWidth(600)  # a fixed width lets the wrapped text take its height
        self.text.setAlignment(QtCore.Qt.AlignmentFlag.AlignHCenter)
        self.new_button = QPushButton()
        self.new_button.setObjectName("welcomeNewCase")
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(self.new_case)
        self.demo_button = QPushButton()
        self.demo_button.setObjectName("welcomeDemo")
        self.demo_button.clicked.connect(self.load_demo)
        self.import_button = QPushButton()
        self.import_button.setObjectName("welcomeImport")
        self.import_button.clicked.connect(self.import_file)
        for button in (self.new_button, self.import_button, self.demo_button):
            button.setMinimumHeight(40)
            button.setMinimumWidth(200)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title, 0, QtCore.Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.text, 0, QtCore.Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Welcome to LegalAid"))
        self.text.setText(
            _(
                "There are no cases yet. Open the first household's case, import the "
                "spreadsheet you kept so far, or load demo cases to try the program out: they "
                "are marked DEMO and are not real people."
            )
        )
        self.text.setMinimumHeight(self.text.heightForWidth(self.text.width()))
        self.new_button.setText(_("&New case"))
        self.demo_button.setText(_("&Load demo cases"))
        self.import_button.setText(_("&Import a spreadsheet…"))
        self.import_button.setToolTip(_("Households from a CSV or Excel file kept so far"))
