"""The floor reference: the lost-sales period as one plain numba loop, nothing else.

What the issue that set the vector-env target measured against ("a plain 15-line numba
loop doing the same period, with the uniform draws"): ``N`` copies of
``InventoryLostSales-v0``'s period (the pipeline moves up, the order joins it, demand
served from stock, the rest lost; reward = -(h * stock + p * lost)), Poisson demand by
inverse CDF from **one** generator's ``rng.random(N)`` per step, a fresh float32
observation ``[on hand, pipeline]`` per step, no info, no per-copy generators, no checks.
It is what the package's vector env would cost without its contracts (per-copy
generators drawn in blocks, the per-copy record behind ``info``, action checks, the
Gymnasium ``VectorEnv`` API), so the gap between the two is the price of those.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy import stats

__all__ = ["PlainLoopLostSales"]


@njit(cache=True)
def _period(order, u, cdf, on_hand, pipeline, h, p, obs, reward):
    L = pipeline.shape[1]
    for i in range(len(order)):
        stock = on_hand[i] + pipeline[i, 0]
        for k in range(L - 1):
            pipeline[i, k] = pipeline[i, k + 1]
        pipeline[i, L - 1] = order[i]
        demand = 0
        while u[i] >= cdf[demand]:
            demand += 1
        sold = min(demand, stock)
        stock -= sold
        on_hand[i] = stock
        reward[i] = -(h * stock + p * (demand - sold))
        obs[i, 0] = stock
        for k in range(L):
            obs[i, 1 + k] = pipeline[i, k]


class PlainLoopLostSales:
    """``n`` copies, lead time ``L >= 1``, Poisson(``mean``) demand, costs ``h``, ``p``."""

    def __init__(self, n: int, lead_time: int, mean: float, h: float, p: float, seed: int = 0):
        self.n, self.h, self.p = n, h, p
        self.cdf = stats.poisson(mean).cdf(np.arange(int(mean * 10 + 50)))
        self.cdf[-1] = 1.0
        self.rng = np.random.default_rng(seed)
        self.lead_time = lead_time
        self.reset()

    def reset(self) -> np.ndarray:
        self.on_hand = np.zeros(self.n)
        self.pipeline = np.zeros((self.n, self.lead_time))
        return np.zeros((self.n, 1 + self.lead_time), dtype=np.float32)

    def step(self, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        obs = np.empty((self.n, 1 + self.lead_time), dtype=np.float32)
        reward = np.empty(self.n)
        u = self.rng.random(self.n)
        _period(order, u, self.cdf, self.on_hand, self.pipeline, self.h, self.p, obs, reward)
        return obs, reward
