r"""The :class:`Myopic` policy: a one-period newsvendor look-ahead."""

from __future__ import annotations

from typing import Any

import numpy as np

from gym_inventory.errors import ConfigError
from gym_inventory.policies.base import Policy
from gym_inventory.policies.optimal import critical_ratio, newsvendor_level

__all__ = ["Myopic"]

#: Observations processed together when projecting stock (bounds memory).
_CHUNK = 2048


class Myopic(Policy):
    r"""Order what minimises the expected cost of the period in which the order arrives.

    The order placed now arrives in period :math:`t+L`. With backorders the stock then
    available is :math:`IP + a - D^{(L)}`, and the rule is base stock at the
    :math:`p/(p+h)` quantile of :math:`D^{(L+1)}` (optimal). With lost sales the stock
    :math:`Y_L` left when the order arrives is projected exactly through the pipeline,
    :math:`Y_0 = x`, :math:`Y_{k+1} = (Y_k + q_k - D)^+`, and :math:`a` is the smallest
    order with :math:`P(D - Y_L \le a) \ge p/(p+h)` (Zipkin 2008's myopic policy, with the
    newsvendor ratio; ``unit_cost`` and ``fixed_cost`` are not considered). Needs i.i.d.
    demand with a closed-form distribution (the benchmark variants). No parameters.
    """

    param_names = ()

    def __init__(self, *, env_id: str = "InventoryLostSales-v0", **env_kwargs: Any) -> None:
        super().__init__(env_id, **env_kwargs)
        v = self.env
        ok = v.family == "periodic" and v.demand.stationary and not v.config.stochastic_lead_time
        try:
            dist = v.demand.distribution(0)
        except NotImplementedError:
            ok = False
        if not ok:
            raise ConfigError(
                "Myopic needs InventoryLostSales-v0 or InventoryBackorder-v0 with a fixed "
                "lead_time and i.i.d. demand with a closed-form distribution"
            )
        self.ratio = critical_ratio(v)
        self._S = newsvendor_level(v)
        self._dist = dist
        self._a_max = newsvendor_level(v, periods=1)

    def describe(self) -> str:
        return f"ratio={self.ratio:.3f}"

    def order(self, obs: np.ndarray) -> np.ndarray:
        if self.env.backlog:
            return np.maximum(self._S - self.env.position(obs), 0.0)
        out = np.empty(len(obs))
        for i in range(0, len(obs), _CHUNK):
            out[i : i + _CHUNK] = self._lost_order(np.rint(obs[i : i + _CHUNK]).astype(np.int64))
        return out

    def _lost_order(self, obs: np.ndarray) -> np.ndarray:
        B = len(obs)
        M = int(obs.sum(axis=1).max())
        d = np.arange(M + 1)
        pmf, sf_ge = self._dist.pmf(d), self._dist.sf(d - 1)
        # T[y, z] = P((y - D)^+ = z), y, z in 0..M
        T = np.where(d[None, :] == 0, sf_ge[:, None], pmf[np.clip(d[:, None] - d[None, :], 0, M)])
        T = np.where(d[None, :] <= d[:, None], T, 0.0)
        dist = np.zeros((B, M + 1))
        dist[np.arange(B), obs[:, 0]] = 1.0
        for k in range(1, obs.shape[1]):
            # stock + arrival q_k, then demand: new[b, z] = sum_v dist[b, v] T[v + q, z]
            rows = np.minimum(d[None, :] + obs[:, k : k + 1], M)  # (B, M+1)
            dist = np.einsum("bv,bvz->bz", dist, T[rows])
        # P(D - Y <= a) = sum_v P(Y = v) P(D <= a + v), a = 0..a_max
        a = np.arange(self._a_max + 1)
        C = self._dist.cdf(a[:, None] + d[None, :])  # (A, M+1)
        F = dist @ C.T  # (B, A)
        ok = F >= self.ratio - 1e-12
        return np.where(ok.any(axis=1), ok.argmax(axis=1), self._a_max).astype(np.float64)
