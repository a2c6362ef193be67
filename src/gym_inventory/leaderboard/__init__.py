"""Leaderboard entries: one JSON file per (env, policy) that anyone can re-check.

- :mod:`~gym_inventory.leaderboard.entry`: the fields (:class:`Entry`), reading and writing.
- :mod:`~gym_inventory.leaderboard.loaders`: rebuilding an entry's policy from its artifact.
- :mod:`~gym_inventory.leaderboard.scoring`: the one way entries are scored
  (:func:`score_policies`) and :func:`make_entry`.
"""

from gym_inventory.leaderboard.entry import (
    DEFAULT_DIR,
    INFORMATION,
    KINDS,
    SCHEMA_VERSION,
    Entry,
    find_entries,
    load_entry,
    save_entry,
)
from gym_inventory.leaderboard.loaders import (
    MLPPolicy,
    load_policy,
    register_loader,
    save_mlp,
    save_obs_normalization,
)
from gym_inventory.leaderboard.scoring import (
    Evaluator,
    env_fingerprint,
    git_commit,
    hardware,
    known_optimum,
    make_entry,
    register_evaluator,
    score_policies,
)

__all__ = [
    "DEFAULT_DIR",
    "INFORMATION",
    "KINDS",
    "SCHEMA_VERSION",
    "Entry",
    "Evaluator",
    "MLPPolicy",
    "env_fingerprint",
    "find_entries",
    "git_commit",
    "hardware",
    "known_optimum",
    "load_entry",
    "load_policy",
    "make_entry",
    "register_evaluator",
    "register_loader",
    "save_entry",
    "save_mlp",
    "save_obs_normalization",
    "score_policies",
]
