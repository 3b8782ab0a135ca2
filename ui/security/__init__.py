"""Keeping the data safe: the lock, the passphrase dialogs, opening a home, backups and restore."""
