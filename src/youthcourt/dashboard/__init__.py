"""The coordinator's dashboard: what needs attention today, drawn from every area."""
