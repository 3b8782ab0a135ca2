"""What every part of the client uses: background tasks, widgets, screens, preferences, language."""
