"""Leaderboard entries of ``supply_chain_v0``: the exact optimum, tuned base-stock rules and
a shared-parameter PPO on the ``beer_game`` and ``clark_scarf`` presets.

Evaluation (every entry of a preset on the same episodes): 100 episodes from seed
1 000 000 (episode ``i`` seeded ``1 000 000 + i``, as ``env.reset(seed=...)``), the
preset's registered episode length (beer game: 100 periods, warm-up 0, the empty start is
part of the game; clark_scarf: 1000 periods, warm-up 100), scored by the team's cost per
period (the evaluator of :mod:`gym_inventory.multi.supply_leaderboard`). Every order is
in the env's action space ``{0, ..., max_order}``: rules are capped at ``max_order``
(:func:`gym_inventory.policies.echelon.capped`), while tuning as while scoring.

- ``optimal`` (clark_scarf only): echelon base stock at the levels of
  :class:`~gym_inventory.policies.SerialSystem` built from the preset's own chain (its
  demand source, rounded N(5, 1), lead times, holding and penalty costs);
  ``optimal_cost`` is the solver's exact cost per period in the env's accounting.
- ``echelon-base-stock``, ``installation-base-stock``: pattern search
  (``search`` / ``tune`` of :mod:`gym_inventory.policies.echelon`) on common random numbers
  from seed 2 000 000 (disjoint from the evaluation episodes): on the beer game from a few
  starts (the best kept); on clark_scarf the echelon search starts at the optimum (its
  entry is written only if it ends elsewhere), the installation one at the best point of
  an exhaustive grid.
- ``ppo``: one Stable-Baselines3 PPO network shared by every stage (SuperSuit's
  agent-per-slot vector env, :func:`gym_inventory.multi.sb3.make_sb3_vec_env`), no agent
  index in the input, team reward, observation and reward normalisation; 5 training seeds
  with a small budget; saved as the plain NumPy MLP (``"mlp"`` artifact, argmax over the
  ``Discrete(max_order + 1)`` logits: SB3's deterministic action).

Run from the repository root::

    python baselines/chain_entries.py --preset clark_scarf                    # every entry
    python baselines/chain_entries.py --preset beer_game --policy ppo --output /tmp/e.json
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from gym_inventory.leaderboard import DEFAULT_DIR, make_entry, save_entry, save_mlp
from gym_inventory.multi import supply_chain_v0
from gym_inventory.policies import EchelonBaseStock, InstallationBaseStock, SerialSystem
from gym_inventory.policies.echelon import capped, chain_objective

ENV_ID = "supply_chain_v0"
EPISODES, EVAL_SEED, TUNE_SEED = 100, 1_000_000, 2_000_000
#: preset -> warm-up of the evaluation, the tuning objective's settings, rule starts.
PRESETS: dict[str, dict[str, Any]] = {
    "beer_game": dict(
        warmup=0,
        tune=dict(batch=256, periods=100, warmup=0, seed=TUNE_SEED),
        starts={
            "echelon-base-stock": [(5, 9, 13, 17), (11, 15, 19, 23)],
            "installation-base-stock": [(5, 4, 4, 4), (8, 8, 8, 8), (11, 2, 2, 2)],
        },
    ),
    "clark_scarf": dict(
        warmup=100,
        tune=dict(batch=32, periods=1000, warmup=100, seed=TUNE_SEED),
        # pattern search from the local parts of the optimum ends at a poor local optimum
        # (26.2 on the objective); an exhaustive grid first, then the search from its best
        grid={"installation-base-stock": ((3, 13), (6, 14), (9, 17))},
    ),
}
POLICIES = ("optimal", "echelon-base-stock", "installation-base-stock", "ppo")
RULE_CALLABLE = "gym_inventory.policies.echelon:load_entry_policy"
#: PPO: environment steps per seed (summed over the stages' slots), seeds, settings.
PPO_STEPS, PPO_SEEDS = 250_000, (0, 1, 2, 3, 4)
PPO = dict(n_steps=128, batch_size=256, learning_rate=3e-4, gamma=0.99, copies=4)


def entry_name(preset: str, slug: str) -> str:
    return f"{ENV_ID}__{preset.replace('_', '-')}__{slug}"


def command(preset: str, slug: str) -> str:
    return f"python baselines/chain_entries.py --preset {preset} --policy {slug}"


def serial_system(env: Any) -> SerialSystem:
    """The exact model of a serial chain without information delays (the env's own demand
    source, so the solver sees the rounded N(5, 1) the env draws from)."""
    c = env.config
    if c.divergent or any(c.info_delays) or not c.backlog or any(c.pipeline_costs):
        raise SystemExit(f"{env.preset}: no exact Clark-Scarf optimum for this chain")
    return SerialSystem(c.demand[0], c.lead_times, c.holding_costs, c.penalty_cost)


def tune_rule(preset: str, slug: str, env: Any) -> tuple[Any, str]:
    """The tuned rule of ``slug`` and how it was tuned (for the notes)."""
    spec = PRESETS[preset]
    f = chain_objective(env.config, **spec["tune"])
    m = env.config.max_order

    def objective(rule: Any) -> float:
        return f(capped(rule, m))

    cls = EchelonBaseStock if slug == "echelon-base-stock" else InstallationBaseStock
    t = spec["tune"]
    how = (
        f"pattern search on {t['batch']} common episodes of {t['periods']} periods (warm-up "
        f"{t['warmup']}) seeded from {t['seed']}, orders capped at max_order={m}"
    )
    if slug in spec.get("starts", {}):
        runs = [cls.search(env.config, s, objective) for s in spec["starts"][slug]]
        res = min(runs, key=lambda r: r.average_cost)
        n = sum(r.evaluations for r in runs)
        ends = ", ".join(f"{list(r.policy.levels)} {r.average_cost:.4f}" for r in runs)
        how += f", from each of {spec['starts'][slug]} (ends: {ends}), the best kept"
    elif slug in spec.get("grid", {}):
        box = spec["grid"][slug]
        grid = {
            x: objective(cls(x)) for x in itertools.product(*(range(lo, hi + 1) for lo, hi in box))
        }
        best = min(grid, key=grid.get)
        res = cls.search(env.config, best, objective)
        n = len(grid) + res.evaluations
        how += f", from the best point {list(best)} of the exhaustive grid {list(box)}"
    else:
        res = cls.tune(serial_system(env), objective)
        n = res.evaluations
        how += ", from the exact optimum's levels"
    return res.policy, f"{how}: {n} evaluations, objective {res.average_cost:.4f}"


def rule_entry(preset: str, slug: str, env: Any) -> Any:
    kwargs = {"preset": preset}
    m = env.config.max_order
    optimum = None
    if preset == "clark_scarf":
        sol = serial_system(env).solve()
        optimum = sol.average_cost
    if slug == "optimal":
        rule = EchelonBaseStock(sol.levels)
        kind, info, name = "optimal", "oracle", "optimal (echelon base stock, Clark-Scarf)"
        notes = (
            f"Echelon base stock at the exact Clark-Scarf levels {sol.levels} of "
            "SerialSystem(preset's demand source, lead times, holding costs, penalty)."
            f"solve(); exact cost {sol.average_cost:.4f} per period (truncation error bound "
            f"{sol.error_bound:.1e}); the entry's score is its simulation on the evaluation "
            "episodes."
        )
    else:
        rule, how = tune_rule(preset, slug, env)
        if (
            preset == "clark_scarf"
            and isinstance(rule, EchelonBaseStock)
            and rule.levels == tuple(sol.levels)
        ):
            print(f"{slug}: the search ends at the optimum {sol.levels}; no separate entry")
            return None
        kind, info = "rule", "model"
        name = slug.replace("-", " ") + " (tuned)"
        notes = f"Levels {list(rule.levels)} by {how}."
        if preset == "beer_game":
            notes += (
                " No exact optimum: the information delays (2, 2, 2, 0) put the beer game "
                "outside Clark-Scarf's model."
            )
    artifact = {
        "format": "python",
        "params": {
            "callable": RULE_CALLABLE,
            "class": type(rule).__name__,
            "levels": list(rule.levels),
        },
    }
    return make_entry(
        {0: capped(rule, m)},
        env_id=ENV_ID,
        env_kwargs=kwargs,
        policy=name,
        kind=kind,
        information=info,
        command=command(preset, slug),
        artifact=artifact,
        episodes=EPISODES,
        eval_seed=EVAL_SEED,
        warmup=PRESETS[preset]["warmup"],
        optimal_cost=optimum,
        notes=notes,
    )


def export_mlp(model: Any, venv: Any, path: Path) -> Path:
    """The SB3 policy network (actor only) and the observation statistics as ``"mlp"``."""
    import torch

    layers = [m for m in model.policy.mlp_extractor.policy_net if isinstance(m, torch.nn.Linear)]
    layers.append(model.policy.action_net)
    rms = venv.obs_rms
    return save_mlp(
        path,
        [lin.weight.detach().numpy().T for lin in layers],
        [lin.bias.detach().numpy() for lin in layers],
        activation="tanh",
        output="argmax",
        obs_mean=rms.mean,
        obs_std=np.sqrt(rms.var + venv.epsilon),
    )


def train_ppo(preset: str, seed: int, art_dir: Path, steps: int) -> tuple[Path, float, int, list]:
    """Train one seed; returns the MLP file, the training wall seconds, the steps taken
    (``steps`` rounded up to whole rollouts) and the curve rows ``(seed, step, mean reward
    per period of the episodes finished in the last rollout)``."""
    import torch
    from stable_baselines3 import PPO as SB3PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import VecMonitor, VecNormalize

    from gym_inventory.multi.sb3 import make_sb3_vec_env

    torch.set_num_threads(1)
    venv = make_sb3_vec_env(
        PPO["copies"], env_fn=supply_chain_v0.parallel_env, preset=preset, agent_info=False
    )
    # clip_obs huge: no clipping, so the exported MLP acts exactly as the SB3 policy.
    venv = VecNormalize(VecMonitor(venv), gamma=PPO["gamma"], clip_obs=1e9)
    model = SB3PPO(
        "MlpPolicy",
        venv,
        n_steps=PPO["n_steps"],
        batch_size=PPO["batch_size"],
        learning_rate=PPO["learning_rate"],
        gamma=PPO["gamma"],
        seed=seed,
        device="cpu",
        verbose=0,
    )
    rows: list = []

    class Curve(BaseCallback):
        def _on_step(self) -> bool:
            return True

        def _on_rollout_end(self) -> None:
            eps = list(self.model.ep_info_buffer)[-venv.num_envs :]
            if eps:
                rows.append(
                    (seed, self.num_timesteps, float(np.mean([e["r"] / e["l"] for e in eps])))
                )

    t0 = time.perf_counter()
    model.learn(total_timesteps=steps, callback=Curve(), progress_bar=True)
    seconds = time.perf_counter() - t0
    path = export_mlp(model, venv, art_dir / f"seed{seed}.npz")
    return path, seconds, model.num_timesteps, rows


def ppo_entry(preset: str, env: Any, root: Path, name: str, steps: int) -> Any:
    from gym_inventory.leaderboard import MLPPolicy, load_entry

    art_dir = root / "artifacts" / name
    art_dir.mkdir(parents=True, exist_ok=True)
    files, seconds, curve = {}, [], []
    for seed in PPO_SEEDS:
        path, sec, taken, rows = train_ppo(preset, seed, art_dir, steps)
        files[str(seed)] = [path.relative_to(root).as_posix()]
        seconds.append(sec)
        curve += rows
    curve_path = art_dir / "learning_curve.csv"
    with curve_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["seed", "step", "mean_reward"])
        w.writerows(curve)
    optimum = serial_system(env).solve().average_cost if preset == "clark_scarf" else None
    best = [
        p
        for slug in ("optimal", "echelon-base-stock", "installation-base-stock")
        if (p := DEFAULT_DIR / f"{entry_name(preset, slug)}.json").is_file()
    ]
    ref = min((load_entry(p) for p in best), key=lambda e: e.average_cost, default=None)
    import stable_baselines3

    entry = make_entry(
        {s: MLPPolicy(root / files[str(s)][0]) for s in PPO_SEEDS},
        env_id=ENV_ID,
        env_kwargs={"preset": preset},
        policy="PPO, shared parameters",
        kind="learned",
        information="observation",
        command=command(preset, "ppo"),
        artifact={"format": "mlp", "params": {}, "files": files},
        episodes=EPISODES,
        eval_seed=EVAL_SEED,
        warmup=PRESETS[preset]["warmup"],
        library={"name": "stable-baselines3", "version": stable_baselines3.__version__},
        train_steps=taken,
        train_seconds=float(np.mean(seconds)),
        optimal_cost=optimum,
        learning_curve=curve_path.relative_to(root).as_posix(),
    )
    a = PPO
    entry.notes = (
        f"Small budget: {taken} environment steps per seed (stage-steps: {a['copies']} "
        f"copies x {env.n_stages} stages per vector step), about {np.mean(seconds):.0f} s per "
        "seed on one torch thread under nice on a shared 2-core machine. One MLP (SB3 "
        "default 64x64 tanh) for every stage, no agent index, team reward, VecNormalize "
        f"(obs and reward); n_steps {a['n_steps']}, batch {a['batch_size']}, lr "
        f"{a['learning_rate']}, gamma {a['gamma']}."
    )
    if ref is not None:
        gap = 100 * (entry.average_cost - ref.average_cost) / ref.average_cost
        entry.notes += (
            f" Cost {entry.average_cost:.3f} vs {ref.average_cost:.3f} of the best "
            f"committed {ref.kind} entry ({ref.name}): {gap:+.1f} %."
        )
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", required=True, choices=sorted(PRESETS))
    parser.add_argument("--policy", choices=POLICIES, help="one entry (default: every one)")
    parser.add_argument("--output", help="write the (single) entry here")
    parser.add_argument("--train-steps", type=int, default=PPO_STEPS, help="PPO steps per seed")
    args = parser.parse_args(argv)
    if args.output and not args.policy:
        parser.error("--output needs --policy")
    slugs = [args.policy] if args.policy else list(POLICIES)
    if args.preset != "clark_scarf" and "optimal" in slugs:
        if args.policy:
            parser.error("no exact optimum for the beer game")
        slugs.remove("optimal")
    env = supply_chain_v0.parallel_env(preset=args.preset)
    for slug in tqdm(slugs, desc=f"{args.preset} entries", disable=len(slugs) == 1):
        name = entry_name(args.preset, slug)
        path = Path(args.output) if args.output else DEFAULT_DIR / f"{name}.json"
        if slug == "ppo":
            entry = ppo_entry(args.preset, env, path.parent, name, args.train_steps)
        else:
            entry = rule_entry(args.preset, slug, env)
        if entry is None:
            continue
        save_entry(entry, path)
        print(f"{path}: cost {entry.average_cost:.4f} +- {entry.eval['ci95']:.4f}", end="")
        print("" if entry.gap_pct is None else f", gap {entry.gap_pct:+.2f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
