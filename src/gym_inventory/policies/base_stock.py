"""Base-stock (order-up-to) policies: :class:`BaseStock` and :class:`CappedBaseStock`."""

from __future__ import annotations

from typing import Any

import numpy as np

from gym_inventory.core.config import check_int
from gym_inventory.policies.base import EnvView, Policy
from gym_inventory.policies.tuning import SearchSpace

__all__ = ["BaseStock", "CappedBaseStock"]


class BaseStock(Policy):
    r"""Order up to :math:`S` on the inventory position: order :math:`(S - IP)^+`.

    :math:`IP` is on hand + in transit - backlog. Optimal for backorders without fixed
    cost, with :math:`S` the :math:`p/(p+h)` quantile of demand over :math:`L+1` periods.

    Examples
    --------
    >>> import numpy as np
    >>> pi = BaseStock(20, env_id="InventoryLostSales-v0", lead_time=2)
    >>> pi(np.array([5.0, 4.0, 3.0]))  # position 12: order 8
    8
    """

    param_names = ("S",)

    def __init__(self, S: int, *, env_id: str = "InventoryLostSales-v0", **env_kwargs: Any) -> None:
        super().__init__(env_id, **env_kwargs)
        self.S = check_int("S", S)

    def order(self, obs: np.ndarray) -> np.ndarray:
        return np.maximum(self.S - self.env.position(obs), 0.0)

    def position_bound(self) -> int | None:
        return self.S

    @classmethod
    def search_space(cls, view: EnvView) -> SearchSpace:
        return SearchSpace((view.base_level(),), (0,), (view.level_cap(),))


class CappedBaseStock(Policy):
    r"""Base stock with a cap on the order: order :math:`\min((S - IP)^+, r)`.

    Known to be near-optimal for lost sales with long lead times (Xin 2021).
    """

    param_names = ("S", "r")

    def __init__(
        self, S: int, r: int, *, env_id: str = "InventoryLostSales-v0", **env_kwargs: Any
    ) -> None:
        super().__init__(env_id, **env_kwargs)
        self.S = check_int("S", S)
        self.r = check_int("r", r, low=1)

    def order(self, obs: np.ndarray) -> np.ndarray:
        return np.minimum(np.maximum(self.S - self.env.position(obs), 0.0), self.r)

    def position_bound(self) -> int | None:
        return self.S

    @classmethod
    def search_space(cls, view: EnvView) -> SearchSpace:
        S0 = view.base_level()
        r0 = max(1, round(2 * view.mean_demand()))
        return SearchSpace(
            (S0, min(r0, view.max_order)), (0, 1), (view.level_cap(), view.max_order)
        )

    @classmethod
    def exact_search(cls, view: EnvView) -> tuple[tuple[int, int], int] | None:
        """Lost sales with :math:`L \\ge 1`: every :math:`(S, r)` whose lower bound is below
        the best cost found, from the local search's result; the bounds and why they hold
        are in :mod:`gym_inventory.policies.family_search`. ``None`` (local search only)
        elsewhere, or where the bounds do not close."""
        from gym_inventory.policies import family_search as fs

        if not fs.lost_sales_L(view):
            return None
        ev = fs.ChainEvaluator(view)
        start, value, n = fs.incumbent(cls, view, ev)
        found = fs.best_capped(
            view, lambda S, r: cls(S, r, env_id=view.env_id, **view.env_kwargs), start, value
        )
        return None if found is None else (found[0], n + found[2])
