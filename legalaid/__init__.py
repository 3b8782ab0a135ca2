"""LegalAid core: case files, hearings and documents, with no Qt import anywhere below here."""

__version__ = "0.1.0"
