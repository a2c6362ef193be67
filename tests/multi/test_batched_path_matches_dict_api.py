"""The batched path (``reset_arrays``/``step_arrays``) agrees with the dict API, and a
pickled or deep-copied env steps as the original."""

import copy
import pickle

import numpy as np
import pytest

pytest.importorskip("pettingzoo")

from gym_inventory.multi import multi_product_v0
from gym_inventory.multi.multi_product_v0 import AGENT_OBS_FIELDS


def pickle_copy(obj):
    return pickle.loads(pickle.dumps(obj))


def test_step_arrays_matches_dict_api():
    a = multi_product_v0.parallel_env(n_products=6, action_mode="quantity", max_order=60)
    b = multi_product_v0.parallel_env(n_products=6, action_mode="quantity", max_order=60)
    a.reset(seed=9)
    b.reset(seed=9)
    rng = np.random.default_rng(0)
    for _ in range(168):
        act = rng.integers(0, 61, size=6)
        o1, r1, _, tr1 = a.step_arrays(act)
        o2, r2, _, tr2, _ = b.step({f"product_{i}": int(x) for i, x in enumerate(act)})
        np.testing.assert_array_equal(o1, np.stack(list(o2.values())))
        np.testing.assert_array_equal(r1, list(r2.values()))
        assert tr1 == all(tr2.values())
    assert not a.agents and not b.agents


def test_reset_arrays_matches_reset():
    a = multi_product_v0.parallel_env(n_products=5)
    b = multi_product_v0.parallel_env(n_products=5)
    for seed in (3, None):
        obs_a = a.reset_arrays(seed=seed)
        assert obs_a.shape == (5, len(AGENT_OBS_FIELDS)) and obs_a.dtype == np.float32
        obs_b, infos = b.reset(seed=seed)
        assert a.agents == b.agents == b.possible_agents and infos == {x: {} for x in b.agents}
        np.testing.assert_array_equal(obs_a, np.stack(list(obs_b.values())))
        for t in range(200):  # past the end: both need a reset
            if not a.agents:
                break
            o1, r1, _, _ = a.step_arrays(np.full(5, t % 3))
            o2, r2, *_ = b.step(dict.fromkeys(b.agents, t % 3))
            np.testing.assert_array_equal(o1, np.stack(list(o2.values())))
            np.testing.assert_array_equal(r1, list(r2.values()))
        assert not a.agents and not b.agents


@pytest.mark.parametrize("copy", [pickle_copy, copy.deepcopy], ids=["pickle", "deepcopy"])
def test_copied_env_steps_as_the_original(copy):
    env = multi_product_v0.parallel_env(n_products=4, budget=200.0)
    env.reset_arrays(seed=1)
    for _ in range(5):
        env.step_arrays(np.array([0, 1, 2, 0]))
    twin = copy(env)
    for t in range(40):
        act = np.array([t % 3, 0, 1, (t + 1) % 3])
        o1, r1, _, _ = env.step_arrays(act)
        o2, r2, _, _ = twin.step_arrays(act)
        np.testing.assert_array_equal(o1, o2)
        np.testing.assert_array_equal(r1, r2)
        assert twin.state().tobytes() == env.state().tobytes()
    assert o2 is twin.step_arrays(act)[0]  # still the twin's own buffer, updated in place
    np.testing.assert_array_equal(o2, env.step_arrays(act)[0])


def test_requested_orders_are_kept_not_the_callers_array():
    env = multi_product_v0.parallel_env(
        n_products=3, action_mode="quantity", max_order=50, budget=100.0, unit_cost=5.0
    )
    env.reset_arrays(seed=0)
    actions = np.array([40, 0, 20])  # more than the budget buys: scaled down
    env.step_arrays(actions)
    actions[:] = 7  # the caller reuses its array
    infos = env.last_infos()
    assert [infos[f"product_{i}"]["requested"] for i in range(3)] == [40, 0, 20]
    assert sum(infos[f"product_{i}"]["ordered"] for i in range(3)) < 60
