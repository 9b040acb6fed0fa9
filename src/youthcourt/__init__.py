"""Youthcourt: case management for peer-jury youth courts."""
