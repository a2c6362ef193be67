"""``supply_chain_v0``'s period: units are conserved, no stage ships more than it holds,
the period's steps happen as the env card lists them, one stage is the single-stage env."""

import hashlib
import math

import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("pettingzoo")

import gym_inventory  # noqa: F401  (registers the ids)
from gym_inventory.core.supply import SUPPLY_RECORD_FIELDS, allocate
from gym_inventory.demand import ConstantDemand
from gym_inventory.envs.supply import SupplyChainModel
from gym_inventory.envs.supply_config import SupplyChainConfig
from gym_inventory.multi import supply_chain_v0

F = {name: i for i, name in enumerate(SUPPLY_RECORD_FIELDS)}


def run(config, orders, batch=3, seed=0):
    """Step ``batch`` copies through ``orders`` ``(T, B, S)``; yield each record."""
    model = SupplyChainModel(config, batch)
    model.reset([np.random.default_rng(seed + b) for b in range(batch)])
    for o in orders:
        on_hand_before = model.on_hand.copy()
        yield model, on_hand_before, model.step(o.astype(float))


chains = st.fixed_dictionaries(
    {
        "topology": st.sampled_from(["serial", "divergent"]),
        "size": st.integers(1, 4),
        "lead": st.lists(st.integers(0, 3), min_size=5, max_size=5),
        "delay": st.lists(st.integers(0, 2), min_size=5, max_size=5),
        "stock": st.lists(st.integers(0, 6), min_size=5, max_size=5),
        "backlog": st.booleans(),
        "mean": st.floats(0.5, 6.0),
        "capacity": st.sampled_from([math.inf, 3.0]),
    }
)


def build(c):
    divergent = c["topology"] == "divergent"
    S = c["size"] + 1 if divergent else c["size"]
    size = dict(n_retailers=c["size"]) if divergent else dict(n_stages=S)
    return SupplyChainConfig(
        topology=c["topology"], **size, lead_times=c["lead"][:S], info_delays=c["delay"][:S],
        initial_stock=c["stock"][:S], backlog=c["backlog"], demand_mean=c["mean"],
        supply_capacity=c["capacity"],
    )  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(chains, st.integers(0, 2**16))
def test_units_are_conserved_and_no_stage_ships_more_than_it_holds(c, seed):
    config = build(c)
    S, R = config.n_stages, config.n_retailers
    T, B = 40, 3
    orders = np.random.default_rng(seed).integers(0, 9, (T, B, S))
    shipped_in = np.zeros((B, S))
    shipped_out = np.zeros((B, S))
    supplied = np.zeros(B)
    asked = np.zeros((B, S - R))
    for model, before, rec in run(config, orders, B, seed):
        arrived, sold, ordered = (
            rec[:, :, F["arrived"]],
            rec[:, :, F["sold"]],
            rec[:, :, F["ordered"]],
        )
        # no stage ships more than it holds (its stock before plus what arrives now)
        assert (sold <= before + arrived).all()
        assert (model.on_hand >= 0).all() and (model.backlog >= 0).all()
        # what each upstream ships is what its downstream receives into its pipeline
        if config.divergent:
            np.testing.assert_array_equal(sold[:, -1], ordered[:, :R].sum(axis=1))
        else:
            np.testing.assert_array_equal(sold[:, 1:], ordered[:, :-1])
        assert (ordered[:, -1] <= config.supply_capacity).all()
        supplied += ordered[:, -1]
        shipped_in += ordered
        shipped_out += sold
        # per stage: units in = units out + stock + in transit
        np.testing.assert_array_equal(
            model.initial_stock + shipped_in, shipped_out + model.on_hand + model.in_transit()
        )
        # the whole chain: what the supplier sent is with the customers, on hand or in transit
        at_customers = shipped_out[:, :R].sum(axis=1)
        held = model.on_hand.sum(axis=1) + model.in_transit().sum(axis=1)
        np.testing.assert_array_equal(model.initial_stock.sum() + supplied, at_customers + held)
        # internal backlog is never lost: an upstream owes what reached it and was not shipped
        asked += rec[:, R:, F["demand"]]
        np.testing.assert_array_equal(model.backlog[:, R:], asked - shipped_out[:, R:])
        if config.divergent:
            np.testing.assert_array_equal(model.owed.sum(axis=1), model.backlog[:, -1])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=6), st.integers(0, 60))
def test_allocation_is_proportional_within_one_unit_and_exact(claims, total):
    need = np.array(claims, dtype=float)
    total = min(float(total), need.sum())
    out = np.empty(len(need))
    allocate(total, need, out)
    assert out.sum() == total
    assert (out <= need).all() and (out >= 0).all()
    if need.sum() > 0:
        assert (np.abs(out - need * total / need.sum()) < 1.0 + 1e-9).all()


def test_allocation_breaks_ties_to_the_lower_index():
    out = np.empty(3)
    allocate(1.0, np.array([1.0, 1.0, 1.0]), out)
    assert out.tolist() == [1.0, 0.0, 0.0]
    allocate(5.0, np.array([4.0, 2.0, 2.0]), out)  # shares 2.5, 1.25, 1.25
    assert out.tolist() == [3.0, 1.0, 1.0]


@pytest.mark.parametrize(
    "env_id, backlog",
    [("InventoryBackorder-v0", True), ("InventoryLostSales-v0", False)],
)
@pytest.mark.parametrize("lead", [0, 1, 3])
def test_one_stage_is_the_single_stage_env_bit_for_bit(env_id, backlog, lead):
    costs = dict(holding_cost=1.5, penalty_cost=7.0, unit_cost=0.5, fixed_cost=2.0)
    single = gym.make(env_id, lead_time=lead, demand_mean=4.0, initial_stock=3, **costs)
    chain = supply_chain_v0.parallel_env(
        n_stages=1, lead_times=lead, holding_costs=costs["holding_cost"],
        penalty_cost=costs["penalty_cost"], unit_cost=costs["unit_cost"],
        fixed_cost=costs["fixed_cost"], backlog=backlog, demand_mean=4.0, initial_stock=3,
        max_cycles=600,
    )  # fmt: skip
    obs1, _ = single.reset(seed=11)
    obs2, _ = chain.reset(seed=11)
    rng = np.random.default_rng(2)
    for _ in range(600):
        a = int(rng.integers(0, 15))
        obs1, r1, _, _, info1 = single.step(a)
        obs2, r2, _, _, infos = chain.step({"stage_0": a})
        info2 = infos["stage_0"]
        assert r2["stage_0"] == r1  # (==: bit for bit)
        for key, value in info1.items():
            assert info2[key] == value, key
        o = obs2["stage_0"]
        level = o[0] - o[1] if backlog else o[0]  # on hand (- backlog)
        assert level == obs1[0]
        np.testing.assert_array_equal(o[4:], obs1[1:])  # the pipeline by arrival


def test_zero_lead_links_pass_stock_through_in_the_same_period():
    config = SupplyChainConfig(n_stages=3, lead_times=0, demand=ConstantDemand(2))
    model = SupplyChainModel(config, 1)
    model.reset([np.random.default_rng(0)])
    rec = model.step(np.array([[0.0, 0.0, 5.0]]))  # only the top orders: it gets them now
    assert rec[0, :, F["sold"]].tolist() == [0.0, 0.0, 0.0]
    assert model.on_hand[0].tolist() == [0.0, 0.0, 5.0]
    assert model.backlog[0].tolist() == [2.0, 0.0, 0.0]
    rec = model.step(np.array([[4.0, 4.0, 0.0]]))  # top -> 1 -> 0 -> customers, at once
    assert rec[0, :, F["sold"]].tolist() == [4.0, 4.0, 4.0]  # (the retailer: 2 owed + 2)
    assert model.on_hand[0].tolist() == [0.0, 0.0, 1.0]
    assert model.backlog[0].tolist() == [0.0, 0.0, 0.0]


def test_information_delay_and_lead_time_as_the_card_says():
    config = SupplyChainConfig(
        n_stages=2, lead_times=(2, 1), info_delays=(1, 0), initial_stock=(0, 10),
        demand=ConstantDemand(0),
    )  # fmt: skip
    model = SupplyChainModel(config, 1)
    model.reset([np.random.default_rng(0)])
    shipped = []
    for t in range(5):
        o = np.array([[3.0 if t == 0 else 0.0, 0.0]])
        rec = model.step(o)
        shipped.append(rec[0, 1, F["sold"]])
        if t == 0:  # the order is on its way upstream: on order, not yet received
            assert model.obs[0, 0, 3] == 3.0 and model.obs[0, 1, 2] == 0.0
    assert shipped == [0.0, 3.0, 0.0, 0.0, 0.0]  # seen upstream one period later
    assert model.on_hand[0].tolist() == [3.0, 7.0]  # shipped in t=1, arrived t=3


def test_supply_capacity_cuts_the_top_order_for_good():
    config = SupplyChainConfig(
        n_stages=1, lead_times=0, supply_capacity=4, demand=ConstantDemand(0)
    )
    model = SupplyChainModel(config, 1)
    model.reset([np.random.default_rng(0)])
    model.step(np.array([[10.0]]))
    model.step(np.array([[0.0]]))
    assert model.on_hand[0, 0] == 4.0


def test_a_short_warehouse_allocates_by_claims():
    config = SupplyChainConfig(
        topology="divergent", n_retailers=2, lead_times=(0, 0, 1), initial_stock=(0, 0, 5),
        demand=ConstantDemand(0),
    )  # fmt: skip
    model = SupplyChainModel(config, 1)
    model.reset([np.random.default_rng(0)])
    rec = model.step(np.array([[6.0, 2.0, 0.0]]))  # claims 6 and 2 on 5 units
    assert rec[0, :2, F["ordered"]].tolist() == [4.0, 1.0]  # 3.75 -> 4, 1.25 -> 1
    assert model.owed[0].tolist() == [2.0, 1.0]
    assert model.backlog[0, 2] == 3.0
    assert model.obs[0, :2, 3].tolist() == [2.0, 1.0]  # on order = owed


@pytest.mark.parametrize("topology", ["serial", "divergent"])
def test_echelon_position_is_the_sum_of_local_positions_without_delays(topology):
    size = dict(n_stages=3) if topology == "serial" else dict(n_retailers=2)
    config = SupplyChainConfig(topology=topology, **size, lead_times=(1, 2, 1), demand_mean=3.0)
    model = SupplyChainModel(config, 4)
    model.reset([np.random.default_rng(b) for b in range(4)])
    rng = np.random.default_rng(0)
    for _ in range(50):
        model.step(rng.integers(0, 6, (4, 3)).astype(float))
        o = model.obs.astype(float)
        local = o[:, :, 0] - o[:, :, 1] + o[:, :, 3] + o[:, :, 4:].sum(axis=2)
        if topology == "serial":  # stages 0..s
            want = np.cumsum(local, axis=1)
        else:  # a retailer alone; the warehouse with every retailer
            want = np.concatenate([local[:, :2], local.sum(axis=1, keepdims=True)], axis=1)
        np.testing.assert_array_equal(model.echelon_position(), want)


def test_echelon_position_counts_orders_on_their_way_upstream():
    config = SupplyChainConfig(n_stages=2, lead_times=1, info_delays=(2, 0), demand_mean=0.0)
    model = SupplyChainModel(config, 1)
    model.reset([np.random.default_rng(0)])
    model.step(np.array([[3.0, 0.0]]))
    assert model.echelon_position()[0].tolist() == [3.0, 0.0]  # stage 1 has not seen it


def test_rewards_team_and_own():
    kw = dict(preset="beer_game")
    team, own = (
        supply_chain_v0.parallel_env(**kw),
        supply_chain_v0.parallel_env(**kw, reward_mode="own"),
    )
    team.reset(seed=3)
    own.reset(seed=3)
    for t in range(30):
        actions = {a: (t + i) % 3 for i, a in enumerate(team.agents)}
        _, rt, *_, infos = team.step(actions)
        _, ro, *_ = own.step(actions)
        total = sum(ro.values())
        assert all(v == pytest.approx(total) for v in rt.values())
        for a in team.agents:
            i = infos[a]
            assert -ro[a] == pytest.approx(i["holding"] + i["penalty"] + i["ordering"])


def test_beer_game_preset_costs_as_the_paper():
    env = supply_chain_v0.parallel_env(preset="beer_game")
    c = env.config
    assert (c.lead_times, c.info_delays, c.holding_costs) == (
        (2, 2, 2, 4),
        (2, 2, 2, 0),
        (2.0,) * 4,
    )
    assert (c.penalty_cost, c.internal_backlog_cost, env.max_cycles) == (2.0, 0.0, 100)
    values, probs = c.demand[0].finite_pmf()
    assert values.tolist() == [0.0, 1.0, 2.0] and np.allclose(probs, 1 / 3)


def trajectory_hash(**kwargs) -> str:
    env = supply_chain_v0.parallel_env(**kwargs)
    h = hashlib.sha256()
    obs, _ = env.reset(seed=0)
    rng = np.random.default_rng(1)
    while env.agents:
        actions = {a: int(rng.integers(0, 4)) for a in env.agents}
        obs, rewards, _, _, infos = env.step(actions)
        for a in env.possible_agents:
            h.update(obs[a].tobytes())
            h.update(np.float64(rewards[a]).tobytes())
            h.update(np.array(list(infos[a].values())).tobytes())
    return h.hexdigest()


GOLDEN = {
    "beer_game": "fd4c194fcba629fc54e52c8227392c7f1a21d54da016a1aadeba77128da59b95",
    "divergent": "bd1b2bc93e1cc4a94b29cb804acc33e35886f867ff8f45c8286fb354498bab23",
}
GOLDEN_KWARGS = {
    "beer_game": dict(preset="beer_game"),
    "divergent": dict(
        topology="divergent", n_retailers=3, lead_times=(1, 0, 2, 1), info_delays=(0, 1, 0, 1),
        backlog=False, initial_stock=4, pipeline_costs=0.25, internal_backlog_cost=0.5,
        max_cycles=300,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(GOLDEN))
def test_golden_trajectory(name):
    assert trajectory_hash(**GOLDEN_KWARGS[name]) == GOLDEN[name]


if __name__ == "__main__":  # print the hashes to record
    for name, kwargs in GOLDEN_KWARGS.items():
        print(name, trajectory_hash(**kwargs))


def test_clark_scarf_preset_is_example_6_1_in_this_packages_timing():
    c = SupplyChainConfig.preset("clark_scarf")
    assert (c.n_stages, c.holding_costs, c.penalty_cost) == (3, (7.0, 4.0, 2.0), 37.12)
    assert c.lead_times == (0, 1, 2)  # the book's (1, 1, 2), ordering before demand
    assert c.demand[0].mean(np.arange(1))[0] == pytest.approx(5.0, abs=1e-6)


def test_pickled_mid_episode_the_env_continues_identically():
    import pickle

    env = supply_chain_v0.parallel_env(preset="beer_game", max_cycles=400)
    env.reset(seed=5)
    for t in range(200):
        env.step({a: (t + i) % 3 for i, a in enumerate(env.agents)})
    twin = pickle.loads(pickle.dumps(env))
    for t in range(200):  # (across the end of the first demand block, period 256)
        actions = {a: (2 * t + i) % 3 for i, a in enumerate(env.agents)}
        o1, r1, *_ = env.step(actions)
        o2, r2, *_ = twin.step(actions)
        assert r1 == r2
        for a in o1:
            np.testing.assert_array_equal(o1[a], o2[a])
    assert not env.agents and not twin.agents


def test_inactive_copies_keep_their_state_and_their_demand():
    config = SupplyChainConfig(n_stages=2, lead_times=1, info_delays=(1, 0), initial_stock=3)
    both = SupplyChainModel(config, 2)
    both.reset([np.random.default_rng(7), np.random.default_rng(8)])
    alone = SupplyChainModel(config, 1)
    alone.reset([np.random.default_rng(8)])
    pause = np.array([True, False])
    for t in range(300):
        o = np.full((2, 2), float(t % 5))
        if t < 20:  # copy 1 paused: nothing moves, its record is zeros
            before = (both.on_hand[1].copy(), both.time[1])
            rec = both.step(o, active=pause)
            assert (rec[1] == 0).all() and (both.on_hand[1] == before[0]).all()
            assert both.time[1] == before[1]
            continue
        rec = both.step(o)
        np.testing.assert_array_equal(rec[1], alone.step(o[1:])[0])  # its own demand stream
