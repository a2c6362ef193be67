"""Leaderboard entries of the rule policies and the exact optimum on one env id.

Every rule that ``gym-inventory compare`` tunes (:func:`gym_inventory.comparison.candidates`:
base stock, capped base stock, (s, S), (s, Q), myopic, constant order, the hour-of-week
rule and the prototype rule with its original and with tuned thresholds on
``Inventory-v0``) and the exact optimum where it exists, each tuned as ``compare`` tunes it
and scored with the leaderboard's standard evaluation (100 episodes from seed 1 000 000,
the registered episode length, warm-up 100 on the benchmark variants), so rules, the
optimum and learned agents are compared on the same episodes. Tuning by simulation uses
the 64 episodes from seed 2 000 000 (disjoint from the evaluation episodes).

Run from the repository root::

    python baselines/rule_entries.py --env-id InventoryLostSales-v0            # every rule
    python baselines/rule_entries.py --env-id InventoryLostSales-v0 --policy base-stock \
        --output /tmp/entry.json                                               # one entry

Entries go to ``baselines/results/leaderboard/<env_id>__<policy>.json``. A rule entry
stores the tuned parameters (artifact format ``"rule"``), the optimum nothing (format
``"optimal"``: it is recomputed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

import gym_inventory  # noqa: F401  (registers the ids)
from gym_inventory.comparison import TUNE_SEED_OFFSET, candidates
from gym_inventory.leaderboard import DEFAULT_DIR, make_entry, save_entry

#: The three ids with the standard evaluation: warm-up per id.
WARMUP = {"Inventory-v0": 0, "InventoryLostSales-v0": 100, "InventoryBackorder-v0": 100}
EPISODES, EVAL_SEED, TUNE_EPISODES = 100, 1_000_000, 64
#: ``build(TUNE_SEED)`` tunes on episodes from ``TUNE_SEED + TUNE_SEED_OFFSET``.
TUNE_SEED = 1_000_000

#: compare's row name -> (entry slug, display name, information).
POLICIES = {
    "optimal (relative value iteration)": ("optimal", "optimal", "oracle"),
    "prototype rule (order <100, clear >400)": (
        "prototype-rule",
        "prototype rule (order < 100, clear > 400)",
        "observation",
    ),
    "prototype rule, thresholds tuned": ("prototype-rule-tuned", "prototype rule, tuned", "model"),
    "(s, Q=30) on position, order/hold/clear actions": (
        "s-Q30-order-hold-clear",
        "(s, Q=30), order/hold/clear actions",
        "model",
    ),
    "base stock": ("base-stock", "base stock", "model"),
    "capped base stock": ("capped-base-stock", "capped base stock", "model"),
    "(s, S)": ("s-S", "(s, S)", "model"),
    "(s, Q)": ("s-Q", "(s, Q)", "model"),
    "myopic": ("myopic", "myopic", "model"),
    "constant order": ("constant-order", "constant order", "model"),
    "hour-of-week (s_t, S_t)": ("hour-of-week", "hour-of-week (s_t, S_t)", "model"),
}
#: Rules left out where they are not meaningful.
SKIP = {
    # With backorders a constant order has no stationary regime: below the mean demand the
    # backlog grows without bound, above it the stock does.
    ("InventoryBackorder-v0", "constant-order"),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--env-id", required=True, choices=sorted(WARMUP))
    p.add_argument("--policy", help="one entry slug only (e.g. base-stock); default: all")
    p.add_argument("--output", help="write the (single, --policy) entry here")
    p.add_argument("--dir", default=str(DEFAULT_DIR), help="where entries go without --output")
    args = p.parse_args(argv)
    if args.output and not args.policy:
        p.error("--output writes one entry: give --policy too")
    return args


def main(argv: list[str] | None = None) -> list[Path]:
    args = parse_args(argv)
    env_id = args.env_id
    rows = [
        (POLICIES[name], build)
        for name, build in candidates(env_id)
        if (env_id, POLICIES[name][0]) not in SKIP
    ]
    slugs = [slug for (slug, _, _), _ in rows]
    if args.policy is not None and args.policy not in slugs:
        sys.exit(f"--policy {args.policy!r} is not one of {slugs} on {env_id}")
    sim = dict(n_episodes=TUNE_EPISODES, max_steps=None, warmup=WARMUP[env_id])
    written = []
    bar = tqdm([r for r in rows if args.policy in (None, r[0][0])], unit="policy")
    for (slug, display, information), build in bar:
        bar.set_description(f"{env_id} {slug}")
        policy, tuned_by, _ = build(TUNE_SEED, **sim)
        if slug == "optimal":
            kind, artifact = "optimal", {"format": "optimal", "params": {}, "files": {}}
            how = "exact optimum by relative value iteration (recomputed when loaded)"
        else:
            kind = "rule"
            params = {"class": type(policy).__name__, "params": policy.params}
            artifact = {"format": "rule", "params": params, "files": {}}
            how = {
                "exact": "parameters tuned on the exact Markov chain",
                "simulation": f"parameters tuned by simulation on {TUNE_EPISODES} episodes "
                f"from seed {TUNE_SEED + TUNE_SEED_OFFSET} (common random numbers)",
                "-": "fixed parameters (not tuned)",
            }[tuned_by]
            how += f"; {policy.describe() or 'no parameters'}"
        command = f"python baselines/rule_entries.py --env-id {env_id} --policy {slug}"
        entry = make_entry(
            {0: policy},
            env_id=env_id,
            env_kwargs=policy.env_kwargs,
            policy=display,
            kind=kind,
            information=information,
            command=command,
            artifact=artifact,
            episodes=EPISODES,
            eval_seed=EVAL_SEED,
            max_steps=None,
            warmup=WARMUP[env_id],
            notes=how,
        )
        path = Path(args.output) if args.output else Path(args.dir) / f"{env_id}__{slug}.json"
        written.append(save_entry(entry, path))
        tqdm.write(f"{path}: mean reward {entry.eval['mean_reward']:.4f} ({how})")
    return written


if __name__ == "__main__":
    main()
