"""The case editor window: household and people, hearings, risk, history, documents."""
