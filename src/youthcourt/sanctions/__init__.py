"""Dispositions, their sanctions checked against the grid, progress, extensions and overdue work."""
