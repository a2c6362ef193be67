"""Rule baselines for ``multi_product_v0`` and an evaluation helper.

Two rules, both vectorised over products (and over any leading batch axes):

* :class:`BaseStockRule` — every product runs its own base-stock rule and ignores the
  shared warehouse and budget (the kernel's coupling rules then cut what does not fit).
  Its levels are tuned **per product** by :func:`tune_base_stock`, which simulates all
  candidate levels at once on the batched :class:`~gym_inventory.envs.HourlyStoreModel`
  **without** coupling, with common random numbers (every candidate sees the same demand).
* :class:`CoupledBaseStockRule` — the same levels scaled by a common factor (and to fit
  the warehouse), and each period the orders are ranked by urgency (inventory position
  relative to the level) and kept, most urgent first, while they fit the ordering budget
  and the warehouse space not yet committed. :func:`tune_coupled` picks the factor by
  simulating the coupled model, again with common random numbers.

:func:`evaluate` runs any rule on the env over seeded episodes and returns
``evaluate``-style metrics (mean team return with a 95 % confidence interval, fill rate,
stockouts, average stock, disposed units, units cut by the budget).

Run ``python -m gym_inventory.multi.baselines`` to tune both rules on the default env and
print the comparison.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gym_inventory.core.config import check_int
from gym_inventory.core.fields import PROFIT
from gym_inventory.core.period import ordering_cost
from gym_inventory.envs.store import HourlyStoreModel
from gym_inventory.errors import ConfigError
from gym_inventory.evaluation import ci95_half_width
from gym_inventory.multi.multi_product_v0 import MultiProductEnv
from gym_inventory.multi.products import weekly_means

__all__ = [
    "BaseStockRule",
    "CoupledBaseStockRule",
    "compare",
    "evaluate",
    "inventory_position",
    "simulate_profit",
    "tune_base_stock",
    "tune_coupled",
]

Policy = Callable[[np.ndarray], np.ndarray]


def inventory_position(obs: np.ndarray) -> np.ndarray:
    """On hand + in transit - backlog, from observations shaped ``(..., P, D)``."""
    return obs[..., 0] + obs[..., 1] - obs[..., 2]


class BaseStockRule:
    """Order up to a level per product, ignoring the coupling.

    In ``action_mode="quantity"`` a product orders ``min(max_order, S - IP)`` units when
    its inventory position ``IP`` is below its level ``S``; in ``"order_hold_clear"`` it takes
    action 0 (order ``order_quantity``) when ``IP < S`` and action 1 (hold) otherwise.

    Parameters
    ----------
    levels : array_like, shape (..., P)
        Base-stock level :math:`S` of each product (leading axes: batch copies).
    action_mode : {"order_hold_clear", "quantity"}
    order_quantity, max_order : int
        As in the env.
    """

    def __init__(
        self,
        levels: Any,
        action_mode: str = "order_hold_clear",
        order_quantity: int = 30,
        max_order: int = 100,
    ) -> None:
        if action_mode not in ("order_hold_clear", "quantity"):
            raise ConfigError(
                "action_mode must be 'order_hold_clear' or 'quantity' for the base-stock "
                f"rules, got {action_mode!r}"
            )
        self.levels = np.asarray(levels, dtype=np.float64)
        self.action_mode = action_mode
        self.order_quantity = check_int("order_quantity", order_quantity, low=1)
        self.max_order = check_int("max_order", max_order, low=1)

    @classmethod
    def for_env(cls, env: MultiProductEnv, levels: Any) -> BaseStockRule:
        """The rule with ``env``'s action settings."""
        p = env.params
        return cls(levels, p.action_mode, p.order_quantity, p.max_order)

    def orders(self, obs: np.ndarray) -> np.ndarray:
        """Units each product would order, shape ``(..., P)``."""
        gap = self.levels - inventory_position(obs)
        if self.action_mode == "order_hold_clear":
            return np.where(gap > 0, float(self.order_quantity), 0.0)
        return np.clip(np.ceil(gap), 0, self.max_order)

    def to_actions(self, q: np.ndarray) -> np.ndarray:
        if self.action_mode == "order_hold_clear":
            return np.where(q > 0, 0, 1)
        return q.astype(np.int64)

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        """Actions for observations shaped ``(..., P, D)``."""
        return self.to_actions(self.orders(obs))


class CoupledBaseStockRule(BaseStockRule):
    """:class:`BaseStockRule` that plans around the shared capacity and budget.

    Each period the wanted orders are ranked by urgency ``IP / S`` (lowest first) and
    kept in that order while their cumulative cost (``unit_cost`` × units + ``fixed_cost``)
    stays within ``budget`` and their cumulative units stay within the warehouse space not
    yet committed (``shared_capacity`` minus total on hand and in transit); the rest wait.

    Parameters
    ----------
    levels : array_like, shape (..., P)
        Levels (already scaled; see :meth:`for_env`).
    unit_cost, fixed_cost : array_like, shape (P,)
    budget, shared_capacity : float
    action_mode, order_quantity, max_order :
        As :class:`BaseStockRule`.
    """

    def __init__(
        self,
        levels: Any,
        unit_cost: Any,
        fixed_cost: Any,
        budget: float,
        shared_capacity: float,
        action_mode: str = "order_hold_clear",
        order_quantity: int = 30,
        max_order: int = 100,
    ) -> None:
        super().__init__(levels, action_mode, order_quantity, max_order)
        self.unit_cost = np.asarray(unit_cost, dtype=np.float64)
        self.fixed_cost = np.asarray(fixed_cost, dtype=np.float64)
        self.budget = float(budget)
        self.shared_capacity = float(shared_capacity)

    @classmethod
    def for_env(  # type: ignore[override]
        cls, env: MultiProductEnv, levels: Any, scale: float = 1.0
    ) -> CoupledBaseStockRule:
        """Levels ``scale * levels``, scaled down further to fit ``shared_capacity``."""
        lv = scale * np.asarray(levels, dtype=np.float64)
        cap = env.coupling.shared_capacity
        total = lv.sum(axis=-1, keepdims=True)
        if math.isfinite(cap):
            lv = lv * np.minimum(1.0, cap / np.maximum(total, 1e-12))
        p = env.params
        return cls(
            np.floor(lv),
            [c.unit_cost for c in env.configs],
            [c.fixed_cost for c in env.configs],
            env.coupling.budget,
            cap,
            p.action_mode,
            p.order_quantity,
            p.max_order,
        )

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        q = self.orders(obs)
        ip = inventory_position(obs)
        rank = np.argsort(ip / np.maximum(self.levels, 1.0), axis=-1, kind="stable")
        qs = np.take_along_axis(q, rank, axis=-1)
        variable, fixed = ordering_cost(q, self.unit_cost, self.fixed_cost)
        cost = np.take_along_axis(variable + fixed, rank, axis=-1)
        keep = np.cumsum(cost, axis=-1) <= self.budget
        if math.isfinite(self.shared_capacity):
            committed = (obs[..., 0] + obs[..., 1]).sum(axis=-1, keepdims=True)
            keep &= np.cumsum(qs, axis=-1) <= self.shared_capacity - committed
        kept = np.zeros_like(q)
        np.put_along_axis(kept, rank, np.where(keep, qs, 0.0), axis=-1)
        return self.to_actions(kept)


# ------------------------------------------------------------------ simulation
def simulate_profit(
    model: HourlyStoreModel,
    policy: Policy,
    episodes: int,
    horizon: int,
    seed: int,
) -> np.ndarray:
    """Mean profit per episode of each copy and product, shape ``(B, P)``.

    Every copy of ``model`` is reset with the same seed per episode (common random
    numbers): copies differ only by the policy's per-copy parameters. ``policy`` maps the
    model's observations ``(B, P, D)`` to actions ``(B, P)``, checked before each step.
    """
    B, P = model.batch_size, model.n_products
    total = np.zeros((B, P))
    for e in range(episodes):
        rngs = [np.random.default_rng(seed + e) for _ in range(B)]
        model.reset(rngs)
        for _ in range(horizon):
            actions = model.check_actions(policy(model.obs), (B, P))
            order, clearance = model.decode(actions)
            total += model.step(order, clearance)[:, :, PROFIT]
    return total / episodes


def tune_base_stock(
    env: MultiProductEnv,
    hours: Sequence[float] = tuple(range(0, 49, 2)),
    episodes: int = 8,
    seed: int = 10_000,
) -> np.ndarray:
    """Per-product base-stock levels maximising each product's own profit, no coupling.

    Candidate levels are ``h`` hours of each product's mean demand for ``h`` in ``hours``.
    All candidates are simulated at once (one batch copy each) on ``env``'s model without
    the coupling, with common random numbers; each product keeps its best candidate.
    Tuning seeds (``seed`` onwards) should differ from evaluation seeds.

    Returns
    -------
    ndarray, shape (P,)
    """
    means = weekly_means(env.demand)
    grid = np.round(np.asarray(hours, dtype=np.float64)[:, None] * means[None, :])
    model = HourlyStoreModel(env.configs, env.demand, env.params, batch_size=len(grid))
    rule = BaseStockRule.for_env(env, grid)
    profit = simulate_profit(model, rule, episodes, env.max_cycles, seed)
    return grid[np.argmax(profit, axis=0), np.arange(env.n_products)]


def tune_coupled(
    env: MultiProductEnv,
    levels: np.ndarray,
    scales: Sequence[float] = tuple(np.round(np.arange(0.5, 1.51, 0.1), 2)),
    episodes: int = 8,
    seed: int = 10_000,
) -> float:
    """The level scale of :class:`CoupledBaseStockRule` maximising the team profit.

    Simulates every scale at once on ``env``'s model **with** its coupling (one batch
    copy per scale, common random numbers).
    """
    grid = np.asarray(scales, dtype=np.float64)
    model = HourlyStoreModel(
        env.configs, env.demand, env.params, batch_size=len(grid), coupling=env.coupling
    )
    rule = CoupledBaseStockRule.for_env(env, levels[None, :], scale=grid[:, None])
    profit = simulate_profit(model, rule, episodes, env.max_cycles, seed).sum(axis=1)
    return float(grid[int(np.argmax(profit))])


def evaluate(env: MultiProductEnv, policy: Policy, episodes: int = 30, seed: int = 0) -> dict:
    """Run ``policy`` on ``env`` (batched path) for ``episodes`` seeded episodes.

    Episode ``e`` uses seed ``seed + e``. Returns plain floats: ``mean_return`` (team
    profit per episode) and ``ci95`` (half-width of its 95 % t-interval), ``fill_rate``
    (demand served at once / demand), ``stockouts`` (product-periods with unmet demand,
    per episode), ``avg_stock`` (total units on hand, per period), ``disposed`` (units
    rejected by the capacity rules, per episode), ``budget_cut`` (units the rule asked
    for but the budget rule removed, per episode) and ``returns`` (the list of episode
    returns, for paired comparisons).
    """
    k = env.model.kernel
    returns = []
    served = demand = stockouts = stock = disposed = cut = 0.0
    steps = 0
    for e in range(episodes):
        obs = env.reset_arrays(seed=seed + e)
        ret = 0.0
        while env.agents:
            obs, _, _, _ = env.step_arrays(policy(obs))
            unmet = k.last("unmet")
            ret += float(k.reward.sum())
            demand += float(k.last("demand").sum())
            served += float((k.last("demand") - unmet).sum())
            stockouts += float((unmet > 0).sum())
            stock += float(k.on_hand.sum())
            disposed += float(k.last("disposed").sum())
            cut += float(env.requested.sum() - k.last("ordered").sum())
            steps += 1
        returns.append(ret)
    r = np.array(returns)
    return {
        "mean_return": float(r.mean()),
        "ci95": ci95_half_width(r),
        "fill_rate": served / demand if demand else math.nan,
        "stockouts": stockouts / episodes,
        "avg_stock": stock / steps,
        "disposed": disposed / episodes,
        "budget_cut": cut / episodes,
        "episodes": float(episodes),
        "returns": r.tolist(),
    }


def compare(env_kwargs: dict[str, Any] | None = None, episodes: int = 30) -> dict[str, dict]:
    """Tune both rules on ``parallel_env(**env_kwargs)`` and evaluate them on seeds
    ``0 .. episodes - 1`` (tuning uses seeds from 10,000)."""
    env = MultiProductEnv(**(env_kwargs or {}))
    levels = tune_base_stock(env)
    scale = tune_coupled(env, levels)
    out = {
        "independent base-stock": evaluate(env, BaseStockRule.for_env(env, levels), episodes),
        f"coupling-aware (scale {scale:g})": evaluate(
            env, CoupledBaseStockRule.for_env(env, levels, scale), episodes
        ),
    }
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Tune and compare the multi_product_v0 rule baselines."
    )
    parser.add_argument("--products", type=int, default=10)
    parser.add_argument("--episodes", type=int, default=30)
    parser.add_argument(
        "--action-mode", default="order_hold_clear", choices=["order_hold_clear", "quantity"]
    )
    args = parser.parse_args(argv)
    kwargs = dict(n_products=args.products, action_mode=args.action_mode)
    print(f"multi_product_v0 {kwargs}, {args.episodes} evaluation episodes (seeds 0..)")
    print(
        f"{'rule':>28} {'team return':>22} {'fill':>6} {'stockouts':>9} {'avg stock':>9} "
        f"{'disposed':>8} {'budget cut':>10}"
    )
    results = compare(kwargs, args.episodes)
    for name, m in results.items():
        print(
            f"{name:>28} {m['mean_return']:12.1f} ± {m['ci95']:7.1f} {m['fill_rate']:6.3f} "
            f"{m['stockouts']:9.1f} {m['avg_stock']:9.1f} {m['disposed']:8.1f} "
            f"{m['budget_cut']:10.1f}"
        )
    (a, ma), (b, mb) = results.items()
    diff = np.subtract(mb["returns"], ma["returns"])
    half = ci95_half_width(diff)
    print(f"paired difference ({b} - {a}): {diff.mean():.1f} ± {half:.1f} (95 % CI, same seeds)")


if __name__ == "__main__":
    main()
