"""PPO baseline (Stable-Baselines3) on a gym-inventory env, with its optimality gap.

One readable file, CleanRL style: the arguments are a dataclass, the script trains PPO on the
natively batched vector env (``gymnasium.make_vec`` + :func:`gym_inventory.sb3.as_sb3_vec_env`,
no ``DummyVecEnv``), then evaluates the deterministic policy with
:func:`gym_inventory.evaluation.evaluate` on seeds it never trained on, and compares it with the
exact optimum (:func:`gym_inventory.policies.solve_optimal`) where one exists and with the best
tuned rule otherwise.

Run::

    python baselines/ppo.py --env-id InventoryLostSales-v0 --total-timesteps 300000 \
        --markdown baselines/results/ppo_InventoryLostSales-v0.md

Needs ``pip install "gym-inventory[baselines]"``. Uses one torch thread (faster on small
machines).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from dataclasses import dataclass, field

import gymnasium as gym
import numpy as np

import gym_inventory
from gym_inventory.evaluation import evaluate
from gym_inventory.sb3 import as_sb3_vec_env


@dataclass
class Args:
    env_id: str = "InventoryLostSales-v0"
    """a gym-inventory id"""
    env_kwargs: dict = field(default_factory=dict)
    """JSON object of env keyword arguments, e.g. '{"lead_time": 4, "penalty_cost": 39}'"""
    total_timesteps: int = 300_000
    """environment steps of training (summed over copies)"""
    num_envs: int = 16
    """copies stepped together by the vector env"""
    n_steps: int = 256
    """PPO rollout length per copy"""
    batch_size: int = 256
    """PPO minibatch size"""
    learning_rate: float = 3e-4
    gamma: float = 0.99
    seed: int = 0
    eval_episodes: int = 100
    """evaluation episodes (seeds from eval_seed), never seen in training"""
    eval_seed: int = 1_000_000
    markdown: str | None = None
    """write a one-row Markdown result table here"""


def parse_args() -> Args:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for f in dataclasses.fields(Args):
        flag = "--" + f.name.replace("_", "-")
        if f.name == "env_kwargs":
            parser.add_argument(flag, type=json.loads, default={}, help=f.metadata.get("help"))
        elif f.name == "markdown":
            parser.add_argument(flag, default=None)
        else:
            parser.add_argument(flag, type=type(f.default), default=f.default)
    return Args(**vars(parser.parse_args()))


def main(args: Args) -> dict:
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecNormalize

    from gym_inventory.policies import solve_optimal

    torch.set_num_threads(1)
    venv = VecNormalize(
        as_sb3_vec_env(gym.make_vec(args.env_id, num_envs=args.num_envs, **args.env_kwargs)),
        gamma=args.gamma,
    )
    model = PPO(
        "MlpPolicy",
        venv,
        n_steps=args.n_steps,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        gamma=args.gamma,
        seed=args.seed,
        device="cpu",
        verbose=0,
    )
    start = time.perf_counter()
    model.learn(total_timesteps=args.total_timesteps)
    train_s = time.perf_counter() - start
    venv.training = False

    def policy(obs: np.ndarray) -> np.ndarray:
        action, _ = model.predict(venv.normalize_obs(obs), deterministic=True)
        return action

    result = evaluate(
        policy,
        args.env_id,
        n_episodes=args.eval_episodes,
        seed=args.eval_seed,
        **args.env_kwargs,
    )
    row = {
        "env_id": args.env_id,
        "env_kwargs": args.env_kwargs,
        "timesteps": args.total_timesteps,
        "train_seconds": round(train_s, 1),
        "mean_reward": result.mean_reward,
        "ci95": result.ci95,
        "average_cost": result.average_cost,
    }
    try:
        opt = solve_optimal(args.env_id, **args.env_kwargs)
    except gym_inventory.errors.ConfigError:  # no exact optimum for this configuration
        opt = None
    if opt is not None:
        row["optimal_cost"] = opt.average_cost
        row["gap"] = result.average_cost / opt.average_cost - 1.0
    print(json.dumps(row, indent=2))
    if args.markdown:
        _write_markdown(args, row)
    return row


def _write_markdown(args: Args, row: dict) -> None:
    gap = f"{row['gap']:+.1%}" if "gap" in row else "-"
    opt = f"{row['optimal_cost']:.4f}" if "optimal_cost" in row else "-"
    kwargs = json.dumps(args.env_kwargs) if args.env_kwargs else "defaults"
    text = (
        f"# PPO on `{args.env_id}`\n\n"
        f"Produced by `python baselines/ppo.py {_cli(args)}` (gym-inventory "
        f"{gym_inventory.__version__}, one torch thread). Evaluated deterministically on "
        f"{args.eval_episodes} episodes seeded from {args.eval_seed} (never used in training).\n\n"
        "| env kwargs | timesteps | train s | mean reward/period ± 95% CI | average cost |"
        " optimal cost | gap to optimum |\n|---|---|---|---|---|---|---|\n"
        f"| {kwargs} | {row['timesteps']:,} | {row['train_seconds']} | "
        f"{row['mean_reward']:.4f} ± {row['ci95']:.4f} | {row['average_cost']:.4f} | {opt} | "
        f"{gap} |\n"
    )
    with open(args.markdown, "w", encoding="utf-8") as fh:
        fh.write(text)


def _cli(args: Args) -> str:
    parts = []
    for f in dataclasses.fields(Args):
        value = getattr(args, f.name)
        if value == f.default or (f.name == "env_kwargs" and not value):
            continue
        value = f"'{json.dumps(value)}'" if f.name == "env_kwargs" else value
        parts.append(f"--{f.name.replace('_', '-')} {value}")
    return " ".join(parts)


if __name__ == "__main__":
    main(parse_args())
