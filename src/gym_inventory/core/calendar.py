"""Calendar constants of the hourly envs."""

from __future__ import annotations

__all__ = ["HOURS_PER_DAY", "HOURS_PER_WEEK"]

HOURS_PER_DAY = 24
#: Hours in a week: the cycle of the hour-of-week demand profiles and time features.
HOURS_PER_WEEK = 168
