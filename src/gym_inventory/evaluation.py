"""Run a policy on an env id over many seeded episodes at once, and summarise.

:func:`evaluate` steps all episodes together through the env's batched model
(``EnvCls.make_model(n_episodes, ...)``, the same code as the single env and the vector
env), so episode ``i`` is bit for bit the episode a single env gives after
``reset(seed=seed + i)``, and the result is deterministic for a seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.utils import seeding

from gym_inventory.core.config import check_int
from gym_inventory.core.fields import (
    BACKLOG,
    DEMAND,
    LOST,
    MONEY_FIELDS,
    ON_HAND,
    PROFIT,
    RECORD_FIELDS,
    SOLD,
    UNMET,
)
from gym_inventory.errors import ConfigError
from gym_inventory.registration import env_arguments, env_class, make_env_model

__all__ = ["EvalResult", "check_built_for", "ci95_half_width", "evaluate"]


def _same(a: Any, b: Any) -> bool:
    # Whether two env argument values configure the same env (9 == 9.0, [0.5, 0.5] ==
    # (0.5, 0.5)); objects without a value equality (demand sources) by a value-like repr.
    if a is b:
        return True
    if isinstance(a, (list, tuple, np.ndarray)) and isinstance(b, (list, tuple, np.ndarray)):
        try:
            return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float)))
        except (TypeError, ValueError):
            return False
    try:
        if bool(a == b):
            return True
    except (TypeError, ValueError):
        pass
    return type(a) is type(b) and repr(a) == repr(b) and " object at 0x" not in repr(a)


def _obs_size(env_id: str, kwargs: dict[str, Any]) -> int:
    return int(make_env_model(env_id, 1, **kwargs)[0].obs.shape[-1])


def check_built_for(policy: Any, env_id: str, env_kwargs: dict[str, Any]) -> None:
    """Refuse to run a policy on an env other than the one it was built for.

    A policy that announces the env it was built for (string ``env_id`` and dict
    ``env_kwargs`` attributes, as every :class:`gym_inventory.policies.Policy` does) must
    be run on that env: same id, and the same value of every env argument once the env's
    defaults are filled in. Plain callables (without those attributes) are not checked.

    Raises
    ------
    ConfigError
        Naming the differing id or arguments with both values, and the observation sizes
        when they differ.
    """
    built_id = getattr(policy, "env_id", None)
    built_kwargs = getattr(policy, "env_kwargs", None)
    if not isinstance(built_id, str) or not isinstance(built_kwargs, dict):
        return
    env = env_arguments(env_id, **env_kwargs)
    if built_id == env_id:
        built = env_arguments(built_id, **built_kwargs)
        diff = [k for k in sorted(env) if not _same(built.get(k), env[k])]
        if not diff:
            return
        mine = "with " + ", ".join(f"{k}={built[k]!r}" for k in diff)
        theirs = "the env has " + ", ".join(f"{k}={env[k]!r}" for k in diff)
    else:
        built = built_kwargs
        mine, theirs = "", f"the env is {env_id}"
    n_built, n_env = _obs_size(built_id, built), _obs_size(env_id, env)
    if n_built != n_env:
        mine += f" (observation of {n_built} entries)"
        theirs += f" ({n_env} entries)"
    mine = " ".join(f"{built_id} {mine}".split())
    raise ConfigError(
        f"{policy!r} was built for another env: built for {mine} but {theirs}; build "
        "(or tune) the policy with the env id and arguments it runs on"
    )


def ci95_half_width(x: Any) -> float:
    """Half-width of the 95 % Student-t confidence interval of the mean of ``x``.

    ``nan`` for fewer than two values.

    Examples
    --------
    >>> round(ci95_half_width([1.0, 2.0, 3.0]), 4)
    2.4841
    """
    from scipy import stats

    x = np.asarray(x, dtype=np.float64)
    if len(x) < 2:
        return float("nan")
    return float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))


@dataclass
class EvalResult:
    """Metrics of :func:`evaluate`; per-period quantities are averaged over the periods
    after warm-up of all episodes.

    Attributes
    ----------
    mean_reward : float
        Mean reward per period.
    ci95 : float
        Half-width of the 95 % confidence interval of ``mean_reward`` (and of
        ``average_cost``): Student t over the episodes' means (NaN for one episode).
    average_cost : float
        Average cost per period, ``-mean_reward`` (for the cost-only benchmark variants
        this is the literature's average cost; for ``Inventory-v0`` it is minus profit).
    mean_return : float
        Mean sum of rewards over the measured periods of an episode.
    fill_rate : float
        Fraction of demand served from stock in the period it occurred.
    stockout_periods : float
        Mean number of measured periods per episode with unmet demand.
    lost_units : float
        Units of demand lost per period (lost-sales mode).
    backlogged_units : float
        Units backlogged at period end, per period (backorder mode).
    average_on_hand : float
        Units on hand at period end, per period.
    costs : dict
        Per-period means of ``revenue``, ``ordering``, ``holding``, ``penalty``,
        ``disposal`` (costs positive).
    episode_means : ndarray
        Mean reward per period of each episode.
    history : ndarray or None
        With ``history=True``: episode 0, shape ``(T + 1, 5)``: on hand, in transit,
        demand, sales, reward (row 0 the starting state); the layout of
        :func:`gym_inventory.plotting.plot_history`.
    """

    env_id: str
    n_episodes: int
    n_periods: int
    warmup: int
    seed: int
    mean_reward: float
    ci95: float
    average_cost: float
    mean_return: float
    fill_rate: float
    stockout_periods: float
    lost_units: float
    backlogged_units: float
    average_on_hand: float
    costs: dict[str, float]
    episode_means: np.ndarray = field(repr=False)
    history: np.ndarray | None = field(default=None, repr=False)


def evaluate(
    policy: Callable[[np.ndarray], Any],
    env_id: str,
    *,
    n_episodes: int,
    max_steps: int | None = None,
    warmup: int = 0,
    seed: int = 0,
    history: bool = False,
    **env_kwargs: Any,
) -> EvalResult:
    """Evaluate ``policy`` on ``n_episodes`` seeded episodes of ``env_id``, all at once.

    Parameters
    ----------
    policy : callable
        Maps a batch of observations ``(n_episodes, obs_dim)`` (float32, as the env
        returns them) to actions ``(n_episodes,)`` (or ``(n_episodes, 1)`` for a Box
        action space), e.g. a :class:`gym_inventory.policies.Policy`. A policy that
        knows the env it was built for (``env_id`` and ``env_kwargs`` attributes) must be
        evaluated on that env (:func:`check_built_for`).
    env_id : str
        A gym-inventory id.
    n_episodes : int
        Episodes, stepped together; episode ``i`` is seeded with ``seed + i``.
    max_steps : int, optional
        Periods per episode (default: the id's ``max_episode_steps``).
    warmup : int
        Periods at the start of every episode left out of the metrics.
    seed : int
        Seed of episode 0.
    history : bool
        Also record episode 0's trajectory (see :class:`EvalResult`).
    **env_kwargs
        The env's keyword arguments.

    Raises
    ------
    ConfigError
        For an invalid argument, a policy built for another env, or a policy output that
        is not one action per episode.
    """
    env_class(env_id)  # a clear error for an unknown id
    spec = gym.spec(env_id)
    n = check_int("n_episodes", n_episodes, low=1)
    T = spec.max_episode_steps if max_steps is None else max_steps
    if T is None:
        raise ConfigError(f"max_steps is required: {env_id} has no max_episode_steps")
    T = check_int("max_steps", T, low=1)
    warmup = check_int("warmup", warmup)
    if warmup >= T:
        raise ConfigError(f"warmup must be < max_steps ({T}), got {warmup}")
    seed = check_int("seed", seed)
    check_built_for(policy, env_id, env_kwargs)
    model, _ = make_env_model(env_id, n, **env_kwargs)
    k = model.kernel
    model.reset([seeding.np_random(seed + i)[0] for i in range(n)])

    totals = np.zeros((n, len(RECORD_FIELDS)))  # each episode's sum of every field
    stockouts = np.zeros(n)
    rows = [] if history else None
    if history:
        rows.append([k.on_hand[0, 0], k.pipeline[0, 0].sum(), 0.0, 0.0, 0.0])
    for t in range(T):
        a = np.asarray(policy(model.obs[:, 0].copy()))
        if a.shape[:1] != (n,):
            raise ConfigError(
                f"policy must return one action per episode, shape ({n}, ...), got {a.shape}"
            )
        a = model.check_actions(a.reshape((n, 1, *a.shape[1:])), (n, 1))
        model.step(*model.decode(a))
        record = k.record[:, 0]
        if history:
            on_hand, in_transit = k.on_hand[0, 0], k.pipeline[0, 0].sum()
            rows.append([on_hand, in_transit, *record[0, [DEMAND, SOLD, PROFIT]]])
        if t >= warmup:
            totals += record
            stockouts += record[:, UNMET] > 0

    m = T - warmup
    per_ep = totals[:, PROFIT] / m
    ci = ci95_half_width(per_ep)
    total = totals.sum(axis=0)
    mean_reward = float(per_ep.mean())
    return EvalResult(
        env_id=env_id,
        n_episodes=n,
        n_periods=m,
        warmup=warmup,
        seed=seed,
        mean_reward=mean_reward,
        ci95=ci,
        average_cost=-mean_reward,
        mean_return=float(totals[:, PROFIT].mean()),
        fill_rate=float(1.0 - total[UNMET] / total[DEMAND]) if total[DEMAND] > 0 else math.nan,
        stockout_periods=float(stockouts.mean()),
        lost_units=float(total[LOST] / (n * m)),
        backlogged_units=float(total[BACKLOG] / (n * m)),
        average_on_hand=float(total[ON_HAND] / (n * m)),
        costs={name: float(total[RECORD_FIELDS.index(name)] / (n * m)) for name in MONEY_FIELDS},
        episode_means=per_ep,
        history=np.array(rows) if history else None,
    )
