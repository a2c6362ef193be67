"""An hour-of-week aware reorder-point/order-up-to policy for ``Inventory-v0``."""

from __future__ import annotations

from typing import Any

import numpy as np

from gym_inventory.core.calendar import HOURS_PER_WEEK
from gym_inventory.core.config import check_int
from gym_inventory.envs.observations import STORE_OBS_FIELDS
from gym_inventory.errors import ConfigError
from gym_inventory.policies.base import EnvView, Policy
from gym_inventory.policies.tuning import SearchSpace

__all__ = ["HourOfWeekOrderUpTo", "hour_of_week"]

_DOW_SIN, _DOW_COS = STORE_OBS_FIELDS.index("dow_sin"), STORE_OBS_FIELDS.index("dow_cos")


def hour_of_week(obs: np.ndarray) -> np.ndarray:
    """Hour of the week (0..167) of the coming period, from ``Inventory-v0``'s
    day-of-week features ``dow_sin`` and ``dow_cos`` (their angle is 2π h / 168)."""
    angle = np.arctan2(obs[:, _DOW_SIN].astype(np.float64), obs[:, _DOW_COS])
    return np.rint(angle / (2 * np.pi) * HOURS_PER_WEEK).astype(np.int64) % HOURS_PER_WEEK


class HourOfWeekOrderUpTo(Policy):
    r"""Seasonal :math:`(s_t, S_t)`: reorder point and order-up-to level follow the
    expected demand of the coming hours.

    With :math:`\mu_t` the demand source's mean in period :math:`t` (read from its
    ``mean()``, assumed to repeat weekly) and :math:`L` the lead time:
    :math:`s_t = \sum_{k=0}^{L} \mu_{t+k} + \text{safety}` covers the demand until an
    order placed now arrives; when :math:`IP \le s_t` the policy orders up to
    :math:`S_t = s_t + \sum_{k=L+1}^{L+\text{cover}} \mu_{t+k}`, a batch for the next
    ``cover`` hours (batching saves the fixed ordering cost). The hour is read from the
    observation's day-of-week features. Only for ``Inventory-v0`` (quantity or
    continuous action modes; in ``"order_hold_clear"`` mode any order is one batch).
    """

    param_names = ("safety", "cover")

    def __init__(
        self, safety: int, cover: int, *, env_id: str = "Inventory-v0", **env_kwargs: Any
    ) -> None:
        super().__init__(env_id, **env_kwargs)
        if self.env.family != "store":
            raise ConfigError(f"HourOfWeekOrderUpTo needs Inventory-v0, got {self.env.env_id}")
        self.safety = check_int("safety", safety, low=None)
        self.cover = check_int("cover", cover)
        L = self.env.lead_time
        t = np.arange(HOURS_PER_WEEK)
        horizon = L + 1 + self.cover
        mu = self.env.demand.mean(np.arange(HOURS_PER_WEEK + horizon))
        csum = np.concatenate([[0.0], np.cumsum(mu)])
        self._s = csum[t + L + 1] - csum[t] + self.safety
        self._S = self._s + csum[t + horizon] - csum[t + L + 1]

    def order(self, obs: np.ndarray) -> np.ndarray:
        t = (hour_of_week(obs) - self.env.start_hour) % HOURS_PER_WEEK
        ip = self.env.position(obs)
        return np.where(ip <= self._s[t], np.ceil(self._S[t] - ip), 0.0)

    @classmethod
    def search_space(cls, view: EnvView) -> SearchSpace:
        cap = view.level_cap()
        return SearchSpace((0, 12), (-cap, 0), (cap, 168))

    @classmethod
    def tune(cls, env_id: str = "Inventory-v0", **kwargs: Any):
        return super().tune(env_id, **kwargs)
