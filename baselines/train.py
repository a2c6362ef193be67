"""Train a Stable-Baselines3 agent on a gym-inventory env and write its leaderboard entry.

One readable file, CleanRL style. For each training seed it

1. reads the hyperparameters of ``(algo, env id)`` from the rl-zoo3 file
   ``baselines/hyperparams/<algo>.yml`` (the same file ``python -m rl_zoo3.train
   --conf-file ...`` reads, so the two stay one source of truth),
2. trains on the natively batched vector env (``gymnasium.make_vec`` +
   :func:`gym_inventory.sb3.as_sb3_vec_env`; ``multi_product_v0`` through
   :func:`gym_inventory.multi.sb3.make_sb3_vec_env`, one policy shared by every product),
   logging a learning curve (deterministic evaluation on a few held-out seeds),
3. saves the policy weights (no optimizer state, no replay buffer) and the observation
   normalisation,

then scores every seed's saved policy on the standard held-out episodes with
:func:`gym_inventory.leaderboard.make_entry` and writes the entry.

Run from the repository root::

    python baselines/train.py --algo ppo --env-id InventoryLostSales-v0 \
        --seeds 0 1 2 3 4 --total-timesteps 2000000

Needs ``pip install "gym-inventory[baselines]"``. One torch thread; a tqdm progress bar on
a terminal.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import shlex
import sys
import time
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gym_inventory.errors import ConfigError, GymInventoryError

ROOT = Path(__file__).resolve().parents[1]
ALGOS = {"ppo": "PPO", "a2c": "A2C", "dqn": "DQN", "sac": "SAC", "td3": "TD3"}
CONTINUOUS_ALGOS = ("sac", "td3")
MULTI_ENVS = ("multi_product_v0",)
#: The standard evaluation of the leaderboard (every entry of an id uses the same).
EVAL_EPISODES, EVAL_SEED = 100, 1_000_000
WARMUP = {"Inventory-v0": 0, "InventoryLostSales-v0": 100, "InventoryBackorder-v0": 100}
#: Learning-curve episodes are seeded from here (neither training nor evaluation seeds).
CURVE_SEED = 2_000_000
#: Training seed ``s`` seeds its copies ``s * SEED_STRIDE + i`` (disjoint across seeds).
SEED_STRIDE = 10_000
#: rl-zoo3 keys that only make sense for rl-zoo3's own env construction.
_UNSUPPORTED_KEYS = ("env_wrapper", "vec_env_wrapper", "frame_stack", "callback")


@dataclass
class Args:
    algo: str
    """one of ppo, a2c, dqn (discrete action modes), sac, td3 (continuous action mode)"""
    env_id: str
    """a gym-inventory id, or multi_product_v0 (shared-parameter PPO)"""
    env_kwargs: dict = field(default_factory=dict)
    """env keyword arguments (override the yml's env_kwargs)"""
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2, 3, 4])
    total_timesteps: int | None = None
    """env steps per seed (summed over copies); default: the yml's n_timesteps"""
    conf_file: str | None = None
    """rl-zoo3 hyperparameter file; default baselines/hyperparams/<algo>.yml"""
    output: str | None = None
    """entry path; default baselines/results/leaderboard/<name>.json"""
    curve_points: int = 20
    """learning-curve evaluations per seed"""
    curve_episodes: int = 5
    """held-out episodes per learning-curve point (seeded from CURVE_SEED)"""
    notes: str = ""
    """free text for the entry (e.g. 'budget-limited')"""


def parse_args(argv: list[str] | None = None) -> Args:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--algo", required=True)
    p.add_argument("--env-id", required=True)
    p.add_argument("--env-kwargs", default="{}", help="JSON object")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    p.add_argument("--total-timesteps", type=int, default=None)
    p.add_argument("--conf-file", default=None)
    p.add_argument("--output", default=None)
    p.add_argument("--curve-points", type=int, default=20)
    p.add_argument("--curve-episodes", type=int, default=5)
    p.add_argument("--notes", default="")
    ns = vars(p.parse_args(argv))
    try:
        ns["env_kwargs"] = json.loads(ns["env_kwargs"])
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"--env-kwargs must be a JSON object, got {ns['env_kwargs']!r} ({exc})"
        ) from None
    return Args(**ns)


def check_args(args: Args) -> None:
    """Raise :class:`ConfigError` for the first invalid argument, before anything runs."""
    import gymnasium as gym

    import gym_inventory

    if args.algo not in ALGOS:
        raise ConfigError(f"--algo must be one of {sorted(ALGOS)}, got {args.algo!r}")
    if args.env_id not in gym_inventory.ENV_IDS + MULTI_ENVS:
        raise ConfigError(
            f"--env-id must be one of {list(gym_inventory.ENV_IDS + MULTI_ENVS)}, "
            f"got {args.env_id!r}"
        )
    if not isinstance(args.env_kwargs, dict):
        raise ConfigError(f"--env-kwargs must be a JSON object, got {args.env_kwargs!r}")
    if len(args.seeds) < 5:
        raise ConfigError(
            f"a learned leaderboard entry needs at least 5 training seeds, got --seeds {args.seeds}"
        )
    if len(set(args.seeds)) != len(args.seeds) or min(args.seeds) < 0:
        raise ConfigError(f"--seeds must be distinct non-negative ints, got {args.seeds}")
    if args.total_timesteps is not None and args.total_timesteps < 1:
        raise ConfigError(f"--total-timesteps must be >= 1, got {args.total_timesteps}")
    if args.env_id in MULTI_ENVS and args.algo != "ppo":
        raise ConfigError(f"{args.env_id} is trained with --algo ppo only, got {args.algo!r}")
    try:
        conf_kwargs = load_hyperparams(args).get("env_kwargs", {})
    except ConfigError as exc:  # reported after the action space check (the likelier mistake)
        conf_error, conf_kwargs = exc, {}
    else:
        conf_error = None
    if args.env_id not in MULTI_ENVS:
        kwargs = {**conf_kwargs, **args.env_kwargs}
        space = gym.make(args.env_id, **kwargs).action_space
        continuous = isinstance(space, gym.spaces.Box)
        if (args.algo in CONTINUOUS_ALGOS) != continuous:
            need = "a continuous (Box)" if args.algo in CONTINUOUS_ALGOS else "a discrete"
            hint = (
                ' (Inventory-v0: --env-kwargs \'{"action_mode": "continuous"}\'; the periodic '
                "ids have no continuous mode)"
                if args.algo in CONTINUOUS_ALGOS
                else ""
            )
            raise ConfigError(
                f"--algo {args.algo} needs {need} action space, but {args.env_id} with "
                f"env_kwargs {kwargs} has {space}{hint}"
            )
    if conf_error is not None:
        raise conf_error


# ---------------------------------------------------------------- hyperparameters
def conf_path(args: Args) -> Path:
    return (
        Path(args.conf_file)
        if args.conf_file
        else ROOT / "baselines/hyperparams" / (args.algo + ".yml")
    )


def load_hyperparams(args: Args) -> dict[str, Any]:
    """The yml block of ``args.env_id`` (a copy), as rl-zoo3 reads it."""
    import yaml

    path = conf_path(args)
    if not path.is_file():
        raise ConfigError(f"--conf-file {str(path)!r} not found")
    with open(path, encoding="utf-8") as f:
        blocks = yaml.safe_load(f) or {}
    if args.env_id not in blocks:
        raise ConfigError(
            f"{path} has no hyperparameters for {args.env_id!r} (keys: {list(blocks)})"
        )
    hp = dict(blocks[args.env_id])
    bad = [k for k in _UNSUPPORTED_KEYS if k in hp]
    if bad:
        raise ConfigError(f"{path}: {args.env_id}: keys {bad} are not supported by train.py")
    return hp


def _eval_python(text: str) -> Any:
    # rl-zoo3 writes policy_kwargs as Python source ("dict(net_arch=[64, 64])").
    import torch

    return eval(text, {"__builtins__": {}}, {"dict": dict, "nn": torch.nn})


def split_hyperparams(hp: dict[str, Any], n_actions: int) -> dict[str, Any]:
    """rl-zoo3's preprocessing: schedules, normalize, policy_kwargs, action noise.

    Returns ``{"n_envs", "n_timesteps", "normalize", "env_kwargs", "policy", "model"}``.
    """
    from stable_baselines3.common.noise import NormalActionNoise

    hp = dict(hp)
    out = {
        "n_envs": int(hp.pop("n_envs", 1)),
        "n_timesteps": int(float(hp.pop("n_timesteps", 0))),
        "env_kwargs": dict(hp.pop("env_kwargs", {})),
        "policy": hp.pop("policy", "MlpPolicy"),
    }
    if "." in out["policy"]:  # a class by its dotted name, as rl-zoo3 reads it
        module, _, attr = out["policy"].rpartition(".")
        try:
            out["policy"] = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise ConfigError(f"policy {out['policy']!r} is not an importable class") from exc
    normalize = hp.pop("normalize", False)
    if isinstance(normalize, str):
        normalize = _eval_python(normalize)
    out["normalize"] = (
        None if normalize is False else ({} if normalize is True else dict(normalize))
    )
    if out["normalize"] is not None and "gamma" in hp:
        out["normalize"]["gamma"] = hp["gamma"]
    for key in ("learning_rate", "clip_range"):
        if isinstance(hp.get(key), str):  # "lin_3e-4": linear decay to 0, as rl-zoo3
            start = float(hp[key].split("_")[1])
            hp[key] = lambda progress, start=start: progress * start
    if isinstance(hp.get("policy_kwargs"), str):
        hp["policy_kwargs"] = _eval_python(hp["policy_kwargs"])
    if isinstance(hp.get("train_freq"), list):
        hp["train_freq"] = tuple(hp["train_freq"])
    if "noise_type" in hp:
        kind, std = hp.pop("noise_type"), float(hp.pop("noise_std"))
        if kind != "normal":
            raise ConfigError(f"noise_type must be 'normal', got {kind!r}")
        hp["action_noise"] = NormalActionNoise(np.zeros(n_actions), std * np.ones(n_actions))
    out["model"] = hp
    return out


# ---------------------------------------------------------------- environments
def make_vec_env(env_id: str, n_envs: int, env_kwargs: dict[str, Any]) -> Any:
    """The SB3 VecEnv of ``n_envs`` copies, natively batched."""
    if env_id in MULTI_ENVS:
        from gym_inventory.multi.sb3 import make_sb3_vec_env

        return make_sb3_vec_env(n_envs, **env_kwargs)
    import gymnasium as gym

    from gym_inventory.sb3 import as_sb3_vec_env

    return as_sb3_vec_env(gym.make_vec(env_id, num_envs=n_envs, **env_kwargs))


def entry_name(args: Args, env_kwargs: dict[str, Any]) -> str:
    """``<env_id>[__<instance tag>]__<algo>`` (the tag from the non-default kwargs)."""
    tag = "-".join(
        str(v) if isinstance(v, str) else f"{k}{v}" for k, v in sorted(env_kwargs.items())
    )
    return "__".join([args.env_id, *([tag] if tag else []), args.algo])


def command_line(args: Args, total_timesteps: int) -> str:
    """The shell command that regenerates the entry (``--output`` aside)."""
    parts = ["python", "baselines/train.py", "--algo", args.algo, "--env-id", args.env_id]
    if args.env_kwargs:
        parts += ["--env-kwargs", json.dumps(args.env_kwargs, sort_keys=True)]
    parts += ["--seeds", *map(str, args.seeds), "--total-timesteps", str(total_timesteps)]
    if args.conf_file:
        parts += ["--conf-file", args.conf_file]
    for flag, value, default in (
        ("--curve-points", args.curve_points, 20),
        ("--curve-episodes", args.curve_episodes, 5),
    ):
        if value != default:
            parts += [flag, str(value)]
    if args.notes:
        parts += ["--notes", args.notes]
    return shlex.join(parts)


# ---------------------------------------------------------------- training
class CurveAndProgress:
    """SB3 callback: a tqdm bar and a deterministic evaluation every ``every`` steps."""

    def __new__(cls, *a: Any, **k: Any) -> Any:  # built lazily: SB3 is an optional import
        from stable_baselines3.common.callbacks import BaseCallback
        from tqdm import tqdm

        class _Callback(BaseCallback):
            def __init__(self, seed: int, total: int, every: int, evaluate: Any) -> None:
                super().__init__()
                self.seed, self.every, self.evaluate = seed, every, evaluate
                self.next_eval, self.rows = every, []
                self.bar = tqdm(total=total, desc=f"seed {seed}", unit="step", disable=None)

            def _on_step(self) -> bool:
                self.bar.update(self.training_env.num_envs)
                if self.num_timesteps >= self.next_eval:
                    self.rows.append((self.seed, self.num_timesteps, self.evaluate()))
                    self.next_eval += self.every
                return True

            def _on_training_end(self) -> None:
                self.bar.close()

        return _Callback(*a, **k)


def sb3_policy(model: Any, venv: Any) -> Any:
    """The deterministic policy of ``model`` on raw observations (normalised as in training)."""
    from stable_baselines3.common.vec_env import VecNormalize

    norm = venv if isinstance(venv, VecNormalize) else None

    def policy(obs: np.ndarray) -> np.ndarray:
        x = norm.normalize_obs(obs) if norm is not None else obs
        return model.predict(x, deterministic=True)[0]

    return policy


def saved_policy(model: Any) -> Any:
    """The part of ``model`` that acts: SAC/TD3's actor, DQN's Q-network, else the policy."""
    if hasattr(model, "actor") and model.actor is not None:
        return model.actor
    if hasattr(model, "q_net"):
        return model.q_net
    return model.policy


def train_seed(args: Args, seed: int, steps: int, hp: dict[str, Any], art_dir: Path) -> dict:
    """Train one seed; save its policy; return its files, wall seconds and curve rows."""
    import stable_baselines3 as sb3
    from stable_baselines3.common.vec_env import VecNormalize

    from gym_inventory.leaderboard import save_obs_normalization, score_policies

    env_kwargs = {**hp["env_kwargs"], **args.env_kwargs}
    venv = make_vec_env(args.env_id, hp["n_envs"], env_kwargs)
    if hp["normalize"] is not None:
        venv = VecNormalize(venv, **hp["normalize"])
    model_cls = getattr(sb3, ALGOS[args.algo])
    try:
        model = model_cls(hp["policy"], venv, seed=seed, device="cpu", verbose=0, **hp["model"])
    except TypeError as exc:
        raise ConfigError(f"{conf_path(args)}: {args.env_id}: {exc}") from exc
    venv.seed(seed * SEED_STRIDE)  # copies of different training seeds never share a seed

    def curve_point() -> float:
        if isinstance(venv, VecNormalize):
            venv.training = False
        scored = score_policies(
            {seed: sb3_policy(model, venv)},
            args.env_id,
            env_kwargs,
            episodes=args.curve_episodes,
            seed=CURVE_SEED,
            warmup=WARMUP.get(args.env_id, 0),
        )
        if isinstance(venv, VecNormalize):
            venv.training = True
        return scored["mean_reward"]

    callback = CurveAndProgress(seed, steps, max(steps // args.curve_points, 1), curve_point)
    start = time.perf_counter()
    model.learn(total_timesteps=steps, callback=callback)
    seconds = time.perf_counter() - start
    policy_file = art_dir / f"seed{seed}_policy.pth"
    saved_policy(model).save(str(policy_file))
    files = [policy_file.name]
    if isinstance(venv, VecNormalize):
        save_obs_normalization(art_dir / f"seed{seed}_obs_norm.npz", venv)
        files.append(f"seed{seed}_obs_norm.npz")
    venv.close()
    return {
        "files": files,
        "seconds": seconds,
        "curve": callback.rows,
        "policy": saved_policy(model),
    }


def quality_note(entry: Any, steps: int) -> str:
    """What a reader must know about the result: the 3 % target, the prototype rule."""
    from gym_inventory.leaderboard import score_policies
    from gym_inventory.policies import OrderHoldClearRule

    if entry.gap_pct is not None:
        verdict = "within" if entry.gap_pct <= 3.0 else "misses"
        return (
            f"{verdict} 3 % of the optimum: {entry.gap_pct:.1f} % gap (mean over seeds), "
            f"budget {steps} steps per seed"
        )
    if entry.env_id == "Inventory-v0":  # the prototype's rule on the same episodes
        spec = {k: entry.eval[k] for k in ("episodes", "seed", "max_steps", "warmup")}
        rule = score_policies({0: OrderHoldClearRule()}, "Inventory-v0", {}, **spec)
        diff = entry.eval["mean_reward"] - rule["mean_reward"]
        verdict = "above" if diff > 0 else "BELOW"
        if abs(diff) <= entry.eval["ci95"]:
            verdict = f"level with (not clearly {verdict.lower()}, within the 95 % interval)"
        return (
            f"{verdict} the prototype rule (order <100, clear >400: "
            f"{rule['mean_reward']:.2f}/period on the same episodes), budget {steps} steps per seed"
        )
    return f"budget {steps} steps per seed"


def main(args: Args) -> Path:
    import stable_baselines3 as sb3
    import torch

    from gym_inventory.leaderboard import DEFAULT_DIR, load_policy, make_entry, save_entry

    check_args(args)
    torch.set_num_threads(1)
    raw = load_hyperparams(args)
    env_kwargs = {**raw.get("env_kwargs", {}), **args.env_kwargs}
    hp = split_hyperparams(raw, n_actions=1)
    steps = args.total_timesteps or hp["n_timesteps"]
    if steps < 1:
        raise ConfigError(
            f"{conf_path(args)}: {args.env_id}: no n_timesteps and no --total-timesteps"
        )
    name = entry_name(args, env_kwargs)
    output = Path(args.output) if args.output else ROOT / DEFAULT_DIR / f"{name}.json"
    art_rel = Path("artifacts") / name
    art_dir = output.parent / art_rel
    art_dir.mkdir(parents=True, exist_ok=True)

    runs = {}
    for seed in args.seeds:
        runs[seed] = train_seed(args, seed, steps, hp, art_dir)
        rows = runs[seed]["curve"]
        last = f"{rows[-1][2]:.3f}" if rows else "-"
        print(f"seed {seed}: {runs[seed]['seconds']:.0f} s, last curve point {last}", flush=True)
    curve = art_dir / "learning_curve.csv"
    with open(curve, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["seed", "step", "mean_reward"])
        for run in runs.values():
            writer.writerows((s, n, f"{r:.6g}") for s, n, r in run["curve"])

    policy_class = type(runs[args.seeds[0]]["policy"])
    artifact = {
        "format": "sb3",
        "params": {
            "algo": ALGOS[args.algo],
            "policy_class": f"{policy_class.__module__}.{policy_class.__qualname__}",
        },
        "files": {str(s): [str(art_rel / f) for f in runs[s]["files"]] for s in args.seeds},
    }
    # Score the policies exactly as `leaderboard verify` will: loaded back from the files.
    view = types.SimpleNamespace(
        artifact=artifact,
        root=output.parent,
        path=output,
        env_id=args.env_id,
        env_kwargs=env_kwargs,
    )
    policies = {s: load_policy(view, s) for s in args.seeds}
    entry = make_entry(
        policies,
        env_id=args.env_id,
        env_kwargs=env_kwargs,
        policy=("shared-parameter " if args.env_id in MULTI_ENVS else "") + ALGOS[args.algo],
        kind="learned",
        information="observation",
        command=command_line(args, steps),
        artifact=artifact,
        episodes=EVAL_EPISODES,
        eval_seed=EVAL_SEED,
        warmup=WARMUP.get(args.env_id, 0),
        library={"name": "stable-baselines3", "version": sb3.__version__},
        train_steps=steps,
        train_seconds=round(float(np.mean([r["seconds"] for r in runs.values()])), 1),
        learning_curve=str(art_rel / "learning_curve.csv"),
        notes=args.notes,
    )
    entry.notes = "; ".join(n for n in (args.notes, quality_note(entry, steps)) if n)
    save_entry(entry, output)
    score = entry.average_cost if entry.average_cost is not None else entry.eval["mean_reward"]
    gap = f", gap {entry.gap_pct:+.2f} %" if entry.gap_pct is not None else ""
    print(f"{output}: {score:.4f} ± {entry.eval['ci95']:.4f}{gap}")
    return output


if __name__ == "__main__":
    try:
        main(parse_args())
    except GymInventoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
