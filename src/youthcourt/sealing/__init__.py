"""Sealing and expungement of closed cases."""
