"""Upstream supply: the coupling rule of a supply chain, stepping each stage by THE period.

A supply chain of ``S`` stages is stepped like ``S`` products of one copy: each stage
has its own on-hand stock, backlog (units it owes downstream) and inbound pipeline, and
each stage's period is :func:`gym_inventory.core.period.period`. What couples them is
the rule here, :func:`supply_step`: the quantity a stage's period takes as its *order*
is what its upstream ships it this period, and the *demand* it serves is the order that
reaches it from downstream. So a stage ships ``min(on hand after arrivals, owed +
new order)`` and keeps the rest as backlog, never lost, exactly as the period serves a
backlogged customer.

Stages ``0 .. R-1`` are the retailers (customer demand; ``R = 1`` in a serial chain),
stage ``S - 1`` is the top (it orders from an unlimited outside supplier, optionally up
to a production capacity). Serial: stage ``s + 1`` supplies stage ``s``. Divergent: the
top (a warehouse) supplies every retailer and splits short stock by :func:`allocate`.

The period of one copy, in order (the env card of
:mod:`gym_inventory.multi.supply_chain_v0` spells it out):

1. every agent's order enters its information-delay line; the orders due reach their
   upstream (a delay of 0: at once);
2. from the top down, each stage runs THE period: its arrivals (what was shipped to it
   ``L`` periods ago; ``L = 0``: what its upstream ships it now), then it serves what
   it owes plus the order that reached it, from stock; internal stages backlog the rest,
   the retailers backlog or lose unmet customer demand;
3. costs: the period's holding, penalty (at internal stages: ``internal_backlog_cost``
   per unit owed), the top's ordering cost on what the supplier ships, and
   ``pipeline_cost`` per unit in transit to each stage at period end.

Like :mod:`~gym_inventory.core.period`, the functions take numbers and arrays only and
trust their inputs (:class:`gym_inventory.envs.supply.SupplyChainModel` checks them).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from gym_inventory.core.fields import DEMAND, IN_TRANSIT, PROFIT, RECORD_FIELDS, SOLD
from gym_inventory.core.period import period

__all__ = [
    "SUPPLY_FIELDS",
    "SUPPLY_RECORD_FIELDS",
    "allocate",
    "echelon_positions",
    "supply_observation",
    "supply_step",
]

#: What a stage's period records beyond :data:`~gym_inventory.core.fields.RECORD_FIELDS`:
#: the agent's own order this period (before any production capacity) and the pipeline
#: cost (already subtracted from ``profit``).
SUPPLY_FIELDS: tuple[str, ...] = ("order", "pipeline_cost")
#: One stage's record: the period's fields, then :data:`SUPPLY_FIELDS`.
SUPPLY_RECORD_FIELDS: tuple[str, ...] = (*RECORD_FIELDS, *SUPPLY_FIELDS)
ORDER, PIPELINE_COST = len(RECORD_FIELDS), len(RECORD_FIELDS) + 1


@njit(cache=True)
def allocate(total, need, out):
    """Split ``total`` units over claims ``need`` (``total <= sum(need)``) into ``out``.

    Everyone gets its claim when ``total`` covers them all. Otherwise each gets
    ``floor(need[j] * total / sum(need))`` and the units left go one each to the largest
    fractional remainders (ties to the lower index), never beyond a claim: exactly
    ``total`` units, each within one unit of its proportional share (as
    :func:`~gym_inventory.core.period.share_capacity` splits space).
    """
    R = len(need)
    claims = 0.0
    for j in range(R):
        claims += need[j]
    if total >= claims:
        for j in range(R):
            out[j] = need[j]
        return
    remainder = np.empty(R)
    given = 0.0
    for j in range(R):
        share = need[j] * (total / claims)
        out[j] = min(math.floor(share), need[j])
        remainder[j] = share - out[j]
        given += out[j]
    left = int(np.rint(total - given))
    for j in np.argsort(-remainder, kind="mergesort"):  # (stable: ties by index)
        if left == 0:
            break
        if out[j] < need[j]:
            out[j] += 1.0
            left -= 1


@njit(cache=True)
def supply_step(
    order,
    demand,
    active,
    record,
    retailers,
    divergent,
    backlog_mode,
    supply_capacity,
    lead,
    info_delay,
    prices,
    pipeline_cost,
    on_hand,
    backlog,
    pipeline,
    opening,
    order_line,
    owed,
):
    """One period of every active copy of a batch of ``B`` supply chains of ``S`` stages.

    ``order`` ``(B, S)`` holds each agent's order (a writeable array: numba types it
    alike with the scratch of the order lines); ``demand`` ``(B, R)`` the customer
    demand at the ``R`` retailers; ``active`` ``(B,)``; ``record`` ``(B, S,
    len(SUPPLY_RECORD_FIELDS))`` receives the period (zeros for inactive copies). The
    constants: ``retailers`` ``R``, ``divergent``, ``backlog_mode`` (the retailers'),
    ``supply_capacity`` (most units the outside supplier ships per period), ``lead`` and
    ``info_delay`` ``(S,)`` (the shipping lead time into each stage and the delay of its
    orders), the price table ``prices`` ``(S, len(PRICE_FIELDS))`` and ``pipeline_cost``
    ``(S,)``. The state, updated in place: ``on_hand``, ``backlog``, ``opening`` ``(B,
    S)``, ``pipeline`` ``(B, S, max lead + 1)`` (inbound shipments by arrival),
    ``order_line`` ``(B, S, max delay + 1)`` (orders on their way upstream by arrival)
    and ``owed`` ``(B, R)`` (divergent: units the warehouse owes each retailer).
    """
    B, S = order.shape
    top = S - 1
    state = (on_hand, backlog, pipeline, opening)
    D = order_line.shape[2]
    q = np.empty(B)
    need = np.empty(retailers)
    ship = np.empty(retailers)
    # 1) Orders enter their delay line; those due reach their upstream. The outside
    # supplier ships the top's order (up to its capacity). (Skipping the line without
    # delays and the pipeline cost when it is 0, in 3: the compiled step 18-22 % faster,
    # 4 stages x 4,096 copies, measured. Without delays the orders reach their upstream
    # at once: ``order`` itself is what reaches, not a copy: the benchmark 1-3 % faster.)
    reaching = order if D == 1 else np.empty((B, S))
    for b in range(B):
        if not active[b]:
            record[b] = 0.0
            continue
        if D > 1:
            for s in range(S):
                order_line[b, s, info_delay[s]] += order[b, s]
                reaching[b, s] = order_line[b, s, 0]
                for k in range(D - 1):
                    order_line[b, s, k] = order_line[b, s, k + 1]
                order_line[b, s, D - 1] = 0.0
        q[b] = min(reaching[b, top], supply_capacity)
    # 2) Each stage's period, from the top down: q[b] is what its upstream ships it.
    # (Stage by stage over all copies rather than copy by copy: the copies' periods are
    # independent, so the loop overlaps them: the compiled step 19-23 % faster, measured
    # as above.)
    if not divergent:
        for s in range(top, 0, -1):
            for b in range(B):
                if active[b]:
                    period(b, s, q[b], lead[s], 0.0, reaching[b, s - 1], math.inf, True,
                           prices, state, record)  # fmt: skip
                    q[b] = record[b, s, SOLD]  # shipped to stage s - 1
        for b in range(B):
            if active[b]:
                period(b, 0, q[b], lead[0], 0.0, demand[b, 0], math.inf, backlog_mode,
                       prices, state, record)  # fmt: skip
    else:
        for b in range(B):
            if not active[b]:
                continue
            asked = 0.0
            for j in range(retailers):
                asked += reaching[b, j]
            period(b, top, q[b], lead[top], 0.0, asked, math.inf, True, prices, state, record)
            for j in range(retailers):
                need[j] = owed[b, j] + reaching[b, j]
            allocate(record[b, top, SOLD], need, ship)
            for j in range(retailers):
                owed[b, j] = need[j] - ship[j]
                period(b, j, ship[j], lead[j], 0.0, demand[b, j], math.inf, backlog_mode,
                       prices, state, record)  # fmt: skip
    # 3) The agents' orders and the pipeline cost.
    for b in range(B):
        if not active[b]:
            continue
        for s in range(S):
            record[b, s, ORDER] = order[b, s]
            record[b, s, PIPELINE_COST] = 0.0
            if pipeline_cost[s] != 0.0:
                cost = pipeline_cost[s] * record[b, s, IN_TRANSIT]
                record[b, s, PIPELINE_COST] = cost
                record[b, s, PROFIT] -= cost


@njit(cache=True)
def on_order(b, s, top, divergent, retailers, backlog, order_line, owed):
    """Units stage ``s`` of copy ``b`` ordered that were not yet shipped to it: its orders
    still on their way upstream plus what its upstream owes it."""
    units = 0.0
    for k in range(order_line.shape[2]):
        units += order_line[b, s, k]
    if s < top:
        units += owed[b, s] if divergent else backlog[b, s + 1]
    return units


@njit(cache=True)
def supply_observation(retailers, divergent, on_hand, backlog, pipeline, order_line, owed,
                       record, obs):  # fmt: skip
    """Every stage's observation into ``obs`` ``(B, S, 4 + max lead)``: on hand, backlog
    owed downstream, the order received last period (customer demand at a retailer),
    units on order (:func:`on_order`), then the inbound pipeline by arrival (entry
    ``4 + k`` arrives at the start of the ``k + 1``-th next period)."""
    B, S = on_hand.shape
    L, D = obs.shape[2] - 4, order_line.shape[2]
    # The short loops over the order line and the pipeline run one entry at a time over
    # every stage of every copy (rows of flat views), not inside the loop per stage: 4
    # stages x 4,096 copies, 92 -> 65 us (``benchmarks/supply_chain.py --breakdown``),
    # the benchmark's rate 6-8 % higher. (on_order written out: calling it was 1.5-2.5x
    # slower.)
    rows = obs.reshape(B * S, obs.shape[2])
    pipe = pipeline.reshape(B * S, pipeline.shape[2])
    line = order_line.reshape(B * S, D)
    units = np.zeros(B * S)
    for k in range(D):
        for i in range(B * S):
            units[i] += line[i, k]
    for k in range(L):
        for i in range(B * S):
            rows[i, 4 + k] = pipe[i, k]
    for b in range(B):
        for s in range(S):
            on_order = units[b * S + s]
            if s < S - 1:
                on_order += owed[b, s] if divergent else backlog[b, s + 1]
            obs[b, s, 0] = on_hand[b, s]
            obs[b, s, 1] = backlog[b, s]
            obs[b, s, 2] = record[b, s, DEMAND]  # (the order that reached the stage)
            obs[b, s, 3] = on_order


@njit(cache=True)
def echelon_positions(retailers, divergent, on_hand, backlog, pipeline, order_line, owed, out):
    """Each stage's echelon inventory position into ``out`` ``(B, S)``.

    The echelon of stage ``s`` is ``s`` and everything downstream of it (serial: stages
    ``0 .. s``; divergent: a retailer alone, the warehouse with every retailer). Its
    position: the units on hand at and in transit to its stages, minus the customers'
    backlog at its retailers, plus the units stage ``s`` has on order (:func:`on_order`).
    """
    B, S = on_hand.shape
    top = S - 1
    for b in range(B):
        stock = 0.0
        for s in range(S):
            for k in range(pipeline.shape[2]):
                stock += pipeline[b, s, k]
            stock += on_hand[b, s]
            if s < retailers:
                stock -= backlog[b, s]
            if divergent and s < top:  # a retailer's echelon: itself
                own = on_hand[b, s] - backlog[b, s]
                for k in range(pipeline.shape[2]):
                    own += pipeline[b, s, k]
            else:  # stages 0 .. s
                own = stock
            out[b, s] = own + on_order(b, s, top, divergent, retailers, backlog, order_line, owed)
