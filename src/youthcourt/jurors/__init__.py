"""The juror program: records, bookings, attendance, credits and the juror portal."""
