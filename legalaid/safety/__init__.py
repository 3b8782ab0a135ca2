"""Keeping the data safe: encryption keys, backups and restore."""
