"""Re-checking entries: version flags, ``verify`` (re-score the saved policies) and
``reproduce`` (retrain with the entry's command and compare).

Decisions (``docs/leaderboard_format.md`` explains them to users):

- :func:`version_flags`: an entry made with another gym-inventory version, on an env id
  that is not registered or has a newer ``-vN``, or whose env fingerprint differs from the
  installed env's, is flagged: its score is not silently compared with today's env.
- :func:`verify_entry`: each training seed's saved policy is re-scored with the entry's
  evaluation spec (:func:`~gym_inventory.leaderboard.score_policies`); it passes when the
  re-scored mean is within the recorded mean ± recorded 95 % half-width.
- :func:`reproduce_entry`: the entry's command is run again with ``--output TMP.json``;
  it passes when the new and the recorded 95 % intervals overlap.
"""

from __future__ import annotations

import importlib
import math
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from gym_inventory.errors import ConfigError, DataError
from gym_inventory.leaderboard.entry import Entry, load_entry
from gym_inventory.leaderboard.loaders import load_policy
from gym_inventory.leaderboard.scoring import env_fingerprint, evaluator_ids, score_policies

__all__ = ["Check", "reproduce_entry", "verify_entry", "version_flags"]

_VERSIONED = re.compile(r"^(?P<name>.+?)(?P<sep>-v|_v)(?P<n>\d+)$")


@dataclass
class Check:
    """Outcome of :func:`verify_entry` or :func:`reproduce_entry`."""

    entry: Entry
    passed: bool
    recorded: float
    recorded_ci: float
    measured: float
    measured_ci: float
    seconds: float
    #: (training seed, recorded mean, re-scored mean) per seed.
    per_seed: list[tuple[int, float, float]] = field(default_factory=list)


def _import_env_module(env_id: str) -> None:
    # A multi-agent env ``<name>_vN`` lives in ``gym_inventory.multi.<name>_vN``; importing
    # it lets the module register its leaderboard evaluator.
    if re.fullmatch(r"\w+_v\d+", env_id):
        try:
            importlib.import_module(f"gym_inventory.multi.{env_id}")
        except ImportError:
            pass


def _known_ids() -> set[str]:
    import gymnasium as gym

    import gym_inventory  # noqa: F401  (registers the ids)

    return set(gym.registry) | set(evaluator_ids())


def version_flags(entry: Entry) -> list[str]:
    """Why ``entry`` cannot be compared with the installed package as is (empty: it can).

    Checks the package version, that the env id is known (registered with Gymnasium or
    through :func:`~gym_inventory.leaderboard.register_evaluator`) and has no newer
    ``-vN`` / ``_vN`` (a multi-agent env ``<name>_vN`` is imported from
    ``gym_inventory.multi`` first, so that its module can register its evaluator), and the
    env fingerprint (a change of dynamics without an id bump).
    """
    import gym_inventory

    _import_env_module(entry.env_id)
    out = []
    if entry.package_version != gym_inventory.__version__:
        out.append(
            f"made with gym-inventory {entry.package_version}, installed is "
            f"{gym_inventory.__version__}"
        )
    known = _known_ids()
    if entry.env_id not in known:
        return [*out, f"env id {entry.env_id!r} is not registered in the installed package"]
    m = _VERSIONED.match(entry.env_id)
    if m is not None:
        newer = sorted(
            k
            for k in known
            if (n := _VERSIONED.match(k)) is not None
            and (n["name"], n["sep"]) == (m["name"], m["sep"])
            and int(n["n"]) > int(m["n"])
        )
        if newer:
            out.append(f"env id {entry.env_id} has newer versions registered: {newer}")
    if entry.env_fingerprint is not None:
        now = env_fingerprint(entry.env_id, entry.env_kwargs)
        if now != entry.env_fingerprint:
            out.append(
                f"env fingerprint differs (recorded {entry.env_fingerprint[:12]}..., "
                f"installed {now[:12]}...): the env's dynamics changed"
            )
    return out


def _ci(x: float) -> float:
    return 0.0 if x is None or math.isnan(x) else float(x)


def verify_entry(entry: Entry) -> Check:
    """Rebuild each seed's policy, re-score it on the entry's evaluation episodes, compare.

    Passes when ``|re-scored mean - recorded mean| <= recorded ci95``. Does not look at
    versions: check :func:`version_flags` first.
    """
    t0 = time.perf_counter()
    _import_env_module(entry.env_id)
    ev = entry.eval
    policies = {seed: load_policy(entry, seed) for seed in entry.seeds}
    new = score_policies(
        policies,
        entry.env_id,
        entry.env_kwargs,
        episodes=ev["episodes"],
        seed=ev["seed"],
        max_steps=ev["max_steps"],
        warmup=ev["warmup"],
    )
    recorded, ci = float(ev["mean_reward"]), _ci(ev["ci95"])
    per_seed = [
        (int(old["seed"]), float(old["mean_reward"]), float(p["mean_reward"]))
        for old, p in zip(ev["per_seed"], new["per_seed"], strict=True)
    ]
    return Check(
        entry=entry,
        passed=abs(new["mean_reward"] - recorded) <= ci,
        recorded=recorded,
        recorded_ci=ci,
        measured=float(new["mean_reward"]),
        measured_ci=_ci(new["ci95"]),
        seconds=time.perf_counter() - t0,
        per_seed=per_seed,
    )


def repo_root(entry: Entry) -> Path:
    """Where an entry's command runs: the nearest ancestor of its file with a
    ``pyproject.toml`` (the repository root), else the working directory."""
    for parent in Path(entry.root).resolve().parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    return Path.cwd()


def command_argv(command: str, output: Path) -> list[str]:
    """The entry's command as an argument list, ``--output output`` appended; a leading
    ``python``/``python3`` is this interpreter."""
    argv = shlex.split(command)
    if not argv:
        raise DataError("the entry's command is empty")
    if argv[0] in ("python", "python3"):
        argv[0] = sys.executable
    return [*argv, "--output", str(output)]


def reproduce_entry(entry: Entry, *, workdir: str | Path | None = None) -> Check:
    """Run the entry's command into a temporary file and compare the new entry with it.

    The command's output (its progress bar) goes to this process's terminal. Passes when
    the intervals overlap: ``|new mean - recorded mean| <= new ci95 + recorded ci95``.

    Raises
    ------
    DataError
        If the command fails or writes no valid entry.
    """
    t0 = time.perf_counter()
    cwd = Path(workdir) if workdir is not None else repo_root(entry)
    with tempfile.TemporaryDirectory(prefix="gym-inventory-reproduce-") as tmp:
        out = Path(tmp) / f"{entry.name or 'entry'}.json"
        argv = command_argv(entry.command, out)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        try:
            proc = subprocess.run(argv, cwd=cwd, env=env, check=False)
        except OSError as exc:
            raise DataError(f"{entry.path}: cannot run command {entry.command!r}: {exc}") from exc
        if proc.returncode != 0:
            raise DataError(
                f"{entry.path}: command {entry.command!r} failed with exit status "
                f"{proc.returncode} (run in {cwd})"
            )
        new = load_entry(out)
    recorded, ci = float(entry.eval["mean_reward"]), _ci(entry.eval["ci95"])
    measured, new_ci = float(new.eval["mean_reward"]), _ci(new.eval["ci95"])
    if new.env_id != entry.env_id or new.env_kwargs != entry.env_kwargs:
        raise ConfigError(
            f"{entry.path}: the command made an entry for {new.env_id} {new.env_kwargs}, "
            f"not {entry.env_id} {entry.env_kwargs}"
        )
    per_seed = [
        (int(a["seed"]), float(a["mean_reward"]), float(b["mean_reward"]))
        for a, b in zip(entry.eval["per_seed"], new.eval["per_seed"], strict=False)
    ]
    return Check(
        entry=entry,
        passed=abs(measured - recorded) <= ci + new_ci,
        recorded=recorded,
        recorded_ci=ci,
        measured=measured,
        measured_ci=new_ci,
        seconds=time.perf_counter() - t0,
        per_seed=per_seed,
    )
