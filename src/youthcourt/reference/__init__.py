"""Each program's reference data: source agencies, offenses, the sanction grid, factors and policy."""
