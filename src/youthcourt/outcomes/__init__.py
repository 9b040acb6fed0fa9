"""Outcomes: follow-up checks of records after closure, and the new offenses they find."""
