"""``period.share_capacity`` gives the leftover units as the env card states the rule.

The reference here is the rule written again in NumPy: proportional shares rounded
down, then one unit each to the largest fractional remainders, ties to the lower
product index (a full stable sort), on cases where remainders tie often.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gym_inventory.core.period import share_capacity


def share_by_sort(room, q, lead, pipes, on_hand, backlog, shared_capacity):
    """The shared-capacity rule with a full stable sort of the remainders."""
    room = room.copy()
    free = shared_capacity - on_hand.sum()
    incoming = pipes[:, 0] + np.where(lead == 0, q, 0.0)
    want = np.minimum(np.maximum(incoming - backlog, 0.0), room)
    total = 0.0
    for w in want:  # (the order of the compiled sum)
        total += w
    if total <= free:
        return room
    share = want * (free / total)
    room = np.floor(share)
    remainder = share - room
    given_ = 0.0
    for r in room:
        given_ += r
    largest_first = np.argsort(-remainder, kind="stable")
    for i in range(int(np.rint(free - given_))):
        if remainder[largest_first[i]] > 0.0:
            room[largest_first[i]] += 1.0
    return room


@st.composite
def warehouses(draw):
    P = draw(st.integers(1, 40))
    # Few distinct values, so that remainders tie often.
    units = st.integers(0, draw(st.sampled_from([1, 3, 12, 60])))
    arrivals = np.array(draw(st.lists(units, min_size=P, max_size=P)), dtype=float)
    orders = np.array(draw(st.lists(units, min_size=P, max_size=P)), dtype=float)
    on_hand = np.array(draw(st.lists(st.integers(0, 20), min_size=P, max_size=P)), float)
    backlog = np.array(draw(st.lists(st.integers(0, 5), min_size=P, max_size=P)), float)
    lead = np.array(draw(st.lists(st.integers(0, 2), min_size=P, max_size=P)), np.int64)
    room = np.array(draw(st.lists(st.sampled_from([1.0, 4.0, 30.0, math.inf]),
                                  min_size=P, max_size=P)))  # fmt: skip
    pipes = np.zeros((P, 3))
    pipes[:, 0] = arrivals
    shared = float(on_hand.sum() + draw(st.integers(0, 80)))
    return room, orders, lead, pipes, on_hand, backlog, shared


@settings(max_examples=200, deadline=None)
@given(warehouses())
def test_share_capacity_equals_the_stable_sort_rule(case):
    room, q, lead, pipes, on_hand, backlog, shared = case
    expected = share_by_sort(room, q, lead, pipes, on_hand, backlog, shared)
    got = room.copy()
    share_capacity(got, q, lead, pipes, on_hand, backlog, shared)
    np.testing.assert_array_equal(got, expected)


def test_share_capacity_many_products_many_ties():
    rng = np.random.default_rng(0)
    for _ in range(50):
        P = int(rng.integers(100, 2000))
        pipes = np.zeros((P, 3))
        pipes[:, 0] = rng.integers(0, 4, P)  # wants of 0..3: remainders tie in blocks
        on_hand = rng.integers(0, 3, P).astype(float)
        room = np.full(P, math.inf)
        args = (np.zeros(P), np.full(P, 2, np.int64), pipes, on_hand, np.zeros(P))
        shared = float(on_hand.sum() + rng.integers(0, pipes[:, 0].sum() + 1))
        got = room.copy()
        share_capacity(got, *args, shared)
        np.testing.assert_array_equal(got, share_by_sort(room, *args, shared))
