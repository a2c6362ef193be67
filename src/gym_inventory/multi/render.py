"""The render modes of ``multi_product_v0``, drawn from the env's last period.

:func:`render` is the env's ``render()``: :func:`ansi_frame`, the text table of
``"ansi"`` (and ``"human"``, which prints it), or :func:`rgb_frame`, the bar chart of
``"rgb_array"``. The frames read the env's model only.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from gymnasium import logger

from gym_inventory.core.calendar import HOURS_PER_DAY, HOURS_PER_WEEK

if TYPE_CHECKING:
    from gym_inventory.multi.multi_product_v0 import MultiProductEnv

__all__ = ["ansi_frame", "header", "render", "rgb_frame"]


def render(env: MultiProductEnv) -> str | np.ndarray | None:
    """The frame of ``env.render_mode`` (``"human"``: print the text table) of an env
    that was reset."""
    if env.render_mode is None:
        logger.warn("render() called without a render_mode; pass render_mode='ansi'")
        return None
    if env.render_mode == "rgb_array":
        return rgb_frame(env)
    text = ansi_frame(env)
    if env.render_mode == "human":
        print(text, end="")
        return None
    return text


def header(env: MultiProductEnv) -> str:
    """One line on the store: the clock, the warehouse, the spend and the team profit."""
    k = env.model.kernel
    hour = (env.time + env.params.start_hour) % HOURS_PER_WEEK
    cap, budget = env.coupling.shared_capacity, env.coupling.budget
    cap_s = f"{cap:g}" if math.isfinite(cap) else "inf"
    budget_s = f"{budget:g}" if math.isfinite(budget) else "inf"
    spent = float(k.order_spend()[0])
    return (
        f"t={env.time:4d} day {hour // HOURS_PER_DAY} {hour % HOURS_PER_DAY:02d}:00"
        f" | warehouse {k.on_hand.sum():g}/{cap_s} | spent {spent:g}/{budget_s}"
        f" | team profit {k.reward.sum():.2f}"
    )


def ansi_frame(env: MultiProductEnv, max_rows: int = 20) -> str:
    """:func:`header`, then one line per product (the first ``max_rows``)."""
    k = env.model.kernel
    on_hand, transit = k.on_hand[0], k.in_transit()[0]
    sold, unmet, disposed = k.last("sold")[0], k.last("unmet")[0], k.last("disposed")[0]
    profit = k.reward[0]
    lines = [
        header(env),
        f"{'agent':>12} {'on hand':>8} {'transit':>8} {'sold':>6} {'unmet':>6} "
        f"{'dispos.':>7} {'profit':>9}",
    ]
    for i in range(min(env.n_products, max_rows)):
        lines.append(
            f"{env.possible_agents[i]:>12} {on_hand[i]:8.0f} {transit[i]:8.0f} "
            f"{sold[i]:6.0f} {unmet[i]:6.0f} {disposed[i]:7.0f} {profit[i]:9.2f}"
        )
    if env.n_products > max_rows:
        lines.append(f"{'...':>12} ({env.n_products - max_rows} more products)")
    return "\n".join(lines) + "\n"


def rgb_frame(env: MultiProductEnv) -> np.ndarray:
    """Each product's stock on hand and in transit as stacked bars, drawn with NumPy
    (:func:`gym_inventory.plotting.draw_stock_bars`; no matplotlib needed)."""
    from gym_inventory.plotting import draw_stock_bars

    k = env.model.kernel
    return draw_stock_bars(k.on_hand[0], k.in_transit()[0])
