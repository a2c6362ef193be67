"""``multi_product_v0`` passes PettingZoo's own API tests and follows its conventions."""

import os
import warnings

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest

pytest.importorskip("pettingzoo")
from pettingzoo.test import (
    api_test,
    max_cycles_test,
    parallel_api_test,
    parallel_seed_test,
    performance_benchmark,
    render_test,
    seed_test,
    state_test,
)

from gym_inventory.core import CouplingConfig
from gym_inventory.errors import ConfigError
from gym_inventory.multi import multi_product_v0
from gym_inventory.multi.multi_product_v0 import AGENT_OBS_FIELDS

SMALL = dict(n_products=4)


@pytest.mark.parametrize(
    "kwargs",
    [
        SMALL,
        dict(n_products=3, action_mode="quantity", max_order=20, reward_mode="own"),
        dict(n_products=2, action_mode="continuous", backlog=True, lead_time=(0.5, 0.5)),
    ],
    ids=["order_hold_clear", "quantity-own", "continuous-backlog"],
)
def test_parallel_api(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parallel_api_test(multi_product_v0.parallel_env(**kwargs), num_cycles=200)


@pytest.mark.parametrize(
    "kwargs",
    [SMALL, dict(n_products=2, action_mode="continuous")],
    ids=["order_hold_clear", "continuous"],
)
def test_aec_api(kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        api_test(multi_product_v0.env(**kwargs), num_cycles=100)


def test_seed_tests():
    seed_test(lambda: multi_product_v0.env(**SMALL), num_cycles=50)
    parallel_seed_test(lambda: multi_product_v0.parallel_env(**SMALL), num_cycles=50)


def test_max_cycles():
    max_cycles_test(multi_product_v0)


def test_state():
    state_test(multi_product_v0.env(**SMALL), multi_product_v0.parallel_env(**SMALL))


def test_performance_benchmark(capsys):
    """PettingZoo's benchmark runs (it prints its rates). (Its ``bombardment_test`` is not
    run: its loop takes ``env.step``'s return value as the next observation, but AEC
    ``step`` returns None, so it fails for every AEC env.)"""
    performance_benchmark(multi_product_v0.env(**SMALL))
    assert "turns per second" in capsys.readouterr().out.lower()


def test_render():
    render_test(lambda render_mode: multi_product_v0.env(n_products=3, render_mode=render_mode))


def test_metadata_and_spaces():
    env = multi_product_v0.parallel_env(**SMALL)
    assert env.metadata["name"] == "multi_product_v0"
    assert env.possible_agents == [f"product_{i}" for i in range(4)]
    for a in env.possible_agents:
        assert env.observation_space(a) is env.observation_space(a)
        assert env.action_space(a) is env.action_space(a)
        assert env.observation_space(a).shape == (len(AGENT_OBS_FIELDS),)
    obs, infos = env.reset(seed=0)
    assert set(infos) == set(env.agents)
    state = env.state()
    assert state in env.state_space
    assert state.shape == (4 * 11 + 3,)
    np.testing.assert_array_equal(state[:11], obs["product_0"][:11])
    np.testing.assert_array_equal(state[-3:], obs["product_0"][-3:])
    with pytest.raises(ConfigError, match="unknown agent 'player_0'"):
        env.observation_space("player_0")


def test_rgb_render_and_coupling_config_type():
    env = multi_product_v0.parallel_env(n_products=3, render_mode="rgb_array")
    env.reset(seed=0)
    img = env.render()
    assert img.dtype == np.uint8 and img.ndim == 3
    assert isinstance(env.coupling, CouplingConfig)


def test_import_without_pettingzoo_names_the_extra():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys; sys.modules['pettingzoo'] = None\n"
        "import gym_inventory\n"
        "from gym_inventory.errors import MissingDependencyError\n"
        "try:\n"
        "    from gym_inventory.multi import multi_product_v0\n"
        "except MissingDependencyError as e:\n"
        "    print(e)\n"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src)},
        check=True,
    )
    from gym_inventory.errors import install_hint

    assert install_hint("multi") in out.stdout


def test_module_names_stay_importable_from_the_env_module():
    from gym_inventory.multi import agents, infos, products

    assert multi_product_v0.AgentInfos is infos.AgentInfos
    assert multi_product_v0.INFO_FIELDS == infos.INFO_FIELDS
    assert multi_product_v0.INFO_FIELDS[-1] == "requested"
    assert multi_product_v0.AGENT_OBS_FIELDS is agents.AGENT_OBS_FIELDS
    assert multi_product_v0.SHARED_OBS_FIELDS == (
        "warehouse_utilisation",
        "inbound_utilisation",
        "budget_left",
    )
    assert multi_product_v0.default_demand_sources is products.default_demand_sources
    assert isinstance(multi_product_v0.parallel_env(n_products=1), multi_product_v0.MultiProductEnv)
