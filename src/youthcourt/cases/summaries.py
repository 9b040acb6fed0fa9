"""What the database keeps on each case for the reports, and how a bulk load catches up.

``youth_case.checked_until`` (the latest completed follow-up check that searched some record
system) and ``youth_case.first_heard_on`` (the night of the first hearing held) are kept by
triggers (migration ``c5a1e9d3f207``), as are ``referral.youth_age`` (the age at referral, migration
``d8b3f1a5c926``) and ``youth_case.referred_on`` (the day its referral came in, migration
``f2a4c6e8b0d1``), and ``youth_case.contacted_until`` (the latest contact logged, migration
``c2e4a6b8d0f3``). A load that skips triggers to write faster (the statewide set's COPY, on
PostgreSQL) recounts every case and referral at the end, in five statements.
"""

from __future__ import annotations

CATCH_UP_SUMMARIES = (
    """UPDATE youth_case SET checked_until = found.checked_until
    FROM (SELECT case_id, max(completed_on) AS checked_until FROM follow_up_check
          WHERE case_id IS NOT NULL AND completed_on IS NOT NULL AND records_searched <> ''
          GROUP BY case_id) AS found
    WHERE found.case_id = youth_case.id""",
    """UPDATE youth_case SET first_heard_on = found.heard_on
    FROM (SELECT h.case_id, min(n.held_on) AS heard_on FROM hearing h
          JOIN courtroom c ON c.id = h.courtroom_id JOIN hearing_night n ON n.id = c.night_id
          WHERE h.outcome = 'held' GROUP BY h.case_id) AS found
    WHERE found.case_id = youth_case.id""",
    """UPDATE referral SET youth_age = CAST(date_part('year', age(referral.received_on, youth.date_of_birth)) AS INTEGER)
    FROM youth WHERE youth.id = referral.youth_id""",
    """UPDATE youth_case SET referred_on = referral.received_on
    FROM referral WHERE referral.id = youth_case.referral_id""",
    """UPDATE youth_case SET contacted_until = found.contacted_until
    FROM (SELECT case_id, max(contacted_on) AS contacted_until FROM contact_log GROUP BY case_id) AS found
    WHERE found.case_id = youth_case.id""",
)
