"""Exchange with other offices: this office's identity and the offices it trusts."""
