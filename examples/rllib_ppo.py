"""PPO with Ray RLlib on a gym-inventory id (native vector env) or on ``multi_product_v0``.

CleanRL style: one readable file, arguments in a dataclass. A single-agent id is sampled
through its native vector env (``gym_env_vectorize_mode="vector_entry_point"``: RLlib asks
the id's ``vector_entry_point`` for ``num_envs`` copies, stepped by one kernel call);
``multi_product_v0`` runs through ``ParallelPettingZooEnv`` with one policy shared by all
products (parameter sharing). The configuration is :func:`gym_inventory.rllib.ppo_config`.

    pip install torch==2.13.0 && pip install "gym-inventory[rllib]"   # its own venv
    python examples/rllib_ppo.py --env-id gym_inventory:Inventory-v0 --iterations 20
    python examples/rllib_ppo.py --env-id multi_product_v0 --env-kwargs '{"n_products": 4}'
    # the same script on a running Ray cluster (see docs/rllib.md):
    python examples/rllib_ppo.py --address auto --num-env-runners 8
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from dataclasses import dataclass, field


@dataclass
class Args:
    env_id: str = "gym_inventory:Inventory-v0"
    """a gym-inventory id, or multi_product_v0 (one policy shared by every product)"""
    env_kwargs: dict = field(default_factory=dict)
    """JSON object of env keyword arguments, e.g. '{"n_products": 4}'"""
    iterations: int = 10
    """PPO training iterations (algo.train() calls)"""
    train_batch_size: int = 4096
    """env steps per iteration (on multi_product_v0 each gives one agent step per product)"""
    minibatch_size: int = 256
    num_epochs: int = 10
    num_envs: int = 16
    """copies in each env runner's native vector env (single-agent ids)"""
    num_env_runners: int = 0
    """0: sample in the driver; on a cluster, one or more per core"""
    reward_scale: float = 0.01
    seed: int = 0
    address: str | None = None
    """Ray cluster to join ("auto", or "ray://host:10001"); default: a local Ray"""
    num_cpus: int = 1
    """CPUs of the local Ray started when --address is not given"""


def parse_args(argv: list[str] | None = None) -> Args:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for f in dataclasses.fields(Args):
        flag = "--" + f.name.replace("_", "-")
        if f.name == "env_kwargs":
            parser.add_argument(flag, type=json.loads, default={})
        elif f.name == "address":
            parser.add_argument(flag, default=None)
        else:
            parser.add_argument(flag, type=type(f.default), default=f.default)
    return Args(**vars(parser.parse_args(argv)))


def build(args: Args):
    """The PPO algorithm of ``args`` (Ray must be running)."""
    from gym_inventory.rllib import ppo_config

    return ppo_config(
        args.env_id,
        args.env_kwargs,
        seed=args.seed,
        num_envs=args.num_envs,
        num_env_runners=args.num_env_runners,
        reward_scale=args.reward_scale,
        train_batch_size=args.train_batch_size,
        minibatch_size=args.minibatch_size,
        num_epochs=args.num_epochs,
    ).build_algo()


def main(args: Args) -> list[dict]:
    """Train; one row per iteration (steps, mean episode return, trained modules, seconds).

    Starts a local Ray (or joins ``args.address``) unless Ray is already running.
    """
    import ray
    import torch
    from tqdm import tqdm

    torch.set_num_threads(1)
    started = not ray.is_initialized()
    if started and args.address is not None:
        ray.init(address=args.address)
    elif started:
        ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
    algo = build(args)
    rows = []
    try:
        for it in tqdm(range(args.iterations), desc=f"PPO {args.env_id}"):
            t0 = time.perf_counter()
            result = algo.train()
            runners = result["env_runners"]
            rows.append(
                {
                    "iteration": it + 1,
                    "env_steps": int(runners["num_env_steps_sampled_lifetime"]),
                    # scaled back to the env's own reward (nan until an episode ended)
                    "episode_return_mean": runners.get("episode_return_mean", float("nan"))
                    / args.reward_scale,
                    # one module ("shared") for every product: parameter sharing
                    "modules": sorted(m for m in result["learners"] if m != "__all_modules__"),
                    "seconds": time.perf_counter() - t0,
                }
            )
            tqdm.write(json.dumps(rows[-1]))
    finally:
        algo.stop()
        if started:
            ray.shutdown()
    return rows


if __name__ == "__main__":
    main(parse_args())
