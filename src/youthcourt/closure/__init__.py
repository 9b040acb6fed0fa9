"""Closing a case (successful, unsuccessful or withdrawn), letters to the source, and follow-up checks."""
