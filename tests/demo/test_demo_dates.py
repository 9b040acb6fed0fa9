"""The demo program's records could have been typed into the app: no date the app would refuse."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import func, select

from youthcourt.referrals.models import Referral


@pytest.mark.demo
async def test_no_first_family_contact_is_dated_after_today(db):
    latest = await db.scalar(select(func.max(Referral.family_contacted_on)))
    assert latest is not None and latest <= datetime.date.today()
