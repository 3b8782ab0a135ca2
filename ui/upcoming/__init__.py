"""The Upcoming hearings view: hearings grouped by date and crossing, with batch reminders."""
