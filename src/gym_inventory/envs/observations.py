"""Observation builders, one per env family, compiled like the period.

Each builder writes the float32 observation of every copy and product from the state
(the kernel's arrays and the model's clock): an observation is a function of the state
only, so building it again never changes it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from gym_inventory.core.calendar import HOURS_PER_DAY, HOURS_PER_WEEK
from gym_inventory.core.fields import DEMAND, SOLD, UNMET

__all__ = [
    "EMA_LONG_HALF_LIFE",
    "EMA_SHORT_HALF_LIFE",
    "STORE_OBS_FIELDS",
    "advance_clock",
    "periodic_observation",
    "store_observation",
    "time_features",
]

#: Observation entries of one product of the hourly store (``Inventory-v0``), in order.
STORE_OBS_FIELDS: tuple[str, ...] = (
    "on_hand",
    "in_transit",
    "backlog",
    "sales",
    "unmet",
    "hour_sin",
    "hour_cos",
    "dow_sin",
    "dow_cos",
    "demand_ema_short",
    "demand_ema_long",
)

#: Half-lives (periods) of the two demand moving averages: ~ the last 4 hours, ~ a week.
EMA_SHORT_HALF_LIFE = 4.0
EMA_LONG_HALF_LIFE = 168.0


def time_features(start_hour: int = 0) -> np.ndarray:
    """Cyclic time features of each hour of the week, shape ``(168, 4)``.

    Columns: ``sin``/``cos`` of the hour of day (period 24) and of the day of week
    (period 7, using the fractional day so the features move every hour), for the hour of
    the week ``(t + start_hour) % 168`` of period ``t``.
    """
    h = (np.arange(HOURS_PER_WEEK) + start_hour) % HOURS_PER_WEEK
    hod = 2 * np.pi * (h % HOURS_PER_DAY) / HOURS_PER_DAY
    dow = 2 * np.pi * (h / HOURS_PER_DAY) / 7.0
    return np.stack([np.sin(hod), np.cos(hod), np.sin(dow), np.cos(dow)], axis=1)


def ema_weights() -> np.ndarray:
    """The smoothing factor of each demand moving average (short, long) per period."""
    return 1.0 - 0.5 ** (1.0 / np.array([EMA_SHORT_HALF_LIFE, EMA_LONG_HALF_LIFE]))


@njit(cache=True)
def advance_clock(time, ema, record, alpha, active):
    """One period of the store's clock and demand moving averages, for active copies.

    ``ema`` is ``(B, P, 2)`` float64; each average moves by ``alpha`` towards the
    period's demand (observed as sales + unmet).
    """
    for b in range(len(time)):
        if not active[b]:
            continue
        time[b] += 1
        for p in range(ema.shape[1]):
            for i in range(2):
                ema[b, p, i] += alpha[i] * (record[b, p, DEMAND] - ema[b, p, i])


@njit(cache=True)
def store_observation(on_hand, backlog, pipeline, record, time, ema, features, out):
    """The hourly store's observation (:data:`STORE_OBS_FIELDS`) into ``out`` (B, P, 11)."""
    for b in range(out.shape[0]):
        hour = time[b] % HOURS_PER_WEEK
        for p in range(out.shape[1]):
            o = out[b, p]
            o[0] = on_hand[b, p]
            o[1] = pipeline[b, p].sum()
            o[2] = backlog[b, p]
            o[3] = record[b, p, SOLD]
            o[4] = record[b, p, UNMET]
            for i in range(4):
                o[5 + i] = features[hour, i]
            o[9] = ema[b, p, 0]
            o[10] = ema[b, p, 1]


@njit(cache=True)
def periodic_observation(on_hand, backlog, pipeline, backlog_mode, out):
    """The benchmark variants' observation into ``out`` (B, 1, max_lead_time + 1):
    on hand (lost sales) or net inventory (backorders), then the pipeline by arrival."""
    for b in range(out.shape[0]):
        level = on_hand[b, 0] - backlog[b, 0] if backlog_mode else on_hand[b, 0]
        out[b, 0, 0] = level
        for k in range(out.shape[2] - 1):
            out[b, 0, 1 + k] = pipeline[b, 0, k]
