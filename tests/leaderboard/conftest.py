"""Small, real leaderboard entries built in a temporary directory."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gym_inventory.leaderboard import make_entry, save_entry, save_mlp
from gym_inventory.policies import BaseStock

ENV = "InventoryLostSales-v0"
#: A short evaluation spec (the committed entries use the standard one).
SPEC = dict(episodes=8, eval_seed=1_000_000, max_steps=300, warmup=50)


def rule_entry(directory: Path, name: str = f"{ENV}__base-stock", S: int = 19):
    """A base-stock entry scored for real on the short spec, saved in ``directory``."""
    entry = make_entry(
        {0: BaseStock(S, env_id=ENV)},
        env_id=ENV,
        policy="base stock",
        kind="rule",
        information="model",
        command=f"python baselines/rule_entries.py --env-id {ENV} --policy base-stock",
        artifact={"format": "rule", "params": {"class": "BaseStock", "params": {"S": S}}},
        optimal_cost=None,
        **SPEC,
    )
    return save_entry(entry, directory / f"{name}.json")


def edit(path: Path, **changes) -> Path:
    """Rewrite fields of an entry file (``eval__mean_reward=...`` sets ``eval.mean_reward``)."""
    data = json.loads(path.read_text())
    for key, value in changes.items():
        *outer, last = key.split("__")
        target = data
        for k in outer:
            target = target[k]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    path.write_text(json.dumps(data))
    return path


_DELETE = object()


def mlp_entry(directory: Path, seeds=(0, 1, 2, 3, 4), curve: bool = True):
    """A learned entry of 5 random "mlp" policies on ``ENV`` (obs of 3 entries, orders 0..20)
    with a learning-curve CSV."""
    name = f"{ENV}__mlp"
    art = directory / "artifacts" / name
    art.mkdir(parents=True, exist_ok=True)
    files, policies = {}, {}
    from gym_inventory.leaderboard import MLPPolicy

    for s in seeds:
        rng = np.random.default_rng(s)
        path = save_mlp(
            art / f"seed{s}.npz",
            [rng.normal(size=(3, 8)), rng.normal(size=(8, 21))],
            [np.zeros(8), rng.normal(size=21)],
            obs_mean=np.full(3, 5.0),
            obs_std=np.full(3, 5.0),
        )
        files[str(s)] = [str(path.relative_to(directory))]
        policies[s] = MLPPolicy(path)
    lc = None
    if curve:
        lc_path = art / "learning_curve.csv"
        rows = ["seed,step,mean_reward"]
        for s in seeds:
            rows += [f"{s},{step},{-20 + step / 100 + s * 0.1}" for step in (0, 500, 1000)]
        lc_path.write_text("\n".join(rows) + "\n")
        lc = str(lc_path.relative_to(directory))
    entry = make_entry(
        policies,
        env_id=ENV,
        policy="random MLP",
        kind="learned",
        information="observation",
        command="python train.py",
        artifact={"format": "mlp", "params": {}, "files": files},
        library={"name": "numpy", "version": np.__version__},
        train_steps=1000,
        train_seconds=1.0,
        learning_curve=lc,
        optimal_cost=None,
        **SPEC,
    )
    return save_entry(entry, directory / f"{name}.json")


@pytest.fixture
def entry_dir(tmp_path) -> Path:
    """A directory holding one real base-stock entry, ``InventoryLostSales-v0__base-stock``."""
    rule_entry(tmp_path)
    return tmp_path


class Helpers:
    """The module's helpers, for tests (``--import-mode=importlib`` cannot import conftest)."""

    ENV = ENV
    SPEC = SPEC
    DELETE = _DELETE
    rule_entry = staticmethod(rule_entry)
    mlp_entry = staticmethod(mlp_entry)
    edit = staticmethod(edit)


@pytest.fixture
def lb() -> type[Helpers]:
    return Helpers
