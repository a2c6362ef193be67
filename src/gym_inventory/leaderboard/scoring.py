"""Score policies the one way every leaderboard entry is scored, and build the entry.

:func:`score_policies` evaluates one policy per training seed on the same held-out
episodes (episode ``i`` seeded ``eval_seed + i``, through the env's batched model) and
returns the ``eval`` object of an entry; :func:`make_entry` adds the metadata (versions,
commit, hardware, the env's fingerprint, the gap to a known optimum). Env ids that are not
single-agent Gymnasium ids (the PettingZoo envs) plug in with :func:`register_evaluator`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib
import os
import platform
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gym_inventory.errors import ConfigError
from gym_inventory.evaluation import ci95_half_width, evaluate
from gym_inventory.leaderboard.entry import Entry

__all__ = [
    "Evaluator",
    "array_env_fingerprint",
    "env_fingerprint",
    "evaluator_ids",
    "git_commit",
    "hardware",
    "known_optimum",
    "make_entry",
    "register_evaluator",
    "score_policies",
]

#: Ids whose reward is minus a cost (the others' reward is a profit).
_PROFIT_IDS = {"Inventory-v0"}


@dataclass(frozen=True)
class Evaluator:
    """How entries of one env are scored.

    ``episode_means(policy, env_kwargs, n_episodes, seed, max_steps, warmup)`` returns the
    mean reward per period of each episode; ``fingerprint(env_kwargs)`` a hex digest of a
    fixed trajectory; ``score`` is ``"cost"`` (reward = -cost) or ``"profit"``.
    """

    episode_means: Callable[..., np.ndarray]
    fingerprint: Callable[[dict[str, Any]], str]
    score: str = "cost"


_EVALUATORS: dict[str, Evaluator] = {}
#: Envs whose evaluator a module registers when imported (lazily: optional extras).
_EVALUATOR_MODULES = {
    "multi_product_v0": "gym_inventory.multi.leaderboard",
    "supply_chain_v0": "gym_inventory.multi.supply_chain_v0",
}


def register_evaluator(env_id: str, evaluator: Evaluator) -> None:
    """Score entries of ``env_id`` (e.g. ``"multi_product_v0"``) with ``evaluator``."""
    _EVALUATORS[env_id] = evaluator


def evaluator_ids() -> list[str]:
    """The env ids scored by a registered :class:`Evaluator` (not Gymnasium ids), or by
    one that a gym-inventory module registers when first needed (``multi_product_v0``)."""
    return sorted(set(_EVALUATORS) | set(_EVALUATOR_MODULES))


def _gym_episode_means(
    policy: Any, env_id: str, env_kwargs: dict[str, Any], **spec: Any
) -> np.ndarray:
    return evaluate(policy, env_id, **spec, **env_kwargs).episode_means


def array_env_fingerprint(
    env: Any, sample: Callable[[np.random.Generator], np.ndarray], steps: int = 200
) -> str:
    """SHA-256 of a fixed trajectory of a PettingZoo env's batched path.

    ``env.reset_arrays(seed=0)``, then ``steps`` calls of ``env.step_arrays(sample(rng))``
    with ``rng = numpy.random.default_rng(0)``; the observations and rewards are hashed
    (as float64), and a new, unseeded episode starts when one is truncated. The evaluators
    of the multi-agent envs (``multi_product_v0``, ``supply_chain_v0``) use it.
    """
    rng = np.random.default_rng(0)
    digest = hashlib.sha256()
    obs = env.reset_arrays(seed=0)
    digest.update(np.asarray(obs, dtype=np.float64).tobytes())
    for _ in range(steps):
        obs, rewards, _, truncated = env.step_arrays(sample(rng))
        digest.update(np.asarray(obs, dtype=np.float64).tobytes())
        digest.update(np.asarray(rewards, dtype=np.float64).tobytes())
        if truncated:
            env.reset_arrays()
    return digest.hexdigest()


def _gym_fingerprint(env_id: str, env_kwargs: dict[str, Any], steps: int = 200) -> str:
    import gymnasium as gym

    env = gym.make(env_id, **env_kwargs)
    env.action_space.seed(0)
    digest = hashlib.sha256()
    obs, _ = env.reset(seed=0)
    digest.update(np.asarray(obs, dtype=np.float64).tobytes())
    for _ in range(steps):
        obs, reward, terminated, truncated, _ = env.step(env.action_space.sample())
        digest.update(np.asarray(obs, dtype=np.float64).tobytes())
        digest.update(np.float64(reward).tobytes())
        if terminated or truncated:
            obs, _ = env.reset()
    env.close()
    return digest.hexdigest()


def _evaluator(env_id: str) -> Evaluator:
    if env_id not in _EVALUATORS and env_id in _EVALUATOR_MODULES:
        importlib.import_module(_EVALUATOR_MODULES[env_id])  # registers it
    if env_id in _EVALUATORS:
        return _EVALUATORS[env_id]
    import gymnasium as gym

    import gym_inventory  # noqa: F401  (registers the ids)

    if env_id not in gym.registry:
        raise ConfigError(
            f"env_id {env_id!r} is neither a registered Gymnasium id nor one of "
            f"{sorted(_EVALUATORS)}"
        )
    return Evaluator(
        episode_means=lambda policy, env_kwargs, **spec: _gym_episode_means(
            policy, env_id, env_kwargs, **spec
        ),
        fingerprint=lambda env_kwargs: _gym_fingerprint(env_id, env_kwargs),
        score="profit" if env_id in _PROFIT_IDS else "cost",
    )


def env_fingerprint(env_id: str, env_kwargs: Mapping[str, Any]) -> str:
    """SHA-256 of a fixed trajectory (seed 0, sampled actions): changes when dynamics do."""
    return _evaluator(env_id).fingerprint(dict(env_kwargs))


def score_policies(
    policies: Mapping[int, Callable[[np.ndarray], Any]],
    env_id: str,
    env_kwargs: Mapping[str, Any] | None = None,
    *,
    episodes: int,
    seed: int,
    max_steps: int | None = None,
    warmup: int = 0,
) -> dict[str, Any]:
    """The ``eval`` object of an entry: each seed's policy on the same held-out episodes.

    Parameters
    ----------
    policies : mapping
        Training seed -> policy (batch of observations -> actions), in entry order.
    env_id, env_kwargs
        The env scored on.
    episodes, seed, max_steps, warmup
        Episodes ``seed, ..., seed + episodes - 1`` of ``max_steps`` periods (the
        registered length when ``None``), the first ``warmup`` not counted.
    """
    ev = _evaluator(env_id)
    kwargs = dict(env_kwargs or {})
    spec = dict(n_episodes=episodes, seed=seed, max_steps=max_steps, warmup=warmup)
    per_seed = []
    for train_seed, policy in policies.items():
        means = np.asarray(ev.episode_means(policy, kwargs, **spec), dtype=np.float64)
        per_seed.append(
            {
                "seed": int(train_seed),
                "mean_reward": float(means.mean()),
                "ci95": ci95_half_width(means),
            }
        )
    seed_means = np.array([p["mean_reward"] for p in per_seed])
    ci = ci95_half_width(seed_means) if len(per_seed) > 1 else per_seed[0]["ci95"]
    return {
        "episodes": int(episodes),
        "seed": int(seed),
        "max_steps": max_steps,
        "warmup": int(warmup),
        "deterministic": True,
        "mean_reward": float(seed_means.mean()),
        "ci95": float(ci),
        "per_seed": per_seed,
    }


def known_optimum(env_id: str, env_kwargs: Mapping[str, Any]) -> float | None:
    """The exact optimal average cost of a benchmark variant, or ``None`` when unknown."""
    if env_id not in ("InventoryLostSales-v0", "InventoryBackorder-v0"):
        return None
    from gym_inventory.policies import solve_optimal

    try:
        return float(solve_optimal(env_id, **env_kwargs).average_cost)
    except ConfigError:
        return None


#: Changes under the results directory do not make a commit "dirty": regenerating one
#: committed entry in place must not mark the next entry's commit.
_RESULTS = ":(exclude)baselines/results"


def git_commit() -> str:
    """``git rev-parse HEAD`` of the working directory (``+dirty`` when it has changes
    outside ``baselines/results``)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", _RESULTS],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def hardware() -> str:
    """The machine, e.g. ``"AMD EPYC 7B13, 2 cores, Linux x86_64, Python 3.11.7"``."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    text = f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
    text += f"Python {platform.python_version()}"
    try:
        import sys

        if "torch" in sys.modules:
            text += f", torch threads {sys.modules['torch'].get_num_threads()}"
    except AttributeError:  # pragma: no cover
        pass
    return text


def make_entry(
    policies: Mapping[int, Callable[[np.ndarray], Any]],
    *,
    env_id: str,
    env_kwargs: Mapping[str, Any] | None = None,
    policy: str,
    kind: str,
    information: str,
    command: str,
    artifact: dict[str, Any],
    episodes: int,
    eval_seed: int,
    max_steps: int | None = None,
    warmup: int = 0,
    library: Mapping[str, str] | None = None,
    train_steps: int | None = None,
    train_seconds: float | None = None,
    optimal_cost: float | str | None = "auto",
    learning_curve: str | None = None,
    notes: str = "",
) -> Entry:
    """Score ``policies`` and build a complete :class:`Entry` (not yet saved).

    ``optimal_cost="auto"`` looks the optimum up with :func:`known_optimum`; pass a number
    (e.g. a Clark–Scarf optimum) or ``None`` otherwise. See :func:`score_policies` for the
    evaluation arguments and :mod:`gym_inventory.leaderboard.entry` for the fields.
    """
    import gym_inventory

    kwargs = dict(env_kwargs or {})
    ev = _evaluator(env_id)
    scored = score_policies(
        policies,
        env_id,
        kwargs,
        episodes=episodes,
        seed=eval_seed,
        max_steps=max_steps,
        warmup=warmup,
    )
    if optimal_cost == "auto":
        optimal_cost = known_optimum(env_id, kwargs)
    cost = -scored["mean_reward"] if ev.score == "cost" else None
    gap = None
    if cost is not None and optimal_cost is not None:
        gap = 100.0 * (cost - float(optimal_cost)) / float(optimal_cost)
    return Entry(
        env_id=env_id,
        env_kwargs=kwargs,
        policy=policy,
        kind=kind,
        information=information,
        library=dict(library or {"name": "gym-inventory", "version": gym_inventory.__version__}),
        package_version=gym_inventory.__version__,
        commit=git_commit(),
        seeds=[int(s) for s in policies],
        train_steps=train_steps,
        train_seconds=train_seconds,
        hardware=hardware(),
        eval=scored,
        command=command,
        artifact=artifact,
        average_cost=cost,
        profit=scored["mean_reward"] if ev.score == "profit" else None,
        optimal_cost=None if optimal_cost is None else float(optimal_cost),
        gap_pct=gap,
        env_fingerprint=ev.fingerprint(kwargs),
        learning_curve=learning_curve,
        notes=notes,
        created=_dt.date.today().isoformat(),
    )
