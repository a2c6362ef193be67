"""THE period: one plain function per copy and product, compiled with numba.

:func:`period` steps one copy of one product through one period exactly as the env cards
list it. :func:`step` calls it for every copy and product of a batch, with the coupling
rules between products of one copy beside it as plain loops: :func:`apply_budget` (an
ordering budget) and :func:`share_capacity` (a shared warehouse). Every face of the
package (single env, vector env, multi-product env, ``evaluate``, the tuners) steps
inventory through :func:`step`, so they agree bit for bit.

The functions take numbers and arrays only (no Python objects), so the same source can
be compiled for other targets. They trust their inputs: :class:`~gym_inventory.core.
kernel.InventoryKernel` validates everything before it calls them.

Compilation happens on the first call (a few seconds) and is cached on disk
(``numba.njit(cache=True)``), never at import time. The small functions the loop calls
are inlined (``inline="always"``: the batched step of 4,096 copies 1.5x faster).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from gym_inventory.core.fields import (
    ARRIVED,
    BACKLOG,
    CLEARED,
    DEMAND,
    DISPOSAL,
    DISPOSED,
    HOLDING,
    IN_TRANSIT,
    LOST,
    ON_HAND,
    ORDERED,
    ORDERING,
    ORDERS_PLACED,
    P_CLEARANCE_PRICE,
    P_DISPOSAL_COST,
    P_FIXED_COST,
    P_HOLDING_COST,
    P_PENALTY_COST,
    P_PRICE,
    P_UNIT_COST,
    PENALTY,
    PROFIT,
    RECEIVED,
    REVENUE,
    SOLD,
    UNMET,
)

__all__ = [
    "apply_budget",
    "draw_lead_time",
    "ordering_cost",
    "period",
    "share_capacity",
    "spend",
    "step",
]


@njit(cache=True, inline="always")
def ordering_cost(order, unit_cost, fixed_cost):
    """What ordering ``order`` units costs: ``(variable, fixed)``, the variable part
    ``unit_cost`` per unit, the fixed part ``fixed_cost`` when anything is ordered.
    Numbers or NumPy arrays (which broadcast), from compiled code or from Python."""
    return order * unit_cost, fixed_cost * (order > 0.0)


@njit(cache=True)
def spend(orders, prices):
    """What ordering ``orders`` (one per product, ``(P,)``) costs in all: ``(variable,
    fixed)`` summed over the products (``prices`` is the price table)."""
    variable = 0.0
    fixed = 0.0
    for p in range(len(orders)):
        v, x = ordering_cost(orders[p], prices[p, P_UNIT_COST], prices[p, P_FIXED_COST])
        variable += v
        fixed += x
    return variable, fixed


@njit(cache=True, inline="always")
def draw_lead_time(cdf, p, u):
    """The lead time of an order of product ``p``: the least ``k`` with ``u < cdf[p, k]``.

    ``cdf[p]`` is the product's lead-time distribution over ``0..R-1`` (last entry 1). A
    fixed lead time ``L`` is the step ``cdf[p, k] = (k >= L)`` drawn with ``u = 0``.
    """
    lead = 0
    while cdf[p, lead] <= u:
        lead += 1
    return lead


@njit(cache=True, inline="always")
def period(b, p, order, lead, clearance, demand, room, backlog_mode, prices, state, record):
    """One period of copy ``b`` of product ``p``: the env card's steps, in order.

    Parameters
    ----------
    b, p : int
        The copy and the product.
    order, lead : float, int
        Units ordered now and their lead time (``lead <= max_lead_time``).
    clearance, demand : float
        Most units to sell through clearance; units demanded.
    room : float
        Most units the arrivals may add to on-hand stock (the capacity rule).
    backlog_mode : bool
        Whether unmet demand is backlogged (else lost).
    prices : 2-D float array
        The price table (:data:`~gym_inventory.core.fields.PRICE_FIELDS` columns).
    state : tuple of arrays
        ``(on_hand, backlog, pipeline, opening)``, updated in place: ``pipeline[b, p,
        k]`` arrives at the start of the ``k``-th next period (``k = 0``: this one);
        ``opening[b, p]`` is the starting stock still to be paid for (``initial_stock``
        after a reset, 0 once this period has charged it).
    record : 3-D float array
        ``record[b, p]`` receives the period (:data:`~gym_inventory.core.fields.
        RECORD_FIELDS`).

    (Arrays are indexed by ``b`` and ``p`` rather than passed as views of one copy:
    views made the batched step 1.7x slower.)
    """
    on_hand, backlog, pipe, opening = state
    R = pipe.shape[2]
    # 1) The order enters the pipeline (lead time 0: it arrives now); orders due arrive.
    pipe[b, p, lead] += order
    arrived = pipe[b, p, 0]
    for k in range(R - 1):
        pipe[b, p, k] = pipe[b, p, k + 1]
    pipe[b, p, R - 1] = 0.0
    # Arrivals serve backlogged customers first (a backlog means no stock is on hand),
    # then go into stock up to the room; what does not fit is disposed of.
    stock = on_hand[b, p]
    waiting = backlog[b, p]
    to_backlog = min(waiting, arrived)
    waiting -= to_backlog
    into_stock = min(arrived - to_backlog, room)
    disposed = arrived - to_backlog - into_stock
    stock += into_stock
    # 2) The clearance sale, 3) demand served from stock.
    cleared = min(clearance, stock)
    stock -= cleared
    served = min(demand, stock)
    stock -= served
    # 4) Unmet demand is lost or backlogged.
    unmet = demand - served
    lost = 0.0
    if backlog_mode:
        waiting += unmet
    else:
        lost = unmet
    sold = to_backlog + served
    on_hand[b, p] = stock
    backlog[b, p] = waiting
    # 5) Money, summed in MONEY_FIELDS order. The starting stock is bought at unit cost
    # in the first period after a reset (no fixed cost; ``ordered`` is the order alone).
    variable, fixed = ordering_cost(order, prices[p, P_UNIT_COST], prices[p, P_FIXED_COST])
    revenue = sold * prices[p, P_PRICE] + cleared * prices[p, P_CLEARANCE_PRICE]
    ordering = variable + fixed + opening[b, p] * prices[p, P_UNIT_COST]
    opening[b, p] = 0.0
    holding = stock * prices[p, P_HOLDING_COST]
    penalty = (waiting if backlog_mode else lost) * prices[p, P_PENALTY_COST]
    disposal = disposed * prices[p, P_DISPOSAL_COST]
    in_transit = 0.0
    for k in range(R):
        in_transit += pipe[b, p, k]
    rec = record
    rec[b, p, ORDERED] = order
    rec[b, p, ORDERS_PLACED] = 1.0 if order > 0.0 else 0.0
    rec[b, p, ARRIVED] = arrived
    rec[b, p, RECEIVED] = arrived - disposed
    rec[b, p, DISPOSED] = disposed
    rec[b, p, CLEARED] = cleared
    rec[b, p, SOLD] = sold
    rec[b, p, UNMET] = unmet
    rec[b, p, LOST] = lost
    rec[b, p, BACKLOG] = waiting
    rec[b, p, ON_HAND] = stock
    rec[b, p, DEMAND] = demand
    rec[b, p, REVENUE] = revenue
    rec[b, p, ORDERING] = ordering
    rec[b, p, HOLDING] = holding
    rec[b, p, PENALTY] = penalty
    rec[b, p, DISPOSAL] = disposal
    rec[b, p, PROFIT] = revenue - ordering - holding - penalty - disposal
    rec[b, p, IN_TRANSIT] = in_transit


@njit(cache=True)
def apply_budget(q, prices, budget):
    """The ordering budget of one copy: scale its orders ``q`` down, in place.

    When the orders cost more than ``budget``, every order is multiplied by ``f =
    (budget - fixed costs) / variable cost`` (clipped to [0, 1]) and rounded down; a
    product whose order becomes 0 pays no fixed cost.
    """
    variable, fixed = spend(q, prices)
    if variable + fixed <= budget:
        return
    f = (budget - fixed) / variable if variable > 0.0 else 0.0
    f = min(max(f, 0.0), 1.0)
    for p in range(len(q)):
        q[p] = math.floor(q[p] * f)


@njit(cache=True)
def share_capacity(room, q, lead, pipes, on_hand, backlog, shared_capacity):
    """The shared warehouse of one copy: cut each product's ``room``, in place.

    Each product wants to put into stock what arrives now beyond its backlog, up to its
    own room. When the wants exceed the free shared space, the space goes to the
    products in proportion to their wants, rounded down, and the units of space left go
    one each to the largest fractional remainders (ties to the lower product index).
    """
    P = len(room)
    free = shared_capacity - on_hand.sum()
    want = np.empty(P)
    total = 0.0
    for p in range(P):
        incoming = pipes[p, 0] + (q[p] if lead[p] == 0 else 0.0)
        want[p] = min(max(incoming - backlog[p], 0.0), room[p])
        total += want[p]
    if total <= free:
        return
    remainder = np.empty(P)
    given = 0.0
    for p in range(P):
        share = want[p] * (free / total)
        room[p] = math.floor(share)
        remainder[p] = share - room[p]
        given += room[p]
    largest_first = np.argsort(-remainder, kind="mergesort")  # (stable: ties by index)
    for i in range(int(np.rint(free - given))):
        p = largest_first[i]
        if remainder[p] > 0.0:
            room[p] += 1.0


@njit(cache=True)
def step(
    order,
    clearance,
    demand,
    lead_u,
    active,
    record,
    lead_cdf,
    capacity,
    prices,
    backlog_mode,
    shared_capacity,
    budget,
    on_hand,
    backlog,
    pipeline,
    opening,
):
    """One period of every active copy of a batch of ``B`` copies of ``P`` products.

    ``order``, ``clearance``, ``demand`` and ``lead_u`` (lead-time uniforms, zeros for
    fixed lead times) are ``(B, P)``; ``active`` is ``(B,)``; ``record`` ``(B, P,
    len(RECORD_FIELDS))`` receives the period (zeros for the copies not active). The
    rest is :meth:`InventoryKernel.compiled_args <gym_inventory.core.InventoryKernel.
    compiled_args>`: ``lead_cdf`` ``(P, R)``, ``capacity`` ``(P,)``, ``prices`` ``(P,
    len(PRICE_FIELDS))``, the mode and coupling numbers, then the state ``on_hand``,
    ``backlog`` ``(B, P)``, ``pipeline`` ``(B, P, R)`` and ``opening`` ``(B, P)`` (the
    starting stock not yet paid for), updated in place. The budget rule applies to the
    orders only: the starting stock was bought before the episode.
    """
    B, P = order.shape
    state = (on_hand, backlog, pipeline, opening)
    q = np.empty(P)
    lead = np.empty(P, dtype=np.int64)
    room = np.empty(P)
    for b in range(B):
        if not active[b]:
            record[b] = 0.0
            continue
        for p in range(P):
            q[p] = order[b, p]
            lead[p] = draw_lead_time(lead_cdf, p, lead_u[b, p])
            room[p] = capacity[p] - on_hand[b, p]
        if budget < math.inf:
            apply_budget(q, prices, budget)
        if shared_capacity < math.inf:
            share_capacity(room, q, lead, pipeline[b], on_hand[b], backlog[b], shared_capacity)
        for p in range(P):
            period(
                b, p, q[p], lead[p], clearance[b, p], demand[b, p], room[p], backlog_mode,
                prices, state, record,
            )  # fmt: skip
