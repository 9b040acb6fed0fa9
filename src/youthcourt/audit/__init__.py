"""The audit trail: who viewed, changed or exported which record, when, from where, with what outcome."""
