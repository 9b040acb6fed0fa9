"""Referrals: the youth, their guardians, the incident, the source agency, documents and screening."""
