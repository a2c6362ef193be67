"""Parameter search for the rule policies: the objective (exact or simulated) and an
integer pattern search."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from gym_inventory.errors import ConfigError
from gym_inventory.evaluation import evaluate

__all__ = ["SearchSpace", "exact_supported", "local_search", "make_objective"]


@dataclass(frozen=True)
class SearchSpace:
    """Integer box to search: start point, bounds, and an optional feasibility test."""

    start: tuple[int, ...]
    low: tuple[int, ...]
    high: tuple[int, ...]
    valid: Callable[[tuple[int, ...]], bool] | None = None
    #: Maps a search point to the policy's parameters (default: the point itself).
    decode: Callable[[tuple[int, ...]], tuple[int, ...]] | None = None

    def params(self, x: tuple[int, ...]) -> tuple[int, ...]:
        return x if self.decode is None else self.decode(x)


def exact_supported(view) -> bool:
    """Whether an env configuration has a finite exact Markov chain (see ``markov``)."""
    cfg = view.config
    if view.family != "periodic" or cfg.stochastic_lead_time or math.isfinite(cfg.capacity):
        return False
    if not view.demand.stationary:
        return False
    try:
        view.demand.distribution(0)
    except NotImplementedError:
        return False
    return True


#: Largest state count at which ``tune(method="auto")`` evaluates candidates exactly.
EXACT_MAX_STATES = 500_000


def exact_is_small(view) -> bool:
    """Whether the exact chain of a configuration is small enough to evaluate many
    candidates on it (at most :data:`EXACT_MAX_STATES` states at the first truncation)."""
    from gym_inventory.policies.optimal import initial_max_position

    M = initial_max_position(view)
    dim = 1 if view.config.backlog else max(view.lead_time, 1)
    return math.comb(M + dim, dim) <= EXACT_MAX_STATES


def simulation_settings(view, n_episodes=None, max_steps=None, warmup=None) -> dict:
    """Defaults of simulation-based tuning: 64 episodes of the id's length; the
    benchmark variants skip a 100-period warm-up."""
    T = max_steps or view.max_episode_steps or 1000
    if warmup is None:
        warmup = min(100, T // 10) if view.family == "periodic" else 0
    return dict(n_episodes=n_episodes or 64, max_steps=T, warmup=warmup)


def make_objective(
    view,
    method: str,
    *,
    exact_ok: bool = True,
    seed: int = 0,
    n_episodes: int | None = None,
    max_steps: int | None = None,
    warmup: int | None = None,
) -> tuple[Callable, str]:
    """Return ``(cost(policy) -> float, method)``.

    ``method="auto"`` is exact Markov-chain evaluation when the configuration allows it,
    the family's position is bounded (``exact_ok``) and the chain is small
    (:func:`exact_is_small`), else simulation with common random numbers: every
    candidate sees the same seeded demand (demand never depends on the actions), so
    differences between candidates are not noise between seeds.
    """
    if method not in ("auto", "exact", "simulation"):
        raise ConfigError(f"method must be 'auto', 'exact' or 'simulation', got {method!r}")
    can_exact = exact_ok and exact_supported(view)
    if method == "exact" and not can_exact:
        raise ConfigError(f"exact evaluation is not available for this policy on {view.env_id}")
    if method == "exact" or (method == "auto" and can_exact and exact_is_small(view)):
        from gym_inventory.policies.optimal import exact_average_cost

        return (lambda policy: exact_average_cost(policy).average_cost), "exact"
    sim = simulation_settings(view, n_episodes, max_steps, warmup)

    def cost(policy) -> float:
        return evaluate(policy, view.env_id, seed=seed, **sim, **view.env_kwargs).average_cost

    return cost, "simulation"


def local_search(
    f: Callable[[tuple[int, ...]], float], space: SearchSpace, steps: Sequence[int] | None = None
) -> tuple[tuple[int, ...], float, int]:
    """Pattern search on integers: move along each coordinate by the current step while it
    improves, halve the step, down to 1. Returns ``(best, f(best), evaluations)``.

    Exact for one-dimensional convex (unimodal) costs, such as the base-stock level;
    a local optimum in general.
    """
    cache: dict[tuple[int, ...], float] = {}

    def F(x: tuple[int, ...]) -> float:
        if x not in cache:
            cache[x] = f(x)
        return cache[x]

    def ok(x: tuple[int, ...]) -> bool:
        inside = all(lo <= v <= hi for v, lo, hi in zip(x, space.low, space.high, strict=True))
        return inside and (space.valid is None or space.valid(x))

    best = tuple(int(v) for v in space.start)
    if not ok(best):
        raise ConfigError(f"search start {best} is not feasible")
    if steps is None:
        span = max((hi - lo for lo, hi in zip(space.low, space.high, strict=True)), default=1)
        top = 2 ** max(0, int(np.log2(max(1, span // 16))))
        steps = [top >> i for i in range(top.bit_length())]
    for step in steps:
        improved = True
        while improved:
            improved = False
            for i in range(len(best)):
                for d in (step, -step):
                    cand = (*best[:i], best[i] + d, *best[i + 1 :])
                    if ok(cand) and F(cand) < F(best) - 1e-12:
                        best, improved = cand, True
    return best, F(best), len(cache)
