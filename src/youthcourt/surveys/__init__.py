"""Surveys from the people served: exit surveys answered through a one-time private link."""
