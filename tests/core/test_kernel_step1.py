"""The float fast path (step1) is the batched step, bit for bit."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gym_inventory.core import CouplingConfig, InventoryConfig, InventoryKernel


@st.composite
def single_product_configs(draw):
    weights = draw(st.lists(st.integers(0, 4), min_size=1, max_size=5).filter(any))
    capacity = draw(st.one_of(st.just(math.inf), st.integers(1, 60)))
    money = st.floats(0, 20, allow_subnormal=False)
    return InventoryConfig(
        lead_time=draw(
            st.one_of(st.integers(0, 4), st.just(tuple(w / sum(weights) for w in weights)))
        ),
        backlog=draw(st.booleans()),
        unit_cost=draw(money),
        fixed_cost=draw(money),
        holding_cost=draw(money),
        penalty_cost=draw(money),
        price=draw(money),
        clearance_price=draw(money),
        capacity=capacity,
        disposal_cost=draw(money),
        initial_stock=draw(st.integers(0, int(min(capacity, 60)))),
    )


@settings(max_examples=80, deadline=None)
@given(cfg=single_product_configs(), seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 30))
def test_step1_equals_step_alone_and_in_a_batch(cfg, seed, steps):
    alone = InventoryKernel(cfg, 1)  # stepped with floats
    array = InventoryKernel(cfg, 1)  # the same copy through the array step
    batch = InventoryKernel(cfg, 3)  # the same copy as member 1 of a batch
    assert alone._scalar and not batch._scalar
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        order, demand = rng.integers(0, 15, 2).astype(float).tolist()
        clearance = float(rng.integers(0, 5)) if rng.random() < 0.5 else 0.0
        u = rng.random()
        rows = alone.step1(order, clearance, demand, u)
        array.step(np.full((1, 1), order), clearance, np.full((1, 1), demand), np.full((1, 1), u))
        others = rng.integers(0, 15, (3, 1)).astype(float)
        o, d, c = others.copy(), others[::-1].copy(), np.full((3, 1), clearance)
        o[1], d[1] = order, demand
        batch.step(o, c, d, np.full((3, 1), u))
        assert np.asarray(rows).tobytes() == alone._buf.tobytes() == array._buf.tobytes()
        assert alone._buf.tobytes() == batch._buf[:, 1:2].tobytes()
        assert alone.pipeline.tobytes() == batch.pipeline[:, 1:2].tobytes()


def test_step1_only_for_one_uncoupled_product():
    assert InventoryKernel(InventoryConfig(), 1)._scalar
    assert not InventoryKernel([InventoryConfig()] * 2, 1)._scalar
    assert not InventoryKernel(InventoryConfig(), 1, CouplingConfig(budget=10))._scalar


def test_step1_needs_lead_uniforms_with_stochastic_lead_times():
    k = InventoryKernel(InventoryConfig(lead_time=(0.5, 0.5)), 1)
    with pytest.raises(ValueError, match="lead_u"):
        k.step1(1.0, 0.0, 0.0)
