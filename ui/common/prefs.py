"""Client preferences kept beside the database (per home): geometry, last folder used."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from legalaid.context import AppContext


class Prefs:
    def __init__(self, ctx: AppContext) -> None:
        self._store = QSettings(str(ctx.home.root / "client.ini"), QSettings.Format.IniFormat)

    def last_folder(self) -> str:
        saved = str(self._store.value("save/last_folder", "") or "")
        if saved and Path(saved).is_dir():
            return saved
        return QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())

    def remember_folder(self, file_path: str) -> None:
        self._store.setValue("save/last_folder", str(Path(file_path).parent))

    def geometry(self, name: str) -> QByteArray | None:
        value = self._store.value(f"geometry/{name}")
        return value if isinstance(value, QByteArray) else None

    def save_geometry(self, name: str, value: QByteArray) -> None:
        self._store.setValue(f"geometry/{name}", value)

    def sync(self) -> None:
        self._store.sync()
