"""The per-agent ``infos`` of the multi-product envs, built when first read.

:class:`AgentInfos` is the ``infos`` dict of one step: agent -> its product's period
(:data:`INFO_FIELDS` as plain floats). Its values are built from one table of the step
(one row per product) the first time they are read, so a step pays only for the infos
a caller reads; every way of reading a ``dict`` sees the built values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gym_inventory.core.fields import RECORD_FIELDS

__all__ = ["INFO_FIELDS", "AgentInfos"]

#: Keys of each agent's ``info``: ``Inventory-v0``'s (the kernel's record of the period),
#: then ``requested``, the units the agent's action asked for before the budget rule.
INFO_FIELDS: tuple[str, ...] = (*RECORD_FIELDS, "requested")


class AgentInfos(dict):
    """The ``infos`` of one step: agent -> its info dict (:data:`INFO_FIELDS` as floats).

    A real ``dict`` whose values are built from the step's table when first read
    (``infos[agent]``, ``get``, ``values``, ``items``, ``==``, copies, pickling all see
    them).

    Parameters
    ----------
    agents : sequence of str, or dict
        The keys, in order (a dict of ``None`` values is copied: 2 us instead of 26 us
        for 1,000 agents, measured).
    table : ndarray, shape (products, len(INFO_FIELDS))
        The step's infos, one row per product; kept (not copied), so it must not change.
    index : mapping of str to int
        The table row of each agent.
    """

    __slots__ = ("_index", "_table")

    def __init__(
        self, agents: Sequence[str] | dict, table: np.ndarray, index: Mapping[str, int]
    ) -> None:
        super().__init__(agents if type(agents) is dict else dict.fromkeys(agents))
        self._table: np.ndarray | None = table
        self._index = index

    def __getitem__(self, agent: str) -> dict[str, float]:
        info = dict.__getitem__(self, agent)
        if info is None and self._table is not None:
            info = dict(zip(INFO_FIELDS, self._table[self._index[agent]].tolist(), strict=True))
            dict.__setitem__(self, agent, info)
        return info

    def _build_all(self) -> None:
        if self._table is not None:
            rows = self._table.tolist()
            for agent, info in dict.items(self):
                if info is None:
                    row = rows[self._index[agent]]
                    dict.__setitem__(self, agent, dict(zip(INFO_FIELDS, row, strict=True)))
            self._table = None

    def __iter__(self) -> Any:  # (overridden: dict(infos) and {**infos} use __getitem__)
        return dict.__iter__(self)

    def get(self, agent: str, default: Any = None) -> Any:
        return self[agent] if agent in self else default

    def pop(self, agent: str, *default: Any) -> Any:
        if agent in self:
            self[agent]
        return dict.pop(self, agent, *default)

    def __reduce__(self) -> tuple:  # pickles (and deep-copies) as a plain dict
        return dict, (dict(self.items()),)

    def __copy__(self) -> AgentInfos:
        new = AgentInfos((), self._table, self._index)
        dict.update(new, dict.items(self))
        return new


def _built_first(name: str) -> Any:
    method = getattr(dict, name)

    def built(self: AgentInfos, *args: Any) -> Any:
        self._build_all()
        for arg in args:
            if isinstance(arg, AgentInfos):
                arg._build_all()
        return method(self, *args)

    built.__name__ = name
    built.__doc__ = method.__doc__
    return built


for _name in (
    "values", "items", "copy", "popitem", "setdefault", "__eq__", "__ne__", "__repr__",
    "__or__", "__ror__", "__ior__",
):  # fmt: skip
    setattr(AgentInfos, _name, _built_first(_name))
