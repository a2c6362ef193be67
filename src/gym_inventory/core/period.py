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
(``numba.njit(cache=True)``), never at import time.
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
def ordering_cost(order, prices):
    """What ordering ``order`` units costs: ``(variable, fixed)``.

    The variable part is ``unit_cost`` per unit, the fixed part ``fixed_cost`` when
    anything is ordered. ``prices`` is one product's row of the price table.
    """
    fixed = prices[P_FIXED_COST] if order > 0.0 else 0.0
    return order * prices[P_UNIT_COST], fixed


@njit(cache=True)
def spend(orders, prices):
    """What ordering ``orders`` (one per product, ``(P,)``) costs in all: ``(variable,
    fixed)`` summed over the products (``prices`` is the price table)."""
    variable = 0.0
    fixed = 0.0
    for p in range(len(orders)):
        v, x = ordering_cost(orders[p], prices[p])
        variable += v
        fixed += x
    return variable, fixed


@njit(cache=True, inline="always")
def draw_lead_time(cdf, u):
    """The lead time of an order: the least ``k`` with ``u < cdf[k]``.

    ``cdf`` is the product's lead-time distribution over ``0..R-1`` (last entry 1). A
    fixed lead time ``L`` is the step ``cdf[k] = (k >= L)`` drawn with ``u = 0``.
    """
    lead = 0
    while cdf[lead] <= u:
        lead += 1
    return lead


@njit(cache=True, inline="always")
def period(pipe, order, lead, clearance, demand, room, on_hand, backlog, backlog_mode, prices, rec):
    """One period of one copy of one product; returns ``(on_hand, backlog)`` at its end.

    Parameters
    ----------
    pipe : 1-D float array
        The copy's outstanding orders by arrival: ``pipe[k]`` arrives at the start of the
        ``k``-th next period (``k = 0``: this one). Updated in place.
    order, lead : float, int
        Units ordered now and their lead time (``lead < len(pipe)``).
    clearance, demand : float
        Most units to sell through clearance; units demanded.
    room : float
        Most units the arrivals may add to on-hand stock (the capacity rule).
    on_hand, backlog : float
        Stock on hand and backlog at the start of the period.
    backlog_mode : bool
        Whether unmet demand is backlogged (else lost).
    prices : 1-D float array
        The product's row of the price table (:data:`~gym_inventory.core.fields.PRICE_FIELDS`).
    rec : 1-D float array
        Receives the period's record (:data:`~gym_inventory.core.fields.RECORD_FIELDS`).
    """
    # 1) The order enters the pipeline (lead time 0: it arrives now); orders due arrive.
    pipe[lead] += order
    arrived = pipe[0]
    for k in range(len(pipe) - 1):
        pipe[k] = pipe[k + 1]
    pipe[len(pipe) - 1] = 0.0
    # Arrivals serve backlogged customers first (a backlog means no stock is on hand),
    # then go into stock up to the room; what does not fit is disposed of.
    to_backlog = min(backlog, arrived)
    backlog -= to_backlog
    into_stock = min(arrived - to_backlog, room)
    disposed = arrived - to_backlog - into_stock
    on_hand += into_stock
    # 2) The clearance sale, 3) demand served from stock.
    cleared = min(clearance, on_hand)
    on_hand -= cleared
    served = min(demand, on_hand)
    on_hand -= served
    # 4) Unmet demand is lost or backlogged.
    unmet = demand - served
    lost = 0.0
    if backlog_mode:
        backlog += unmet
    else:
        lost = unmet
    sold = to_backlog + served
    # 5) Money, summed in MONEY_FIELDS order.
    variable, fixed = ordering_cost(order, prices)
    revenue = sold * prices[P_PRICE] + cleared * prices[P_CLEARANCE_PRICE]
    ordering = variable + fixed
    holding = on_hand * prices[P_HOLDING_COST]
    penalty = (backlog if backlog_mode else lost) * prices[P_PENALTY_COST]
    disposal = disposed * prices[P_DISPOSAL_COST]
    rec[ORDERED] = order
    rec[ORDERS_PLACED] = 1.0 if order > 0.0 else 0.0
    rec[ARRIVED] = arrived
    rec[RECEIVED] = arrived - disposed
    rec[DISPOSED] = disposed
    rec[CLEARED] = cleared
    rec[SOLD] = sold
    rec[UNMET] = unmet
    rec[LOST] = lost
    rec[BACKLOG] = backlog
    rec[ON_HAND] = on_hand
    rec[DEMAND] = demand
    rec[REVENUE] = revenue
    rec[ORDERING] = ordering
    rec[HOLDING] = holding
    rec[PENALTY] = penalty
    rec[DISPOSAL] = disposal
    rec[PROFIT] = revenue - ordering - holding - penalty - disposal
    rec[IN_TRANSIT] = pipe.sum()
    return on_hand, backlog


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
):
    """One period of every active copy of a batch of ``B`` copies of ``P`` products.

    ``order``, ``clearance``, ``demand`` and ``lead_u`` (lead-time uniforms, zeros for
    fixed lead times) are ``(B, P)``; ``active`` is ``(B,)``; ``record`` ``(B, P,
    len(RECORD_FIELDS))`` receives the period (zeros for the copies not active). The
    rest is :meth:`InventoryKernel.compiled_args <gym_inventory.core.InventoryKernel.
    compiled_args>`: ``lead_cdf`` ``(P, R)``, ``capacity`` ``(P,)``, ``prices`` ``(P,
    len(PRICE_FIELDS))``, the mode and coupling numbers, then the state ``on_hand``,
    ``backlog`` ``(B, P)`` and ``pipeline`` ``(B, P, R)``, updated in place.
    """
    B, P = order.shape
    q = np.empty(P)
    lead = np.empty(P, dtype=np.int64)
    room = np.empty(P)
    for b in range(B):
        if not active[b]:
            record[b] = 0.0
            continue
        for p in range(P):
            q[p] = order[b, p]
            lead[p] = draw_lead_time(lead_cdf[p], lead_u[b, p])
            room[p] = capacity[p] - on_hand[b, p]
        if budget < math.inf:
            apply_budget(q, prices, budget)
        if shared_capacity < math.inf:
            share_capacity(room, q, lead, pipeline[b], on_hand[b], backlog[b], shared_capacity)
        for p in range(P):
            on_hand[b, p], backlog[b, p] = period(
                pipeline[b, p], q[p], lead[p], clearance[b, p], demand[b, p], room[p],
                on_hand[b, p], backlog[b, p], backlog_mode, prices[p], record[b, p],
            )  # fmt: skip
