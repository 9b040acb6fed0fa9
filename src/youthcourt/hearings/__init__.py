"""Hearing nights, courtrooms, dockets, hearing notices and the jury's investigation record."""
