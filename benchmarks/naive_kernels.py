"""Plain NumPy reference kernels: the speed the package's kernel is measured against.

Two deliberately naive batched implementations of the package's period (see the env card
of ``InventoryLostSales-v0`` and of ``multi_product_v0``), written the way one would
first write them: whole-array NumPy operations, a fresh array per operation, the pipeline
advanced with ``np.roll``, demand from ``rng.poisson``. They model the same period as the
package:

1. the order placed ``L`` periods ago arrives (an order placed in period ``t`` arrives at
   the start of period ``t + L``; these kernels need ``L >= 1``), and the agent's order
   enters the pipeline;
2. demand is served from on-hand stock;
3. unmet demand is lost;
4. the reward is minus the period's costs (holding on end-of-period stock, a penalty per
   unit lost; plus ordering, disposal and revenue in the multi-product kernel).

They are references for **speed**, not for bit-equality: their random streams, float
rounding and observations (no time features, no moving averages) differ from the
package's. The benchmarks step them with the same actions as the package, in the same
run, and print the package's rate as a multiple of theirs.
"""

from __future__ import annotations

import numpy as np

__all__ = ["NaiveLostSales", "NaiveMultiProduct"]


class NaiveLostSales:
    """``N`` copies of the single-product lost-sales model (``InventoryLostSales-v0``).

    Poisson(``mean``) demand, fixed lead time ``L >= 1``, holding cost ``h`` per unit on
    hand at the end of the period, penalty ``p`` per unit lost; reward = minus the cost.
    The observation is the env's: ``[on hand, pipeline_1, ..., pipeline_L]``, where
    ``pipeline_k`` arrives at the start of the ``k``-th next period.

    Parameters
    ----------
    n : int
        Number of copies ``N``.
    lead_time : int
        ``L >= 1``.
    mean, holding_cost, penalty_cost : float
        Poisson mean of demand, ``h`` and ``p``.
    seed : int
        Seed of the one generator all copies draw from.
    """

    def __init__(
        self,
        n: int,
        lead_time: int = 4,
        mean: float = 5.0,
        holding_cost: float = 1.0,
        penalty_cost: float = 9.0,
        seed: int = 0,
    ) -> None:
        if lead_time < 1:
            raise ValueError(f"lead_time must be >= 1, got {lead_time}")
        self.n, self.lead_time = n, lead_time
        self.mean, self.h, self.p = mean, holding_cost, penalty_cost
        self.rng = np.random.default_rng(seed)
        self.reset()

    def reset(self) -> np.ndarray:
        """Empty stock and pipeline; returns the observation, shape ``(N, 1 + L)``."""
        self.on_hand = np.zeros(self.n)
        self.pipeline = np.zeros((self.n, self.lead_time))  # column k: arrives in k + 1
        return np.column_stack([self.on_hand, self.pipeline])

    def step(self, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One period of every copy with orders ``order`` (N,); returns (obs, reward)."""
        on_hand = self.on_hand + self.pipeline[:, 0]  # the order of L periods ago arrives
        self.pipeline = np.roll(self.pipeline, -1, axis=1)  # the rest move up one period
        self.pipeline[:, -1] = order  # and the new order joins the end: it arrives in L
        demand = self.rng.poisson(self.mean, self.n)
        sold = np.minimum(demand, on_hand)  # served from on hand
        lost = demand - sold  # unmet demand is lost
        self.on_hand = on_hand - sold
        reward = -(self.h * self.on_hand + self.p * lost)
        return np.column_stack([self.on_hand, self.pipeline]), reward


class NaiveMultiProduct:
    """``P`` products of one store (one copy) sharing a warehouse and an ordering budget.

    The period of ``multi_product_v0`` in ``action_mode="quantity"``, lost sales, fixed
    lead time ``L >= 1`` for all products, Poisson demand with per-product means, and its
    three coupling rules:

    * **budget**: if the orders cost more than ``budget`` (unit cost per unit plus fixed
      cost per product that orders), every order is scaled by the same factor
      ``f = (budget - fixed costs) / variable cost`` (clipped to [0, 1]) and rounded down;
    * **per-product capacity**: each product accepts at most ``capacity - on hand`` of
      its arrivals;
    * **shared capacity**: if the accepted arrivals exceed the warehouse's free space
      ``F``, they are cut to exactly ``F`` by proportional allocation, the leftover units
      going one each to the largest fractional remainders (ties to the lower index).

    Units not accepted are disposed of at ``disposal_cost``. The reward of each product
    is its profit: ``price`` per unit sold minus ordering, holding, penalty and disposal
    costs. All parameters but ``lead_time``, ``shared_capacity``, ``budget`` and ``seed``
    are numbers or arrays of ``P``. After each :meth:`step`, ``budget_bound`` and
    ``shared_bound`` say whether those rules cut anything.
    """

    def __init__(
        self,
        means: np.ndarray,
        *,
        lead_time: int = 2,
        capacity: np.ndarray | float = np.inf,
        shared_capacity: float = np.inf,
        budget: float = np.inf,
        unit_cost: np.ndarray | float = 5.0,
        fixed_cost: np.ndarray | float = 10.0,
        holding_cost: np.ndarray | float = 0.1,
        penalty_cost: np.ndarray | float = 2.0,
        price: np.ndarray | float = 10.0,
        disposal_cost: np.ndarray | float = 1.0,
        initial_stock: np.ndarray | float = 0.0,
        seed: int = 0,
    ) -> None:
        if lead_time < 1:
            raise ValueError(f"lead_time must be >= 1, got {lead_time}")
        self.means = np.asarray(means, dtype=np.float64)
        P = len(self.means)
        self.lead_time, self.shared_capacity, self.budget = lead_time, shared_capacity, budget
        full = {
            "capacity": capacity, "unit_cost": unit_cost, "fixed_cost": fixed_cost,
            "holding_cost": holding_cost, "penalty_cost": penalty_cost, "price": price,
            "disposal_cost": disposal_cost, "initial_stock": initial_stock,
        }  # fmt: skip
        for name, value in full.items():
            setattr(self, name, np.broadcast_to(np.asarray(value, dtype=np.float64), (P,)))
        if self.initial_stock.sum() > shared_capacity:
            raise ValueError("the initial stock must fit into the shared capacity")
        self.rng = np.random.default_rng(seed)
        self.reset()

    def reset(self) -> tuple[np.ndarray, np.ndarray]:
        """Initial stock, empty pipeline; returns ``(on_hand, in_transit)``, each ``(P,)``."""
        self.on_hand = self.initial_stock.copy()
        self.pipeline = np.zeros((len(self.means), self.lead_time))
        self.budget_bound = self.shared_bound = False
        return self.on_hand, self.pipeline.sum(axis=1)

    def step(self, order: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One period with orders ``order`` (P,); returns (on_hand, in_transit, profit)."""
        placed = order > 0
        variable, fixed = order @ self.unit_cost, placed @ self.fixed_cost
        self.budget_bound = variable + fixed > self.budget
        if self.budget_bound:  # every order scaled down by one factor, rounded down
            f = np.clip((self.budget - fixed) / variable if variable > 0 else 0.0, 0.0, 1.0)
            order = np.floor(order * f)
            placed = order > 0
        arrived = self.pipeline[:, 0]  # the order of L periods ago arrives
        self.pipeline = np.roll(self.pipeline, -1, axis=1)
        self.pipeline[:, -1] = order
        received = np.minimum(arrived, self.capacity - self.on_hand)  # per-product capacity
        free, wanted = self.shared_capacity - self.on_hand.sum(), received.sum()
        self.shared_bound = wanted > free
        if self.shared_bound:  # proportional allocation, largest remainders get the rest
            share = received * (free / wanted)
            received = np.floor(share)
            frac = share - received
            top = np.argsort(-frac, kind="stable")[: int(np.rint(free - received.sum()))]
            received[top[frac[top] > 0]] += 1
        on_hand = self.on_hand + received
        demand = self.rng.poisson(self.means)
        sold = np.minimum(demand, on_hand)
        lost = demand - sold
        self.on_hand = on_hand - sold
        profit = (
            self.price * sold
            - (self.unit_cost * order + self.fixed_cost * placed)
            - self.holding_cost * self.on_hand
            - self.penalty_cost * lost
            - self.disposal_cost * (arrived - received)
        )
        return self.on_hand, self.pipeline.sum(axis=1), profit
