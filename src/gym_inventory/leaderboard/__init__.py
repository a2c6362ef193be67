"""Leaderboard entries: one JSON file per (env, policy) that anyone can re-check.

- :mod:`~gym_inventory.leaderboard.entry`: the fields (:class:`Entry`), reading and writing.
- :mod:`~gym_inventory.leaderboard.loaders`: rebuilding an entry's policy from its artifact.
- :mod:`~gym_inventory.leaderboard.scoring`: the one way entries are scored
  (:func:`score_policies`) and :func:`make_entry`.
- :mod:`~gym_inventory.leaderboard.verify`: :func:`version_flags`, :func:`verify_entry`,
  :func:`reproduce_entry` (what ``gym-inventory leaderboard verify|reproduce`` run).
- :mod:`~gym_inventory.leaderboard.render`: :func:`render_markdown`, :func:`render_csv`,
  :func:`plot_learning_curves` (the docs page).
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
from gym_inventory.leaderboard.render import plot_learning_curves, render_csv, render_markdown
from gym_inventory.leaderboard.scoring import (
    Evaluator,
    env_fingerprint,
    evaluator_ids,
    git_commit,
    hardware,
    known_optimum,
    make_entry,
    register_evaluator,
    score_policies,
)
from gym_inventory.leaderboard.verify import Check, reproduce_entry, verify_entry, version_flags

__all__ = [
    "DEFAULT_DIR",
    "INFORMATION",
    "KINDS",
    "SCHEMA_VERSION",
    "Check",
    "Entry",
    "Evaluator",
    "MLPPolicy",
    "env_fingerprint",
    "evaluator_ids",
    "find_entries",
    "git_commit",
    "hardware",
    "known_optimum",
    "load_entry",
    "load_policy",
    "make_entry",
    "plot_learning_curves",
    "register_evaluator",
    "register_loader",
    "render_csv",
    "render_markdown",
    "reproduce_entry",
    "save_entry",
    "save_mlp",
    "save_obs_normalization",
    "score_policies",
    "verify_entry",
    "version_flags",
]
