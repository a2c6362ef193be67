import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gym_inventory.core import (
    PRICE_FIELDS,
    RECORD_FIELDS,
    CouplingConfig,
    InventoryConfig,
    InventoryKernel,
)
from gym_inventory.core.period import draw_lead_time
from gym_inventory.errors import ConfigError


def col(v, B=1, P=1):
    return np.full((B, P), float(v))


def run(kernel, orders, demands, clearance=0.0, lead_u=None):
    out = []
    for q, d in zip(orders, demands, strict=True):
        kernel.step(col(q, *kernel.on_hand.shape), clearance, col(d, *kernel.on_hand.shape), lead_u)
        out.append(dict(zip(RECORD_FIELDS, kernel.record[0, 0].tolist(), strict=True)))
    return out


def test_fixed_lead_time_arrives_after_L_periods():
    k = InventoryKernel(InventoryConfig(lead_time=2), 1)
    rec = run(k, [5, 0, 0, 0], [0, 0, 0, 0])
    assert [r["received"] for r in rec] == [0, 0, 5, 0]
    assert [r["on_hand"] for r in rec] == [0, 0, 5, 5]


def test_zero_lead_time_arrives_before_demand():
    k = InventoryKernel(InventoryConfig(lead_time=0, price=2.0), 1)
    (r,) = run(k, [4], [3])
    assert r["sold"] == 3 and r["on_hand"] == 1 and r["lost"] == 0
    assert k.reward[0, 0] == 6.0


def test_lost_sales_accounting_and_reward():
    cfg = InventoryConfig(
        lead_time=1,
        unit_cost=2,
        fixed_cost=5,
        holding_cost=0.5,
        penalty_cost=3,
        price=10,
        initial_stock=4,
    )
    k = InventoryKernel(cfg, 1)
    (r,) = run(k, [7], [6])
    # sold 4 (stock), lost 2; ordered 7 at 2 + fixed 5, and the 4 starting units at 2;
    # nothing left to hold
    assert (r["sold"], r["lost"], r["on_hand"]) == (4, 2, 0)
    assert k.reward[0, 0] == pytest.approx(40 - 14 - 5 - 4 * 2 - 3 * 2)
    assert (r["revenue"], r["ordering"], r["penalty"]) == (40, 27, 6)


def test_backorders_served_first_from_arrivals():
    cfg = InventoryConfig(lead_time=1, backlog=True, penalty_cost=1, price=1)
    k = InventoryKernel(cfg, 1)
    rec = run(k, [10, 0], [4, 3])
    assert rec[0]["backlog"] == 4 and rec[0]["lost"] == 0 and rec[0]["unmet"] == 4
    # period 2: 10 arrive, 4 fill the backlog, 3 sold to new demand
    assert rec[1]["sold"] == 7 and rec[1]["backlog"] == 0 and rec[1]["on_hand"] == 3
    assert k.reward[0, 0] == 7


def test_arrivals_serve_the_backlog_before_the_capacity_rule():
    """15 arriving, capacity 10, 12 backlogged: 12 go to the waiting customers, 3 into
    stock, none disposed (the env card's order: backlog first)."""
    cfg = InventoryConfig(lead_time=1, backlog=True, capacity=10, disposal_cost=1.0)
    k = InventoryKernel(cfg, 1)
    run(k, [15], [12])
    (r,) = run(k, [0], [0])
    assert (r["arrived"], r["sold"], r["disposed"], r["backlog"], r["on_hand"]) == (15, 12, 0, 0, 3)
    assert r["received"] == 15


def test_backlog_penalty_charged_on_end_of_period_backlog():
    k = InventoryKernel(InventoryConfig(backlog=True, penalty_cost=2), 1)
    run(k, [0, 0], [3, 1])
    assert k.backlog[0, 0] == 4 and k.reward[0, 0] == -8


def test_capacity_disposes_overflow_at_cost():
    cfg = InventoryConfig(capacity=10, initial_stock=8, disposal_cost=1.5)
    k = InventoryKernel(cfg, 1)
    (r,) = run(k, [5], [0])
    assert (r["received"], r["disposed"], r["on_hand"]) == (2, 3, 10)
    assert k.reward[0, 0] == -4.5


def test_clearance_sells_at_most_stock():
    k = InventoryKernel(InventoryConfig(initial_stock=5, clearance_price=2), 1)
    (r,) = run(k, [0], [1], clearance=30.0)
    assert r["cleared"] == 5 and r["sold"] == 0 and r["lost"] == 1


def test_stochastic_lead_times_cross():
    cfg = InventoryConfig(lead_time=(0.0, 0.5, 0.0, 0.5))
    k = InventoryKernel(cfg, 1)
    # first order draws L=3 (u=0.9), second draws L=1 (u=0.1): the second arrives first
    k.step(col(5), 0.0, col(0), np.array([[0.9]]))
    k.step(col(7), 0.0, col(0), np.array([[0.1]]))
    k.step(col(0), 0.0, col(0), np.array([[0.1]]))
    assert k.last("received")[0, 0] == 7
    k.step(col(0), 0.0, col(0), np.array([[0.1]]))
    assert k.last("received")[0, 0] == 5


def test_stochastic_lead_requires_uniforms():
    k = InventoryKernel(InventoryConfig(lead_time=(0.5, 0.5)), 1)
    with pytest.raises(ValueError, match="lead_u"):
        k.step(col(1), 0.0, col(0))


def test_lead_time_distribution_is_respected():
    pmf = (0.2, 0.3, 0.5)
    k = InventoryKernel(InventoryConfig(lead_time=pmf), 1)
    u = np.random.default_rng(0).random((100_000, 1))
    leads = [draw_lead_time(k.lead_cdf, 0, x) for x in u.ravel().tolist()]
    freq = np.bincount(leads, minlength=3) / len(u)
    np.testing.assert_allclose(freq, pmf, atol=0.01)


def test_mixed_fixed_lead_times_per_product():
    cfgs = [InventoryConfig(lead_time=0), InventoryConfig(lead_time=2)]
    k = InventoryKernel(cfgs, 1)
    k.step(np.array([[3.0, 4.0]]), 0.0, np.zeros((1, 2)))
    assert k.last("received").tolist() == [[3.0, 0.0]]
    k.step(np.zeros((1, 2)), 0.0, np.zeros((1, 2)))
    k.step(np.zeros((1, 2)), 0.0, np.zeros((1, 2)))
    assert k.last("received").tolist() == [[0.0, 4.0]]


def test_pipeline_by_arrival_orders_slots():
    k = InventoryKernel(InventoryConfig(lead_time=3), 1)
    for q in (1, 2, 3):
        k.step(col(q), 0.0, col(0))
    assert k.pipeline_by_arrival()[0, 0].tolist() == [1.0, 2.0, 3.0]
    assert k.in_transit()[0, 0] == 6


def test_shared_capacity_allocates_proportionally():
    cfgs = [InventoryConfig(), InventoryConfig(), InventoryConfig()]
    k = InventoryKernel(cfgs, 1, CouplingConfig(shared_capacity=10))
    k.step(np.array([[10.0, 5.0, 5.0]]), 0.0, np.zeros((1, 3)))
    assert k.last("received").tolist() == [[5.0, 2.0, 3.0]] or k.last("received").tolist() == [
        [5.0, 3.0, 2.0]
    ]
    assert k.on_hand.sum() == 10 and k.last("disposed").sum() == 10


def test_budget_scales_orders_down():
    cfgs = [InventoryConfig(unit_cost=1.0), InventoryConfig(unit_cost=2.0, fixed_cost=4.0)]
    k = InventoryKernel(cfgs, 1, CouplingConfig(budget=20))
    k.step(np.array([[10.0, 10.0]]), 0.0, np.zeros((1, 2)))
    spent = k.last("ordering").sum()
    assert spent <= 20 and k.last("ordered")[0, 0] > 0 and k.last("ordered")[0, 1] > 0
    k2 = InventoryKernel(cfgs, 1, CouplingConfig(budget=3))  # below the fixed cost
    k2.step(np.array([[10.0, 10.0]]), 0.0, np.zeros((1, 2)))
    assert k2.last("ordering").sum() <= 3


def test_reset_subset_only():
    k = InventoryKernel(InventoryConfig(initial_stock=5, lead_time=1), 3)
    k.step(np.full((3, 1), 2.0), 0.0, np.ones((3, 1)))
    k.reset(np.array([1]))
    assert k.on_hand[:, 0].tolist() == [4.0, 5.0, 4.0]
    assert k.in_transit()[:, 0].tolist() == [2.0, 0.0, 2.0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([], 1), "non-empty sequence"),
        ((InventoryConfig(), 0), "batch_size must be a positive int"),
        (([InventoryConfig(), InventoryConfig(backlog=True)], 1), "backlog must be the same"),
    ],
)
def test_kernel_rejects_bad_arguments(args, message):
    with pytest.raises(ConfigError, match=message):
        InventoryKernel(*args)


def test_kernel_rejects_initial_stock_above_shared_capacity():
    with pytest.raises(ConfigError, match="shared_capacity"):
        InventoryKernel(
            [InventoryConfig(initial_stock=6)] * 2, 1, CouplingConfig(shared_capacity=10)
        )


@st.composite
def configs(draw):
    weights = draw(st.lists(st.integers(0, 4), min_size=1, max_size=5))
    pmf = tuple(x / sum(weights) for x in weights) if sum(weights) else (1.0,)
    capacity = draw(st.one_of(st.just(math.inf), st.integers(1, 60)))
    return InventoryConfig(
        lead_time=draw(st.one_of(st.integers(0, 4), st.just(pmf))),
        backlog=draw(st.booleans()),
        unit_cost=draw(st.floats(0, 10)),
        fixed_cost=draw(st.floats(0, 10)),
        holding_cost=draw(st.floats(0, 2)),
        penalty_cost=draw(st.floats(0, 20)),
        price=draw(st.floats(0, 20)),
        clearance_price=draw(st.floats(0, 5)),
        capacity=capacity,
        disposal_cost=draw(st.floats(0, 3)),
        initial_stock=draw(st.integers(0, int(min(capacity, 60)))),
    )


@settings(max_examples=60, deadline=None)
@given(
    cfgs=st.lists(configs(), min_size=1, max_size=3).filter(
        lambda cs: len({c.backlog for c in cs}) == 1
    ),
    shared=st.one_of(st.just(math.inf), st.integers(1, 200)),
    budget=st.one_of(st.just(math.inf), st.floats(0, 100)),
    seed=st.integers(0, 2**32 - 1),
    steps=st.integers(1, 25),
)
def test_conservation_and_bounds(cfgs, shared, budget, seed, steps):
    if sum(c.initial_stock for c in cfgs) > shared:
        return
    B = 3
    k = InventoryKernel(cfgs, B, CouplingConfig(shared_capacity=shared, budget=budget))
    rng = np.random.default_rng(seed)
    P = len(cfgs)
    outstanding = np.zeros((B, P))
    initial = np.array([c.initial_stock for c in cfgs], dtype=float)
    for t in range(steps):
        start = k.on_hand.copy()
        start_backlog = k.backlog.copy()
        order = rng.integers(0, 15, size=(B, P)).astype(float)
        clear = rng.integers(0, 5, size=(B, P)).astype(float)
        demand = rng.integers(0, 12, size=(B, P)).astype(float)
        k.step(order, clear, demand, rng.random((B, P)))
        f = {n: k.last(n) for n in RECORD_FIELDS}
        # stock conservation: start + arrivals = sales + clearance + disposed + end
        np.testing.assert_array_equal(
            start + f["arrived"], f["sold"] + f["cleared"] + f["disposed"] + f["on_hand"]
        )
        outstanding += f["ordered"] - f["arrived"]
        np.testing.assert_array_equal(outstanding, k.in_transit())
        assert (k.on_hand >= 0).all() and (f["ordered"] <= order).all()
        assert (k.on_hand <= k.capacity).all()
        if math.isfinite(shared):
            assert k.on_hand.sum(axis=1).max() <= shared
        if math.isfinite(budget):
            assert (k.order_spend() <= budget + 1e-9).all()  # (starting stock aside)
        if k.backlog_mode:
            np.testing.assert_array_equal(start_backlog + f["demand"], f["sold"] + k.backlog)
            assert (f["lost"] == 0).all()
        else:
            assert (f["sold"] <= f["demand"]).all()
            np.testing.assert_array_equal(f["lost"] + f["sold"], f["demand"])
        assert np.isfinite(k.reward).all()
        # the money is the flows priced by the one price table, profit its stated sum
        price = dict(zip(PRICE_FIELDS, k.prices.T, strict=True))
        np.testing.assert_array_equal(
            f["revenue"], f["sold"] * price["price"] + f["cleared"] * price["clearance_price"]
        )
        opening = initial if t == 0 else 0.0  # the starting stock, paid in period 1
        np.testing.assert_array_equal(
            f["ordering"],
            f["ordered"] * price["unit_cost"] + f["orders_placed"] * price["fixed_cost"]
            + opening * price["unit_cost"],
        )  # fmt: skip
        np.testing.assert_array_equal(f["holding"], f["on_hand"] * price["holding_cost"])
        np.testing.assert_array_equal(f["disposal"], f["disposed"] * price["disposal_cost"])
        penalised = f["backlog"] if k.backlog_mode else f["lost"]
        np.testing.assert_array_equal(f["penalty"], penalised * price["penalty_cost"])
        np.testing.assert_array_equal(
            f["profit"],
            f["revenue"] - f["ordering"] - f["holding"] - f["penalty"] - f["disposal"],
        )
        np.testing.assert_array_equal(f["in_transit"], k.in_transit())
        np.testing.assert_array_equal(f["received"], f["arrived"] - f["disposed"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(order=np.zeros((3, 1))), r"order must be numbers of shape \(2, 1\)"),
        (dict(demand="five"), "demand must be numbers"),
        (dict(active=np.ones(3, dtype=bool)), r"active must be a bool array of shape \(2,\)"),
        (dict(active=np.ones(2)), "active must be a bool array"),
    ],
)
def test_step_rejects_bad_arrays_before_the_compiled_code(kwargs, message):
    k = InventoryKernel(InventoryConfig(initial_stock=3), 2)
    args = dict(order=np.zeros((2, 1)), clearance=0.0, demand=np.ones((2, 1)))
    before = (k.on_hand.copy(), k.record.copy())
    with pytest.raises(ValueError, match=message):
        k.step(**{**args, **kwargs})
    assert np.array_equal(before[0], k.on_hand) and np.array_equal(before[1], k.record)
    k.step(**args)  # numbers broadcast: a scalar clearance is fine
    assert k.on_hand.tolist() == [[2.0], [2.0]]
