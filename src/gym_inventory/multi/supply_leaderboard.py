"""Leaderboard evaluator of ``supply_chain_v0`` (registered when that module is imported).

Entries with ``env_id="supply_chain_v0"`` are scored through the batched
:class:`~gym_inventory.envs.supply.SupplyChainModel` by
:func:`~gym_inventory.policies.echelon.simulate_chain`: episode ``i`` is the chain built
from the entry's ``env_kwargs`` (a ``preset`` and any overrides, as ``parallel_env``
takes them) seeded ``seed + i``, exactly what ``env.reset(seed=seed + i)`` starts. A
policy maps the per-stage observations of a batch of copies ``(B, N, 4 + L)`` (float32,
stage 0 the retailer first) to orders ``(B, N)``: integers in the env's action space
``{0, ..., max_order}``, checked as ``env.step`` checks them (an
:class:`~gym_inventory.errors.ActionError` otherwise). The score is the team's: minus the
chain's total cost per period (``score="cost"``), whatever ``reward_mode`` says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gym_inventory.leaderboard.scoring import (
    Evaluator,
    array_env_fingerprint,
    register_evaluator,
)
from gym_inventory.policies.echelon import simulate_chain

__all__ = ["EVALUATOR", "chain_episode_means", "chain_fingerprint"]

#: Steps of the trajectory hashed by :func:`chain_fingerprint`.
FINGERPRINT_STEPS = 200


def _env(env_kwargs: dict[str, Any]) -> Any:
    from gym_inventory.multi.supply_chain_v0 import parallel_env

    return parallel_env(**env_kwargs)


def chain_episode_means(
    policy: Callable[[np.ndarray], Any],
    env_kwargs: dict[str, Any],
    *,
    n_episodes: int,
    seed: int,
    max_steps: int | None = None,
    warmup: int = 0,
) -> np.ndarray:
    """Mean team reward per period (minus the chain's cost) of each of ``n_episodes``
    episodes, episode ``i`` seeded ``seed + i``, ``max_steps`` periods (``None``: the
    env's ``max_cycles``), the first ``warmup`` not counted."""
    env = _env(env_kwargs)
    periods = env.max_cycles if max_steps is None else max_steps
    actions, shape = env.model.actions, (int(n_episodes), env.n_stages)

    def checked(obs: np.ndarray) -> np.ndarray:
        return actions.check(policy(obs), shape)

    cost = simulate_chain(
        checked, env.config, batch=n_episodes, periods=periods, warmup=warmup, seed=seed
    )
    return -cost


def chain_fingerprint(env_kwargs: dict[str, Any], steps: int = FINGERPRINT_STEPS) -> str:
    """SHA-256 of ``steps`` steps of the env from ``reset(seed=0)`` with actions drawn
    uniformly from the action space by ``numpy.random.default_rng(0)`` (observations and
    rewards hashed; a new episode, unseeded, when one ends)."""
    env = _env(env_kwargs)
    high = env.action_space(env.possible_agents[0]).n
    return array_env_fingerprint(env, lambda rng: rng.integers(0, high, size=env.n_stages), steps)


#: The evaluator registered for ``"supply_chain_v0"``.
EVALUATOR = Evaluator(
    episode_means=chain_episode_means, fingerprint=chain_fingerprint, score="cost"
)
register_evaluator("supply_chain_v0", EVALUATOR)
