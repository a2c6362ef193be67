"""A small independent NumPy simulator of the serial chain (the period of
``supply_chain_v0``, written from its convention, sharing no code with the package)."""

from __future__ import annotations

import numpy as np
import pytest


class SerialChain:
    """State of ``batch`` copies of the chain and the period written out step by step.

    Period t: 1. arrivals; 2. every stage orders (``policy(obs)``, obs ``(B, N, d)``: on
    hand, backlog owed downstream, last order received, on order, pipeline); 3. shipping
    top-down, stage i+1 ships min(on hand, owed + order); a shipment on link i with L_i = 0
    arrives at once, else it enters pipeline slot L_i - 1; 4. demand at the retailer from on
    hand, the rest backlogged; 5. costs h_i * on hand_i + p * backlog_0 (nothing in transit).
    """

    def __init__(self, lead_times, holding_costs, penalty_cost, batch):
        self.L = list(lead_times)
        N, W = len(self.L), max(max(self.L), 1)
        self.h = np.asarray(holding_costs, dtype=np.float64)
        self.p = float(penalty_cost)
        self.on = np.zeros((batch, N))
        self.back = np.zeros((batch, N))  # owed downstream (customer backlog at the retailer)
        self.pipe = np.zeros((batch, N, W))
        self.last = np.zeros((batch, N))

    def obs(self):
        """supply_chain_v0's rows: on hand, backlog, order received, on order, pipeline."""
        s = self
        on_order = np.zeros_like(s.back)
        on_order[:, :-1] = s.back[:, 1:]  # owed by the upstream (the supplier never owes)
        rows = [s.on, s.back, s.last, on_order]
        return np.concatenate([*(r[..., None] for r in rows), s.pipe], 2)

    def period(self, policy, d):
        """One period with demand ``d`` (B,); returns the period's cost (B,)."""
        N = len(self.L)
        on, back, pipe = self.on, self.back, self.pipe
        on += pipe[:, :, 0]  # 1. arrivals
        pipe[:, :, :-1] = pipe[:, :, 1:].copy()
        pipe[:, :, -1] = 0
        q = np.asarray(policy(self.obs()), dtype=np.float64)  # 2. orders
        assert q.shape == on.shape and (q >= 0).all()
        for i in range(N - 1, -1, -1):  # 3. shipping from the top down
            if i == N - 1:
                ship = q[:, i]  # the outside supplier ships in full
            else:
                owed = back[:, i + 1] + q[:, i]
                ship = np.minimum(on[:, i + 1], owed)
                on[:, i + 1] -= ship
                back[:, i + 1] = owed - ship
            if self.L[i] == 0:
                on[:, i] += ship
            else:
                pipe[:, i, self.L[i] - 1] += ship
        self.last[:, 1:] = q[:, :-1]
        net = on[:, 0] - back[:, 0] - d  # 4. demand (the backlog is served first)
        on[:, 0] = np.maximum(net, 0.0)
        back[:, 0] = np.maximum(-net, 0.0)
        self.last[:, 0] = d
        return on @ self.h + self.p * back[:, 0]  # 5. costs

    def key(self):
        """One row per copy identifying its state (for exact chains)."""
        return np.concatenate([self.on, self.back, self.pipe.reshape(len(self.on), -1)], 1)


def simulate_serial(
    policy,
    lead_times,
    holding_costs,
    penalty_cost,
    demand,
    *,
    batch=64,
    periods=2000,
    warmup=200,
    seed=0,
):
    """Per-copy average cost per period after ``warmup`` (``(batch,)``) and per-copy mean
    units in transit per link (``(batch, N)``). ``demand``: a Poisson mean or a pmf over
    0, 1, .... Copies are independent (one generator seeded by ``seed``)."""
    rng = np.random.default_rng(seed)
    chain = SerialChain(lead_times, holding_costs, penalty_cost, batch)
    total = np.zeros(batch)
    transit = np.zeros_like(chain.on)
    for t in range(periods):
        if np.ndim(demand) == 0:
            d = rng.poisson(float(demand), size=batch).astype(np.float64)
        else:
            d = rng.choice(len(demand), size=batch, p=np.asarray(demand)).astype(np.float64)
        cost = chain.period(policy, d)
        if t >= warmup:
            total += cost
            transit += chain.pipe.sum(axis=2)
    n = periods - warmup
    return total / n, transit / n


def mean_ci(x):
    """Mean and 95 % half-width (normal, over independent copies)."""
    x = np.asarray(x, dtype=np.float64)
    return float(x.mean()), float(1.96 * x.std(ddof=1) / np.sqrt(len(x)))


@pytest.fixture
def serial_sim():
    """(simulate_serial, SerialChain, mean_ci)."""
    return simulate_serial, SerialChain, mean_ci
