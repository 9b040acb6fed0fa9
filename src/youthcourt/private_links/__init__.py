"""Private links: an address that lets someone without an account do one thing (see ``links.py``)."""
