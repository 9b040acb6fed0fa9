"""Referral partners: the JSON API that police departments, schools and probation offices use to
send referrals and read their status, and the API keys a program admin issues to them."""
