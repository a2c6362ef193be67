"""The per-agent infos of ``multi_product_v0`` (built when read) behave as a plain dict."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

pytest.importorskip("pettingzoo")

from gym_inventory.multi import multi_product_v0
from gym_inventory.multi.multi_product_v0 import INFO_FIELDS, AgentInfos


@pytest.fixture
def stepped():
    env = multi_product_v0.parallel_env(n_products=4, budget=150.0)
    env.reset(seed=3)
    *_, infos = env.step(dict.fromkeys(env.agents, 0))
    return env, infos


def test_infos_equal_the_eager_breakdown(stepped):
    env, infos = stepped
    eager = env.last_infos()
    assert type(eager) is dict and isinstance(infos, AgentInfos)
    assert list(infos) == env.agents and set(eager["product_0"]) == set(INFO_FIELDS)
    assert infos == eager and eager == infos and not infos != eager
    assert infos["product_2"] is infos["product_2"]  # built once
    assert infos.get("product_1") == eager["product_1"] and infos.get("nope", 7) == 7


def test_every_dict_view_sees_built_values(stepped):
    env, infos = stepped
    eager = env.last_infos()
    for other in (
        dict(infos),
        {**infos},
        dict(infos.items()),
        dict(zip(infos, infos.values(), strict=True)),
        infos.copy(),
        copy.copy(infos),
        copy.deepcopy(infos),
        pickle.loads(pickle.dumps(infos)),
        json.loads(json.dumps(infos)),
        infos | {},
    ):
        assert other == eager
    assert None not in copy.copy(infos).values()
    assert repr(infos) == repr(eager)


def test_infos_are_a_snapshot_of_their_step(stepped):
    env, infos = stepped
    first = env.last_infos()
    env.step(dict.fromkeys(env.agents, 2))
    assert infos == first != env.last_infos()
    assert infos.pop("product_0") == first["product_0"] and "product_0" not in infos


def test_step_dicts_are_new_each_step():
    # (the flags and the unbuilt infos are copies of dicts kept for the episode)
    env = multi_product_v0.parallel_env(n_products=3, max_cycles=2)
    env.reset(seed=0)
    _, rew, term, trunc, infos = env.step(dict.fromkeys(env.agents, 1))
    assert term == trunc == dict.fromkeys(env.possible_agents, False)
    for d in (rew, term, trunc, infos):
        d.clear()
    _, rew, term, trunc, infos = env.step(dict.fromkeys(env.agents, 1))
    assert term == dict.fromkeys(env.possible_agents, False)
    assert trunc == dict.fromkeys(env.possible_agents, True)
    assert list(infos) == env.possible_agents and infos["product_2"]["demand"] >= 0
    env.reset()
    _, _, term, trunc, _ = env.step(dict.fromkeys(env.agents, 1))
    assert term == trunc == dict.fromkeys(env.possible_agents, False)
