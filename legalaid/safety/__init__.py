"""Keeping the data safe: encryption keys, backups and restore, spreadsheet import and export."""
