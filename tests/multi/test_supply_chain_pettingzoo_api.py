"""``supply_chain_v0`` passes PettingZoo's own API tests on every topology and preset."""

import functools
import warnings
from types import SimpleNamespace

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

from gym_inventory.multi import supply_chain_v0

CASES = {
    "serial": dict(n_stages=3, lead_times=(1, 0, 2), info_delays=(1, 0, 0), max_cycles=60),
    "divergent": dict(
        topology="divergent", n_retailers=3, lead_times=(1, 2, 0, 1), backlog=False,
        info_delays=(0, 1, 0, 2), max_cycles=60,
    ),
    "beer_game": dict(preset="beer_game"),
    "clark_scarf": dict(preset="clark_scarf", max_cycles=60, reward_mode="own"),
}  # fmt: skip
IDS = list(CASES)


def make(name, **extra):
    return {**CASES[name], **extra}


@pytest.mark.parametrize("name", IDS)
def test_parallel_api(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parallel_api_test(supply_chain_v0.parallel_env(**make(name)), num_cycles=150)


@pytest.mark.parametrize("name", IDS)
def test_aec_api(name):
    """(The chains start empty, so the first observation is all zeros: the one warning
    allowed, PettingZoo's heuristic for a broken observation.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", "Observation numpy array is all zeros")
        api_test(supply_chain_v0.env(**make(name)), num_cycles=100)


@pytest.mark.parametrize("name", IDS)
def test_seed_tests(name):
    seed_test(lambda: supply_chain_v0.env(**make(name)), num_cycles=50)
    parallel_seed_test(lambda: supply_chain_v0.parallel_env(**make(name)), num_cycles=50)


@pytest.mark.parametrize("name", IDS)
def test_state(name):
    state_test(supply_chain_v0.env(**make(name)), supply_chain_v0.parallel_env(**make(name)))


@pytest.mark.parametrize("name", IDS)
def test_render(name):
    render_test(lambda render_mode: supply_chain_v0.env(**make(name), render_mode=render_mode))


@pytest.mark.parametrize("name", IDS)
def test_max_cycles(name):
    kwargs = {k: v for k, v in CASES[name].items() if k != "max_cycles"}
    module = SimpleNamespace(
        parallel_env=functools.partial(supply_chain_v0.parallel_env, **kwargs),
        env=functools.partial(supply_chain_v0.env, **kwargs),
    )
    max_cycles_test(module)


@pytest.mark.parametrize("name", IDS)
def test_performance_benchmark(name, capsys):
    """PettingZoo's benchmark runs (its rates are printed, not compared: timings are for
    ``benchmarks/``)."""
    performance_benchmark(supply_chain_v0.env(**make(name)))
    assert "turns per second" in capsys.readouterr().out.lower()


@pytest.mark.parametrize("name", IDS)
def test_state_holds_every_observation(name):
    env = supply_chain_v0.parallel_env(**make(name))
    obs, _ = env.reset(seed=1)
    rng = np.random.default_rng(0)
    for _ in range(20):
        actions = {a: int(rng.integers(0, 4)) for a in env.agents}
        obs, *_ = env.step(actions)
        state = env.state()
        assert env.state_space.contains(state)
        n = len(obs) * len(obs[env.possible_agents[0]])
        np.testing.assert_array_equal(state[:n], np.concatenate(list(obs.values())))
