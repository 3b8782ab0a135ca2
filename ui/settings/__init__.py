"""The settings dialog and the first start's questions about the organisation."""
