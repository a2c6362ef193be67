"""The action modes of the store envs: their spaces, checks and decoding.

An action becomes an ``(order, clearance)`` pair of units per copy and product, which
is what the kernel takes. Checks come first and raise
:class:`~gym_inventory.errors.ActionError` naming the offending value; nothing is
clipped.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces

from gym_inventory.errors import ActionError, ConfigError

__all__ = ["ACTION_MODES", "Actions"]

#: ``"order_hold_clear"``: the prototype's three actions (0 order a batch, 1 hold, 2 run a
#: clearance sale); ``"quantity"``: the units to order; ``"continuous"``: the order as a
#: fraction of ``max_order``.
ACTION_MODES = ("order_hold_clear", "quantity", "continuous")

ORDER, HOLD, CLEAR = 0, 1, 2  # the order_hold_clear actions


class Actions:
    """One action mode: its space for one product, its check and its decoding.

    Parameters
    ----------
    mode : {"order_hold_clear", "quantity", "continuous"}
        ``"order_hold_clear"``: ``Discrete(3)`` (0 order ``order_quantity``, 1 hold, 2
        clearance sale of up to ``clearance_quantity``). ``"quantity"``:
        ``Discrete(max_order + 1)``, the units to order. ``"continuous"``:
        ``Box(0, 1, (1,))``, the order as a fraction of ``max_order`` rounded half up to
        whole units (``floor(a * max_order + 0.5)``).
    order_quantity, clearance_quantity, max_order : int
        The quantities of the modes.
    """

    def __init__(
        self, mode: str, order_quantity: int, clearance_quantity: int, max_order: int
    ) -> None:
        if mode not in ACTION_MODES:
            raise ConfigError(f"action_mode must be one of {ACTION_MODES}, got {mode!r}")
        self.mode = mode
        self.order_quantity = float(order_quantity)
        self.clearance_quantity = float(clearance_quantity)
        self.max_order = max_order

    def space(self) -> spaces.Space:
        """The action space of one product of one copy."""
        if self.mode == "order_hold_clear":
            return spaces.Discrete(3)
        if self.mode == "quantity":
            return spaces.Discrete(self.max_order + 1)
        return spaces.Box(0.0, 1.0, shape=(1,), dtype=np.float32)

    def check(self, actions: Any, shape: tuple[int, ...]) -> np.ndarray:
        """Validate actions of batch shape ``shape``; return them as an array.

        Discrete modes need integers (Python or NumPy; not floats or bools); the
        continuous mode needs numbers in [0, 1] with a trailing axis of 1.
        """
        a = np.asarray(actions)
        mode = self.mode
        want = shape + ((1,) if mode == "continuous" else ())
        if a.shape != want:
            raise ActionError(
                f"action must have shape {want} for action_mode={mode!r}, got {a.shape} "
                f"({actions!r})"
            )
        if mode == "continuous":
            if a.dtype.kind not in "fiu":
                raise ActionError(f"action must be numeric, got dtype {a.dtype} ({actions!r})")
            bad = ~((a >= 0) & (a <= 1))  # also catches NaN
            if bad.any():
                raise ActionError(
                    "action must be a fraction of max_order in [0, 1] for "
                    f"action_mode='continuous', got {a[bad].flat[0]!r}"
                )
            return a
        n = 3 if mode == "order_hold_clear" else self.max_order + 1
        if a.dtype.kind not in "iu":
            raise ActionError(
                f"action must be an int in [0, {n - 1}] for action_mode={mode!r}, got {actions!r}"
            )
        if a.size and (a.min() < 0 or a.max() >= n):
            bad = (a < 0) | (a >= n)
            raise ActionError(
                f"action must be an int in [0, {n - 1}] for action_mode={mode!r}, "
                f"got {a[bad].flat[0]!r}"
            )
        return a

    def decode(self, actions: np.ndarray, order: np.ndarray, clearance: np.ndarray) -> None:
        """Write checked actions' ``(order, clearance)`` into the float64 arrays given."""
        if self.mode == "order_hold_clear":
            np.multiply(actions == ORDER, self.order_quantity, out=order)
            np.multiply(actions == CLEAR, self.clearance_quantity, out=clearance)
        elif self.mode == "quantity":
            order[...] = actions
        else:
            np.floor(actions[..., 0] * self.max_order + 0.5, out=order)
