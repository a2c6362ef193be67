"""Leaderboard support for ``multi_product_v0``: its evaluator and its rule entries.

Importing this module registers the evaluator of ``"multi_product_v0"`` with
:func:`gym_inventory.leaderboard.register_evaluator` (the leaderboard imports it by itself
the first time it meets that name). An episode's score is the **team profit per period**
(summed over products), on the batched path of :class:`MultiProductEnv`; a policy maps the
observations of every product ``(n_products, 14)`` to their actions ``(n_products,)``, so
a shared-parameter SB3 policy is scored directly.

The two rule baselines of :mod:`gym_inventory.multi.baselines` become entries with the
``"python"`` artifact format (:func:`rule_policy` rebuilds them from their tuned
parameters). Regenerate them with::

    python -m gym_inventory.multi.leaderboard --rule coupled
    python -m gym_inventory.multi.leaderboard --rule base-stock
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from gym_inventory.leaderboard import Evaluator, make_entry, register_evaluator, save_entry
from gym_inventory.leaderboard.scoring import array_env_fingerprint
from gym_inventory.multi.baselines import (
    BaseStockRule,
    CoupledBaseStockRule,
    tune_base_stock,
    tune_coupled,
)
from gym_inventory.multi.multi_product_v0 import MultiProductEnv

__all__ = ["ENV_NAME", "episode_means", "fingerprint", "rule_policy"]

#: The name entries of this env carry in ``env_id``.
ENV_NAME = "multi_product_v0"
_RULES = {"coupled": "coupling-aware base stock", "base-stock": "independent base stock"}


def _env(env_kwargs: dict[str, Any], max_steps: int | None = None) -> MultiProductEnv:
    kwargs = dict(env_kwargs)
    if max_steps is not None:
        kwargs["max_cycles"] = max_steps
    return MultiProductEnv(**kwargs)


def episode_means(
    policy: Callable[[np.ndarray], Any],
    env_kwargs: dict[str, Any],
    *,
    n_episodes: int,
    seed: int,
    max_steps: int | None = None,
    warmup: int = 0,
) -> np.ndarray:
    """Team profit per period of each episode (episode ``i`` seeded ``seed + i``)."""
    env = _env(env_kwargs, max_steps)
    kernel = env.model.kernel
    means = np.empty(n_episodes)
    for e in range(n_episodes):
        obs = env.reset_arrays(seed=seed + e)
        total, counted, t = 0.0, 0, 0
        while env.agents:
            obs, _, _, _ = env.step_arrays(np.asarray(policy(obs)))
            if t >= warmup:
                total += float(kernel.reward.sum())
                counted += 1
            t += 1
        means[e] = total / max(counted, 1)
    return means


def fingerprint(env_kwargs: dict[str, Any], steps: int = 200) -> str:
    """SHA-256 of a fixed trajectory (:func:`~gym_inventory.leaderboard.scoring.
    array_env_fingerprint`: seed 0, actions drawn from ``default_rng(0)``)."""
    env = _env(env_kwargs)
    space = env.action_space(env.possible_agents[0])
    if hasattr(space, "n"):
        return array_env_fingerprint(
            env, lambda rng: rng.integers(0, space.n, size=env.n_products), steps
        )
    return array_env_fingerprint(
        env, lambda rng: rng.random((env.n_products, 1)).astype(np.float32), steps
    )


register_evaluator(
    ENV_NAME, Evaluator(episode_means=episode_means, fingerprint=fingerprint, score="profit")
)


def rule_policy(entry: Any, seed: int, paths: list[Path]) -> Callable[[np.ndarray], Any]:
    """The ``"python"`` loader of the rule entries: the rule from its tuned parameters."""
    params = entry.artifact["params"]
    env = MultiProductEnv(**entry.env_kwargs)
    levels = np.asarray(params["levels"], dtype=np.float64)
    if params["rule"] == "coupled":
        return CoupledBaseStockRule.for_env(env, levels, float(params["scale"]))
    return BaseStockRule.for_env(env, levels)


def rule_entry(rule: str, env_kwargs: dict[str, Any], command: str) -> Any:
    """Tune ``rule`` (seeds from 10,000) and score it on the standard evaluation."""
    env = MultiProductEnv(**env_kwargs)
    levels = tune_base_stock(env)
    params: dict[str, Any] = {
        "callable": "gym_inventory.multi.leaderboard:rule_policy",
        "rule": rule,
        "levels": levels.tolist(),
    }
    if rule == "coupled":
        params["scale"] = tune_coupled(env, levels)
    artifact = {"format": "python", "params": params}
    policy = rule_policy(SimpleNamespace(artifact=artifact, env_kwargs=env_kwargs), 0, [])
    return make_entry(
        {0: policy},
        env_id=ENV_NAME,
        env_kwargs=env_kwargs,
        policy=_RULES[rule],
        kind="rule",
        information="model",
        command=command,
        artifact=artifact,
        episodes=100,
        eval_seed=1_000_000,
        notes="levels tuned per product on simulated episodes (seeds from 10,000)"
        + ("; common level scale tuned with the coupling" if rule == "coupled" else ""),
    )


def main(argv: Sequence[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description="Write a multi_product_v0 rule entry.")
    parser.add_argument("--rule", choices=sorted(_RULES), required=True)
    parser.add_argument("--output", default=None, help="entry path (default: the leaderboard)")
    args = parser.parse_args(argv)
    slug = "coupled-base-stock" if args.rule == "coupled" else "base-stock"
    output = Path(args.output or f"baselines/results/leaderboard/{ENV_NAME}__{slug}.json")
    command = shlex.join(["python", "-m", "gym_inventory.multi.leaderboard", "--rule", args.rule])
    entry = rule_entry(args.rule, {}, command)
    save_entry(entry, output)
    print(f"{output}: team profit {entry.profit:.2f} ± {entry.eval['ci95']:.2f} per period")
    return output


if __name__ == "__main__":
    main()
