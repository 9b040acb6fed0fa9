"""Importing a program's records from spreadsheets: past cases and the juror roster."""
