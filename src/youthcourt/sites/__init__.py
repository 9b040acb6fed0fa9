"""Partner sites where youth serve community service and attend workshops, and their placements."""
