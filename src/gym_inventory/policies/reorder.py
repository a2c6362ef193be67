"""Reorder-point policies: :class:`SS` (order up to S) and :class:`SQ` (order multiples of Q)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gym_inventory.core.config import check_int
from gym_inventory.errors import ConfigError
from gym_inventory.policies import family_search as fs
from gym_inventory.policies.base import EnvView, Policy
from gym_inventory.policies.renewal import best_s_Q, best_s_S, renewal_model
from gym_inventory.policies.tuning import SearchSpace

__all__ = ["SQ", "SS"]


def _eoq(view: EnvView) -> int:
    # Economic order quantity sqrt(2 K mean / h), at least the mean demand.
    cfg = view.config
    mean = view.mean_demand()
    h = max(cfg.holding_cost, 1e-9)
    return max(1, round(max(mean, math.sqrt(2 * cfg.fixed_cost * mean / h))))


def _exact_lost(cls, view: EnvView, kind: str) -> tuple[tuple[int, int], int] | None:
    ev = fs.ChainEvaluator(view)
    start, value, n = fs.incumbent(cls, view, ev)
    found = fs.best_reorder(
        view, lambda a, b: cls(a, b, env_id=view.env_id, **view.env_kwargs), start, value, kind
    )
    return None if found is None else (found[0], n + found[2])


class SS(Policy):
    r"""The :math:`(s, S)` policy: when the inventory position :math:`IP \le s`, order
    up to :math:`S`; otherwise order nothing. Requires :math:`s < S`.

    Optimal for backorders with a fixed ordering cost (Scarf 1960).

    Examples
    --------
    >>> import numpy as np
    >>> pi = SS(5, 15, env_id="InventoryBackorder-v0", lead_time=0)
    >>> pi(np.array([5.0])), pi(np.array([6.0]))
    (10, 0)
    """

    param_names = ("s", "S")

    def __init__(
        self, s: int, S: int, *, env_id: str = "InventoryLostSales-v0", **env_kwargs: Any
    ) -> None:
        super().__init__(env_id, **env_kwargs)
        self.s = check_int("s", s, low=None)
        self.S = check_int("S", S)
        if self.s >= self.S:
            raise ConfigError(f"s must be < S, got s={s}, S={S}")

    def order(self, obs: np.ndarray) -> np.ndarray:
        ip = self.env.position(obs)
        return np.where(ip <= self.s, self.S - ip, 0.0)

    def position_bound(self) -> int | None:
        return self.S

    @classmethod
    def search_space(cls, view: EnvView) -> SearchSpace:
        S0 = view.base_level()
        q = _eoq(view) if view.config.fixed_cost > 0 else 1
        hi = view.level_cap()
        # searched as (s, S - s) so that moving s moves S along; S >= 0
        return SearchSpace(
            (S0 - 1, q),
            (-hi, 1),
            (hi, hi),
            valid=lambda x: x[0] + x[1] >= 0,
            decode=lambda x: (x[0], x[0] + x[1]),
        )

    @classmethod
    def exact_search(cls, view: EnvView) -> tuple[tuple[int, int], int] | None:
        """Every :math:`(s, S)` inside Zheng & Federgruen's (1991) bounds, by the renewal
        formula (backorders with any fixed lead time; lost sales with :math:`L = 0`); lost
        sales with :math:`L \\ge 1`: every :math:`(s, S)` whose lower bound is below the best
        cost found, on the exact chain (:mod:`gym_inventory.policies.family_search`)."""
        if fs.lost_sales_L(view):
            return _exact_lost(cls, view, "SS")
        model = renewal_model(view)
        found = None if model is None else best_s_S(model)
        return None if found is None else ((found[0], found[1]), found[3])


class SQ(Policy):
    r"""The :math:`(s, Q)` policy: when :math:`IP \le s`, order the smallest multiple
    :math:`nQ` that lifts the position above :math:`s`; otherwise nothing.

    In ``Inventory-v0``'s ``"order_hold_clear"`` action mode the env orders ``order_quantity`` per
    order action, so there :math:`Q` must equal ``order_quantity`` (and ``tune`` only
    searches :math:`s`).
    """

    param_names = ("s", "Q")

    def __init__(
        self, s: int, Q: int, *, env_id: str = "InventoryLostSales-v0", **env_kwargs: Any
    ) -> None:
        super().__init__(env_id, **env_kwargs)
        self.s = check_int("s", s, low=None)
        self.Q = check_int("Q", Q, low=1)
        if self.env.action_mode == "order_hold_clear" and self.Q != self.env.order_quantity:
            raise ConfigError(
                f"Q must equal order_quantity ({self.env.order_quantity}) in "
                f"action_mode='order_hold_clear', got {Q}"
            )

    def order(self, obs: np.ndarray) -> np.ndarray:
        ip = self.env.position(obs)
        n = np.floor((self.s - ip) / self.Q) + 1
        return np.where(ip <= self.s, n * self.Q, 0.0)

    def position_bound(self) -> int | None:
        return max(self.s + self.Q, 0)

    @classmethod
    def search_space(cls, view: EnvView) -> SearchSpace:
        S0 = view.base_level()
        hi = view.level_cap()
        if view.action_mode == "order_hold_clear":
            Q = view.order_quantity
            return SearchSpace((S0, Q), (-hi, Q), (hi, Q))
        Q0 = min(_eoq(view), view.max_order)
        return SearchSpace((S0 - 1, Q0), (-hi, 1), (hi, view.max_order))

    @classmethod
    def exact_search(cls, view: EnvView) -> tuple[tuple[int, int], int] | None:
        """Backorders: every :math:`Q` and the best :math:`s` for it, by the uniform
        distribution of the position after ordering (stops once :math:`Q` provably
        cannot improve). Lost sales with :math:`L \\ge 1`: every :math:`(s, Q)` whose lower
        bound is below the best cost found, on the exact chain
        (:mod:`gym_inventory.policies.family_search`)."""
        if view.action_mode == "order_hold_clear":
            return None
        if fs.lost_sales_L(view):
            return _exact_lost(cls, view, "SQ")
        model = renewal_model(view)
        found = None if model is None else best_s_Q(model, view.max_order)
        return None if found is None else ((found[0], found[1]), found[3])
