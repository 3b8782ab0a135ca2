"""The LegalAid desktop client (PySide6). Thin: widgets gather input and call one service."""
