"""Sphinx extension: resolve a Python cross-reference written with another name of the object.

Users (and env cards) name objects by their public path (``gym_inventory.core.InventoryKernel``)
while the API reference may document them where they are defined
(``gym_inventory.core.kernel.InventoryKernel``), or the other way round
(``gym_inventory.policies.solve_optimal``, defined in ``gym_inventory.policies.optimal``).
On ``missing-reference`` this imports the target and, if it is the very object documented
under another name, links there. A target that is no importable object stays unresolved.
"""

from __future__ import annotations

import pkgutil
from typing import Any


def _resolve(name: str) -> Any:
    try:
        return pkgutil.resolve_name(name)
    except Exception:  # any failure means "not an importable object"
        return None


def _documented(env: Any) -> dict[int, str]:
    """``id(object) -> documented name`` of every importable object of the Python domain
    (built once per build; objects imported under several names keep the first)."""
    cache = getattr(env, "_xref_aliases", None)
    if cache is None:
        cache = {}
        for name in env.get_domain("py").objects:
            obj = _resolve(name)
            if obj is not None:
                cache.setdefault(id(getattr(obj, "py_func", obj)), name)
        env._xref_aliases = cache
    return cache


def _on_missing_reference(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].removesuffix("()")
    obj = _resolve(target) if target.startswith("gym_inventory.") else None
    if obj is None:
        return None
    alias = _documented(env).get(id(getattr(obj, "py_func", obj)))
    if alias is None or alias == target:
        return None
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], alias, node, contnode
    )


def setup(app: Any) -> dict[str, Any]:
    app.connect("missing-reference", _on_missing_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
