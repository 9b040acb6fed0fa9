"""Writing to a youth's family: in the language its guardians read best."""

from __future__ import annotations

from collections.abc import Sequence

from youthcourt.referrals.models import Guardian
from youthcourt.web.i18n import DEFAULT_LANGUAGE, known_language


def family_language(guardians: Sequence[Guardian]) -> str:
    """The language of letters to the family: the first guardian's (the one listed first is the
    main contact), else English."""
    for guardian in guardians:
        return known_language(guardian.preferred_language) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE
