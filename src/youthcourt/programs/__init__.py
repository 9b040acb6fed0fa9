"""Youth court programs, the roles people hold in them, and the scoping of every query."""
