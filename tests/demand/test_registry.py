"""The demand registry, entry-point plug-ins, and demand= in the env."""

import importlib.metadata

import gymnasium as gym
import numpy as np
import pytest

import gym_inventory  # noqa: F401  (registers the env ids)
from gym_inventory.demand import (
    ENTRY_POINT_GROUP,
    DemandSource,
    InstacartDemand,
    PoissonDemand,
    available,
    make_demand,
    register_demand,
    registry,
)
from gym_inventory.envs.inventory import default_demand
from gym_inventory.errors import ConfigError

BUILTINS = {
    "poisson": {"mean": 3.0},
    "negative_binomial": {"mean": 3.0, "variance": 6.0},
    "normal": {"mu": 5.0, "sigma": 1.0},
    "discrete": {"pmf": [0.5, 0.5]},
    "constant": {"value": 2},
    "seasonal": {
        "profile": np.ones(168),
        "mean": 2.0,
        "base": "negative_binomial",
        "base_kwargs": {"mean": 1.0, "variance": 3.0},
    },
    "empirical": {"data": [1, 2, 3]},
    "instacart": {"product_id": 13176, "mean": 5.0},
}


class TwiceDemand(DemandSource):
    """A third-party source: demand is always ``2 * half``."""

    def __init__(self, half: int = 1) -> None:
        self.half = half

    def sample(self, rng, periods):
        return np.full(len(periods), 2.0 * self.half)

    def mean(self, periods):
        return np.full(len(periods), 2.0 * self.half)


@pytest.fixture
def clean_registry(monkeypatch):
    """Give each test its own registry state (built-ins, no plug-ins loaded yet)."""
    monkeypatch.setattr(registry, "_REGISTRY", {})
    monkeypatch.setattr(registry, "_entry_points_loaded", False)


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_by_name(name):
    src = make_demand(name, **BUILTINS[name])
    assert isinstance(src, DemandSource)
    x = src.sample(np.random.default_rng(0), np.arange(10))
    assert x.shape == (10,)
    assert name in available()


def test_instacart_signature_and_default():
    assert isinstance(make_demand("instacart", product_id=24852), InstacartDemand)
    d = default_demand()
    assert d.product_id == 24852
    assert d.mean(np.arange(168)).mean() == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("poisson-ish", {}, "unknown demand source 'poisson-ish'; available: \\["),
        ("poisson", {"mean": 1.0, "lam": 2.0}, "bad keyword arguments for demand 'poisson'"),
        ("negative_binomial", {"mean": 1.0}, "missing a required argument: 'variance'"),
        (
            "seasonal",
            {"profile": np.ones(168), "mean": 1.0, "base_kwargs": {"a": 1}},
            "base_kwargs only applies",
        ),
    ],
)
def test_make_demand_errors(name, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        make_demand(name, **kwargs)


def test_register_demand_and_use_in_env(clean_registry):
    register_demand("twice", TwiceDemand)
    assert "twice" in available()
    env = gym.make("Inventory-v0", demand="twice", demand_kwargs={"half": 3})
    env.reset(seed=0)
    _, _, _, _, info = env.step(1)
    assert info["demand"] == 6.0
    with pytest.raises(ConfigError, match="bad keyword arguments for demand 'twice'"):
        gym.make("Inventory-v0", demand="twice", demand_kwargs={"third": 3})


def test_register_demand_validates(clean_registry):
    with pytest.raises(ConfigError, match="non-empty str"):
        register_demand("", TwiceDemand)
    with pytest.raises(ConfigError, match="must be callable"):
        register_demand("x", 3)
    register_demand("not_a_source", lambda: 42)
    with pytest.raises(ConfigError, match="returned int, not a gym_inventory"):
        make_demand("not_a_source")


def _fake_entry_points(monkeypatch, *eps):
    calls = []

    def entry_points(group=None, **kw):
        calls.append(group)
        return [e for e in eps if e.group == group]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    return calls


def test_entry_point_plugin_is_loaded_lazily_by_name(clean_registry, monkeypatch):
    ep = importlib.metadata.EntryPoint(
        name="twice", value=f"{__name__}:TwiceDemand", group=ENTRY_POINT_GROUP
    )
    calls = _fake_entry_points(monkeypatch, ep)
    make_demand("poisson", mean=1.0)  # a built-in name does not read entry points
    assert calls == []
    env = gym.make("Inventory-v0", demand="twice", demand_kwargs={"half": 2})
    assert calls == [ENTRY_POINT_GROUP]
    env.reset(seed=1)
    assert env.step(1)[4]["demand"] == 4.0
    assert "twice" in available()
    assert calls == [ENTRY_POINT_GROUP]  # read once


def test_broken_plugin_names_itself(clean_registry, monkeypatch):
    ep = importlib.metadata.EntryPoint(
        name="broken", value="no_such_module_xyz:Demand", group=ENTRY_POINT_GROUP
    )
    _fake_entry_points(monkeypatch, ep)
    assert "broken" in available()  # listed without importing it
    with pytest.raises(ConfigError, match=r"demand plug-in 'broken' .*no_such_module_xyz"):
        make_demand("broken")


def test_builtin_wins_over_plugin_of_same_name(clean_registry, monkeypatch):
    ep = importlib.metadata.EntryPoint(
        name="poisson", value=f"{__name__}:TwiceDemand", group=ENTRY_POINT_GROUP
    )
    _fake_entry_points(monkeypatch, ep)
    available()
    assert isinstance(make_demand("poisson", mean=1.0), PoissonDemand)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"demand": 3}, "demand must be"),
        ({"demand": "nope"}, "demand must be .* registered name"),
        ({"demand": "poisson", "demand_kwargs": [1]}, "demand_kwargs must be a dict"),
        ({"demand": PoissonDemand(1.0), "demand_kwargs": {"mean": 2}}, "only applies"),
    ],
)
def test_env_demand_argument_errors(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        gym.make("Inventory-v0", **kwargs)


def test_env_demand_by_name_equals_object():
    a = gym.make("Inventory-v0", demand="poisson", demand_kwargs={"mean": 4.0})
    b = gym.make("Inventory-v0", demand=PoissonDemand(4.0))
    a.reset(seed=3)
    b.reset(seed=3)
    da = [a.step(1)[4]["demand"] for _ in range(50)]
    db = [b.step(1)[4]["demand"] for _ in range(50)]
    assert da == db


def test_default_env_needs_only_numpy():
    """The default demand reads pre-aggregated counts: no pandas, pyarrow or scipy."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "for m in ('pandas', 'pyarrow', 'scipy'): sys.modules[m] = None\n"
        "import gymnasium as gym, gym_inventory\n"
        "env = gym.make('Inventory-v0'); env.reset(seed=0); env.step(1)\n"
        "from gym_inventory.demand.instacart import load_counts\n"
        "try:\n    load_counts()\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    from gym_inventory.errors import install_hint

    assert install_hint("data") in out.stdout
