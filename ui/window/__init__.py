"""The main window: its menus, views, status bar, welcome page, import and demo cases."""
