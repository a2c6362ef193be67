"""``supply_chain_v0`` refuses bad arguments and actions with one clear error, before
anything changes."""

import math

import numpy as np
import pytest

pytest.importorskip("pettingzoo")

from gym_inventory.envs.supply import SupplyChainModel
from gym_inventory.envs.supply_config import SupplyChainConfig
from gym_inventory.errors import ActionError, ArgumentError, ConfigError
from gym_inventory.multi import supply_chain_v0


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(topology="tree"), "topology"),
        (dict(n_stages=0), "n_stages"),
        (dict(n_stages=2.5), "n_stages"),
        (dict(topology="divergent", n_retailers=0), "n_retailers"),
        (dict(topology="divergent", n_retailers=2, n_stages=4), "n_stages"),
        (dict(n_retailers=3), "n_retailers"),
        (dict(lead_times=-1), "lead_times"),
        (dict(lead_times=(1, 2)), "lead_times"),
        (dict(lead_times=(1, 2, "x", 1)), "lead_times[2]"),
        (dict(info_delays=(0, 0, 0, -2)), "info_delays[3]"),
        (dict(holding_costs=-1.0), "holding_costs"),
        (dict(holding_costs=(1, 1, math.nan, 1)), "holding_costs[2]"),
        (dict(penalty_cost=-3), "penalty_cost"),
        (dict(internal_backlog_cost="a"), "internal_backlog_cost"),
        (dict(pipeline_costs=math.inf), "pipeline_costs"),
        (dict(backlog=1), "backlog"),
        (dict(demand="poisson"), "demand"),
        (dict(demand=[1, 2]), "demand"),
        (dict(demand_mean=-1.0), "demand_mean"),
        (dict(supply_capacity=-5), "supply_capacity"),
        (dict(supply_capacity=2.5), "supply_capacity"),
        (dict(initial_stock=(1, 2, 3, 0.5)), "initial_stock[3]"),
        (dict(max_order=0), "max_order"),
        (dict(preset="beer"), "preset"),
        (dict(reward_mode="mine"), "reward_mode"),
        (dict(max_cycles=0), "max_cycles"),
        (dict(render_mode="video"), "render_mode"),
        (dict(agent_info="yes"), "agent_info"),
    ],
)
def test_bad_arguments_raise_a_config_error_naming_the_field(kwargs, field):
    with pytest.raises(ConfigError, match=field.replace("[", r"\[")):
        supply_chain_v0.parallel_env(**kwargs)


def test_unknown_arguments_are_refused():
    with pytest.raises(ArgumentError, match="lead_time"):
        supply_chain_v0.parallel_env(lead_time=2)


def test_a_good_config_and_each_preset_build():
    for preset in ("beer_game", "clark_scarf"):
        assert SupplyChainConfig.preset(preset).n_stages in (3, 4)
    env = supply_chain_v0.parallel_env(preset="beer_game", holding_costs=3.0, max_cycles=7)
    assert env.config.holding_costs == (3.0,) * 4 and env.max_cycles == 7
    with pytest.raises(ConfigError, match="lead_times must be one value or a sequence of one"):
        supply_chain_v0.parallel_env(preset="beer_game", n_stages=2)  # (its 4 lead times)


@pytest.fixture
def env():
    e = supply_chain_v0.parallel_env(n_stages=3, max_order=5)
    e.reset(seed=0)
    return e


@pytest.mark.parametrize(
    "actions, match",
    [
        ({"stage_0": 1, "stage_1": 1}, "missing"),
        ({"stage_0": 1, "stage_1": 1, "stage_2": 1, "stage_9": 1}, "unknown"),
        ({"stage_0": 1, "stage_1": 6, "stage_2": 1}, "stage_1"),
        ({"stage_0": 1, "stage_1": -1, "stage_2": 1}, "stage_1"),
        ({"stage_0": 1.0, "stage_1": 1, "stage_2": 1}, "stage_0"),
        ({"stage_0": True, "stage_1": 1, "stage_2": 1}, "stage_0"),
        ([1, 1, 1], "dict"),
    ],
)
def test_bad_actions_raise_an_action_error_and_change_nothing(env, actions, match):
    before = (env.state().copy(), env.time)
    with pytest.raises(ActionError, match=match):
        env.step(actions)
    np.testing.assert_array_equal(env.state(), before[0])
    assert env.time == before[1]


def test_bad_action_arrays_raise(env):
    with pytest.raises(ActionError, match="shape"):
        env.step_arrays(np.array([1, 1]))
    with pytest.raises(ActionError, match="stage_2"):
        env.step_arrays(np.array([1, 1, 7]))
    with pytest.raises(ActionError):
        env.step_arrays(np.array([1.0, 1.0, 1.0]))


def test_aec_env_raises_at_the_offending_agents_turn():
    aec = supply_chain_v0.env(n_stages=2)
    aec.reset(seed=0)
    with pytest.raises(ActionError, match="stage_0"):
        aec.step(-1)


def test_the_model_refuses_bad_orders_and_arguments():
    model = SupplyChainModel(SupplyChainConfig(n_stages=2), 2)
    model.reset([np.random.default_rng(0), np.random.default_rng(1)])
    for bad in (np.full((2, 2), -1.0), np.full((2, 2), 0.5), np.full((2, 2), np.nan), "x"):
        with pytest.raises(ActionError, match="order"):
            model.step(bad)
    with pytest.raises(ConfigError, match="active"):
        model.step(np.zeros((2, 2)), active=np.ones(3, dtype=bool))
    with pytest.raises(ConfigError, match="batch_size"):
        SupplyChainModel(SupplyChainConfig(), 0)
    with pytest.raises(ConfigError, match="generator"):
        model.reset([np.random.default_rng(0)])
