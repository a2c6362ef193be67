"""Properties of the kernel's coupling rules (shared capacity, ordering budget), which
``multi_product_v0`` documents in its env card."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gym_inventory.core import CouplingConfig, InventoryConfig, InventoryKernel

pytest.importorskip("pettingzoo")
from gym_inventory.demand import PoissonDemand
from gym_inventory.multi import multi_product_v0

money = st.floats(0.0, 50.0, allow_nan=False).map(lambda x: round(x, 2))


@st.composite
def coupled_kernels(draw):
    P = draw(st.integers(1, 6))
    B = draw(st.integers(1, 3))
    backlog = draw(st.booleans())
    cfgs = []
    for _ in range(P):
        cap = draw(st.one_of(st.just(math.inf), st.integers(5, 60)))
        cfgs.append(
            InventoryConfig(
                lead_time=draw(st.integers(0, 2)),
                backlog=backlog,
                unit_cost=draw(money),
                fixed_cost=draw(money),
                capacity=cap,
                initial_stock=draw(st.integers(0, 5)),
            )
        )
    shared = draw(st.integers(max(1, sum(c.initial_stock for c in cfgs)), 150))
    budget = draw(st.one_of(st.just(math.inf), st.floats(0.0, 3000.0, allow_nan=False)))
    coupling = CouplingConfig(shared_capacity=shared, budget=budget)
    return InventoryKernel(cfgs, B, coupling), draw(st.integers(0, 2**32 - 1))


@settings(max_examples=150, deadline=None)
@given(coupled_kernels())
def test_conservation_capacity_and_budget(case):
    k, seed = case
    rng = np.random.default_rng(seed)
    B, P = k.batch_size, k.n_products
    c = np.array([cfg.unit_cost for cfg in k.configs])
    K = np.array([cfg.fixed_cost for cfg in k.configs])
    C, budget = k.coupling.shared_capacity, k.coupling.budget
    opening = np.array([cfg.initial_stock for cfg in k.configs]) @ c  # paid in period 1
    for t in range(40):
        on_hand0 = k.on_hand.copy()
        backlog0 = k.backlog.copy()
        pipe0 = k.in_transit()
        order = rng.integers(0, 40, size=(B, P)).astype(float)
        clear = rng.integers(0, 5, size=(B, P)).astype(float)
        demand = rng.poisson(8, size=(B, P)).astype(float)
        k.step(order, clear, demand)
        q, arrived, received = k.last("ordered"), k.last("arrived"), k.last("received")
        sold, unmet, cleared = k.last("sold"), k.last("unmet"), k.last("cleared")
        assert np.array_equal(k.last("demand"), demand)
        # --- budget: never more than asked, whole units, never more than the budget
        assert np.all(q <= order) and np.all(q >= 0) and np.all(q == np.floor(q))
        spend = q @ c + (q > 0) @ K
        assert np.all(spend <= budget * (1 + 1e-12))
        np.testing.assert_allclose(k.order_spend(), spend, rtol=1e-12)
        np.testing.assert_allclose(
            k.last("ordering").sum(axis=1), spend + (opening if t == 0 else 0.0), rtol=1e-12
        )
        within = order @ c + (order > 0) @ K <= budget
        assert np.array_equal(q[within], order[within])  # untouched when it fits
        # --- stock flows: arrivals serve the backlog first, the rest goes into stock
        to_backlog = sold - (demand - unmet)  # backlogged units served by arrivals
        np.testing.assert_array_equal(to_backlog, np.minimum(backlog0, arrived))
        into_stock = received - to_backlog
        assert np.array_equal(arrived, received + k.last("disposed"))
        assert np.all(into_stock >= 0) and np.all(received <= arrived)
        assert np.allclose(k.in_transit(), pipe0 + q - arrived)
        assert np.array_equal(k.on_hand, on_hand0 + received - cleared - sold)
        if k.backlog_mode:
            assert np.array_equal(k.backlog, backlog0 + unmet - to_backlog)
        else:
            assert np.array_equal(sold + k.last("lost"), demand)
        assert np.all(k.on_hand >= 0)
        # --- shared capacity: never over; never more into stock than the free space;
        # exactly the free space when the arrivals beyond the backlog exceed it (per-
        # product caps allowing)
        free = C - on_hand0.sum(axis=1)
        assert np.all(k.on_hand.sum(axis=1) <= C)
        assert np.all(into_stock.sum(axis=1) <= free)
        per_product_ok = np.minimum(arrived - to_backlog, k.capacity - on_hand0)
        want = per_product_ok.sum(axis=1)
        np.testing.assert_array_equal(into_stock.sum(axis=1), np.minimum(want, free))
        # proportional allocation within one unit (largest remainder)
        over = want > free
        share = per_product_ok[over] * (free[over] / want[over])[:, None]
        assert np.all(np.abs(into_stock[over] - share) < 1)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 5),
    seed=st.integers(0, 10_000),
    shared=st.integers(20, 200),
    budget=st.floats(0.0, 2000.0),
    mode=st.sampled_from(["order_hold_clear", "quantity"]),
)
def test_env_never_exceeds_capacity_or_budget(n, seed, shared, budget, mode):
    env = multi_product_v0.parallel_env(
        n_products=n,
        demand=[PoissonDemand(3.0)] * n,
        initial_stock=min(4, shared // n),
        shared_capacity=shared,
        budget=budget,
        action_mode=mode,
        max_order=60,
        lead_time=1,
        max_cycles=50,
    )
    env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    k = env.model.kernel
    while env.agents:
        high = 3 if mode == "order_hold_clear" else 61
        acts = rng.integers(0, high, size=n)
        obs, *_ = env.step_arrays(acts)
        info = env.last_infos()
        spent = sum(i["ordering"] for i in info.values())
        if env.time == 1:  # the starting stock is paid for now, but not under the budget
            spent -= sum(c.initial_stock * c.unit_cost for c in env.configs)
        assert spent <= budget * (1 + 1e-12) + 1e-9
        assert k.on_hand.sum() <= shared
        assert all(i["ordered"] <= i["requested"] for i in info.values())
        assert obs[0, 11] == pytest.approx(k.on_hand.sum() / shared)
        assert 0.0 <= obs[0, 13] <= 1.0


def test_largest_remainder_example():
    # free space 10, arrivals 5, 5, 5: shares 3.33 each -> 3, 3, 3 and one leftover unit
    # to the first product (ties to the lower index).
    cfg = InventoryConfig(initial_stock=0)
    k = InventoryKernel([cfg] * 3, 1, CouplingConfig(shared_capacity=10))
    k.step(np.array([[5.0, 5.0, 5.0]]), np.zeros((1, 3)), np.zeros((1, 3)))
    np.testing.assert_array_equal(k.last("received"), [[4, 3, 3]])
    np.testing.assert_array_equal(k.last("disposed"), [[1, 2, 2]])
    # arrivals 1, 6, 13 into 10: shares 0.5, 3, 6.5 -> 0, 3, 6, leftover 1 -> tie
    # 0.5 vs 0.5 goes to product 0.
    k = InventoryKernel([cfg] * 3, 1, CouplingConfig(shared_capacity=10))
    k.step(np.array([[1.0, 6.0, 13.0]]), np.zeros((1, 3)), np.zeros((1, 3)))
    np.testing.assert_array_equal(k.last("received"), [[1, 3, 6]])


def test_budget_example():
    # orders 10 and 20 at unit cost 2 and fixed cost 5: cost 70 > budget 40;
    # f = (40 - 10) / 60 = 0.5 -> 5 and 10 units, spend 30 + 10 = 40.
    cfg = InventoryConfig(unit_cost=2.0, fixed_cost=5.0, lead_time=1)
    k = InventoryKernel([cfg] * 2, 1, CouplingConfig(budget=40.0))
    k.step(np.array([[10.0, 20.0]]), np.zeros((1, 2)), np.zeros((1, 2)))
    np.testing.assert_array_equal(k.last("ordered"), [[5, 10]])
    np.testing.assert_array_equal(k.last("ordering"), [[15, 25]])
    # budget below the fixed costs: nothing is ordered
    k = InventoryKernel([cfg] * 2, 1, CouplingConfig(budget=9.0))
    k.step(np.array([[10.0, 20.0]]), np.zeros((1, 2)), np.zeros((1, 2)))
    np.testing.assert_array_equal(k.last("ordered"), [[0, 0]])


def test_env_both_rules_bind_example():
    # orders 30, 30, 30 at unit cost 2 and fixed cost 5 cost 195 > budget 100:
    # f = (100 - 15) / 180 -> 14 units each (spend 99); the 42 arriving units (lead time
    # 0) exceed the 40 free units: 13.33 each -> 13, 13, 13 + 1 leftover to product_0.
    env = multi_product_v0.parallel_env(
        n_products=3,
        demand=[PoissonDemand(0.0)] * 3,
        initial_stock=0,
        shared_capacity=40,
        budget=100,
        unit_cost=2.0,
        fixed_cost=5.0,
        disposal_cost=1.0,
        lead_time=0,
    )
    env.reset(seed=0)
    obs, rew, *_, infos = env.step(dict.fromkeys(env.agents, 0))
    assert [infos[a]["requested"] for a in env.agents] == [30, 30, 30]
    assert [infos[a]["ordered"] for a in env.agents] == [14, 14, 14]
    assert [infos[a]["received"] for a in env.agents] == [14, 13, 13]
    assert [infos[a]["disposed"] for a in env.agents] == [0, 1, 1]
    assert sum(i["ordering"] for i in infos.values()) == 99
    assert obs["product_2"][11] == 1.0  # warehouse full
    assert obs["product_2"][13] == pytest.approx(1 / 100)  # 1 of 100 left unspent
    assert rew["product_0"] == pytest.approx(-(99 + 2 + 40 * 0.1))  # ordering, disposal, holding


def test_arrivals_serve_the_backlog_before_taking_space():
    # backorders: product 0 has 5 backlogged and 10 arriving, product 1 nothing; the
    # warehouse has 3 units free (capacity 3, nothing on hand). The arrivals serve the 5
    # backlogged first (no space needed), 3 of the other 5 go into stock, 2 are disposed.
    cfg = InventoryConfig(backlog=True, lead_time=1)
    k = InventoryKernel([cfg] * 2, 1, CouplingConfig(shared_capacity=3))
    zeros = np.zeros((1, 2))
    k.step(np.array([[10.0, 0.0]]), zeros, np.array([[5.0, 0.0]]))
    np.testing.assert_array_equal(k.backlog, [[5, 0]])
    k.step(zeros, zeros, zeros)
    np.testing.assert_array_equal(k.last("received"), [[8, 0]])
    np.testing.assert_array_equal(k.last("disposed"), [[2, 0]])
    np.testing.assert_array_equal(k.last("sold"), [[5, 0]])
    np.testing.assert_array_equal(k.on_hand, [[3, 0]])
    np.testing.assert_array_equal(k.backlog, [[0, 0]])
