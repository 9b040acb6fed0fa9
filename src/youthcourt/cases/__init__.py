"""Cases: referral to closure, for coordinators."""
