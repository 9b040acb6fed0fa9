"""Users, their roles in programs, passwords, sign-in and sessions."""
