"""Shared-parameter PPO on ``multi_product_v0``: one policy acts for every product.

CleanRL style: one readable file, arguments in a dataclass. SuperSuit turns the
PettingZoo Parallel env into an SB3 VecEnv with one slot per product
(:func:`gym_inventory.multi.sb3.make_sb3_vec_env`, which also fixes SuperSuit's missing
``ConcatVecEnv.seed``); the trained policy is then evaluated on the env next to the two
tuned rule baselines, with the same evaluation seeds.

    OMP_NUM_THREADS=1 python examples/multi_product_ppo.py --total-timesteps 20000
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from dataclasses import dataclass

import numpy as np


@dataclass
class Args:
    n_products: int = 10
    """number of products (agents); the policy is shared by all"""
    action_mode: str = "order_hold_clear"
    """action mode of every agent ("order_hold_clear" or "quantity")"""
    total_timesteps: int = 20_000
    """agent-steps of training (one VecEnv step = n_products agent-steps)"""
    n_steps: int = 168
    """steps per slot between PPO updates (one week)"""
    batch_size: int = 240
    learning_rate: float = 3e-4
    seed: int = 1
    eval_episodes: int = 10
    """evaluation episodes for the policy and the baselines (seeds 0..)"""
    torch_threads: int = 1


def parse_args() -> Args:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for f in dataclasses.fields(Args):
        flag = "--" + f.name.replace("_", "-")
        parser.add_argument(flag, type=type(f.default), default=f.default)
    return Args(**vars(parser.parse_args()))


def main(args: Args) -> dict[str, dict]:
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecNormalize

    from gym_inventory.multi import multi_product_v0
    from gym_inventory.multi.baselines import (
        BaseStockRule,
        CoupledBaseStockRule,
        evaluate,
        tune_base_stock,
        tune_coupled,
    )
    from gym_inventory.multi.sb3 import make_sb3_vec_env

    torch.set_num_threads(args.torch_threads)
    env_kwargs = dict(n_products=args.n_products, action_mode=args.action_mode)
    venv = VecNormalize(make_sb3_vec_env(**env_kwargs), norm_obs=True, norm_reward=True)
    model = PPO(
        "MlpPolicy",
        venv,
        n_steps=args.n_steps,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,  # SB3 calls venv.seed(): works thanks to SeededSB3VecEnv
        verbose=0,
        device="cpu",
    )
    t0 = time.perf_counter()
    model.learn(total_timesteps=args.total_timesteps)
    train_s = time.perf_counter() - t0
    venv.training = False

    def ppo_policy(obs: np.ndarray) -> np.ndarray:
        action, _ = model.predict(venv.normalize_obs(obs), deterministic=True)
        return np.asarray(action, dtype=np.int64)

    env = multi_product_v0.parallel_env(**env_kwargs)
    levels = tune_base_stock(env)
    scale = tune_coupled(env, levels)
    results = {
        f"PPO shared ({args.total_timesteps} steps)": evaluate(env, ppo_policy, args.eval_episodes),
        "independent base-stock": evaluate(
            env, BaseStockRule.for_env(env, levels), args.eval_episodes
        ),
        f"coupling-aware (scale {scale:g})": evaluate(
            env, CoupledBaseStockRule.for_env(env, levels, scale), args.eval_episodes
        ),
    }
    print(f"multi_product_v0 {env_kwargs}: PPO trained {train_s:.1f} s")
    for name, m in results.items():
        print(
            f"{name:>30}: team return {m['mean_return']:10.1f} ± {m['ci95']:6.1f}, "
            f"fill rate {m['fill_rate']:.3f}, avg stock {m['avg_stock']:.1f}"
        )
    return results


if __name__ == "__main__":
    main(parse_args())
