"""Sphinx extension: one page per environment, written from the code at build time.

For every registered Gymnasium id and every PettingZoo module in :data:`PETTINGZOO_ENVS`
that is installed, ``builder-inited`` writes ``environments/<name>.md``: the Gymnasium-style
summary table (action space, observation space, import line, taken from a live instance with
the default arguments), a frame drawn by ``env.render()`` in ``rgb_array`` mode after a
seeded random episode (saved as ``environments/<name>.png``), then the env card (the class
docstring). Env cards are Markdown with reST roles (``:class:`X```) so that ``help()``
reads well; here those roles become MyST roles (``{class}`X```) so Sphinx links them
instead of printing them as text. ``environments/`` is generated: never edit it by hand.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
from pathlib import Path
from typing import Any

import numpy as np

#: PettingZoo envs documented next to the Gymnasium ids: page name -> module. An entry whose
#: module is not installed yet is skipped (``supply_chain_v0`` lands from the supply-env
#: branch; its page appears as soon as the module exists).
PETTINGZOO_ENVS = {
    "multi_product_v0": "gym_inventory.multi.multi_product_v0",
    "supply_chain_v0": "gym_inventory.multi.supply_chain_v0",
}

#: Random steps taken before the frame is drawn (seeded, so the picture is reproducible).
FRAME_STEPS = 200
FRAME_SEED = 0

_ROLE = re.compile(r":(class|func|meth|mod|data|attr|exc|obj):`([^`]+)`")
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def qualified_name(target: str, cls: type) -> str | None:
    """The full name of a role target written without its module in ``cls``'s card.

    Cards may say just ``step_arrays`` for a method of the env or ``AgentInfos`` for a
    name imported into its module; a page outside the module needs the full path. A dotted
    target is left to Sphinx (and to ``xref_aliases`` for another name of the same object).
    """
    name = target.lstrip("~").removesuffix("()")
    if "." in name:
        return None
    if hasattr(cls, name):
        return f"{cls.__module__}.{cls.__qualname__}.{name}"
    obj = getattr(importlib.import_module(cls.__module__), name, None)
    if obj is None:
        return None
    function = getattr(obj, "py_func", obj)  # numba dispatchers wrap the Python function
    if inspect.isclass(function) or inspect.isfunction(function):
        return f"{function.__module__}.{function.__qualname__}"
    return f"{cls.__module__}.{name}"


def myst_roles(text: str, cls: type) -> str:
    """Turn the reST roles of ``cls``'s docstring into MyST roles, module-less names made
    full: ``:class:`X``` -> ``{class}`X```, ``:meth:`step``` -> ``{meth}`step <mod.Cls.step>```."""

    def convert(match: re.Match[str]) -> str:
        role, target = match.groups()
        where = qualified_name(target, cls) if "<" not in target else None
        if where is None:
            return f"{{{role}}}`{target}`"
        return f"{{{role}}}`{target.lstrip('~')} <{where}>`"

    return _ROLE.sub(convert, text)


def _bound(value: float) -> str:
    if value >= _FLOAT32_MAX:
        return "max"
    if value <= -_FLOAT32_MAX:
        return "-max"
    return f"{value:g}"


def describe_space(space: Any) -> str:
    """A short Markdown description of a Gymnasium space (``Box`` bounds written out,
    ``max`` standing for the largest float32)."""
    from gymnasium import spaces

    if isinstance(space, spaces.Box):
        low = ", ".join(_bound(v) for v in np.ravel(space.low))
        high = ", ".join(_bound(v) for v in np.ravel(space.high))
        return f"`Box(shape={space.shape}, dtype={space.dtype})`, low `[{low}]`, high `[{high}]`"
    return f"`{space!r}`"


def _save_png(frame: np.ndarray, path: Path) -> None:
    import matplotlib.image

    matplotlib.image.imsave(path, np.ascontiguousarray(frame, dtype=np.uint8))


def _gymnasium_page(env_id: str, out: Path) -> str:
    import gymnasium as gym

    env = gym.make(env_id, render_mode="rgb_array")
    env.reset(seed=FRAME_SEED)
    env.action_space.seed(FRAME_SEED)
    for _ in range(FRAME_STEPS):
        _, _, terminated, truncated, _ = env.step(env.action_space.sample())
        if terminated or truncated:
            break
    _save_png(env.render(), out / f"{env_id}.png")
    cls = type(env.unwrapped)
    table = [
        "| | |",
        "|---|---|",
        f"| Action Space | {describe_space(env.action_space)} |",
        f"| Observation Space | {describe_space(env.observation_space)} |",
        f"| Episode length | {env.spec.max_episode_steps} steps |",
        f'| import | `gymnasium.make("{env_id}")` after `import gym_inventory` |',
    ]
    env.close()
    return _page(env_id, f"{cls.__module__}.{cls.__qualname__}", table, cls)


def _pettingzoo_page(name: str, module_name: str, out: Path) -> str:
    module = importlib.import_module(module_name)
    env = module.parallel_env(render_mode="rgb_array")
    env.reset(seed=FRAME_SEED)
    for step in range(FRAME_STEPS):
        if not env.agents:
            break
        actions = {}
        for i, agent in enumerate(env.agents):
            space = env.action_space(agent)
            space.seed(FRAME_SEED + 1000 * step + i)
            actions[agent] = space.sample()
        env.step(actions)
    _save_png(env.render(), out / f"{name}.png")
    first = env.possible_agents[0]
    table = [
        "| | |",
        "|---|---|",
        f"| Agents | {len(env.possible_agents)} by default: `{'`, `'.join(env.possible_agents)}` |",
        f"| Action Space (each agent) | {describe_space(env.action_space(first))} |",
        f"| Observation Space (each agent) | {describe_space(env.observation_space(first))} |",
        f"| import | `from {module.__package__} import {name}` |",
    ]
    env.close()
    return _page(f"{name} (PettingZoo)", module_name, table, type(env))


def _page(title: str, where: str, table: list[str], cls: type) -> str:
    name = title.split(" ")[0]
    card = myst_roles(inspect.getdoc(cls) or "", cls)
    parts = [f"# {title}", "", f"`{where}`", "", *table, ""]
    parts += [f"```{{image}} {name}.png", f":alt: {name}, a rendered frame", "```", ""]
    parts += [
        f"*A frame of `env.render()` (`rgb_array` mode) after {FRAME_STEPS} random steps "
        f"(seed {FRAME_SEED}), drawn when these docs were built.*",
        "",
        card,
        "",
    ]
    return "\n".join(parts)


def write_env_pages(directory: Path) -> list[str]:
    """Write every env page, its frame and the index into ``directory``; return page names."""
    import gym_inventory

    directory.mkdir(exist_ok=True)
    pages = []
    for env_id in gym_inventory.ENV_IDS:
        (directory / f"{env_id}.md").write_text(_gymnasium_page(env_id, directory), "utf-8")
        pages.append(env_id)
    for name, module_name in PETTINGZOO_ENVS.items():
        if importlib.util.find_spec(module_name) is None:
            continue
        text = _pettingzoo_page(name, module_name, directory)
        (directory / f"{name}.md").write_text(text, encoding="utf-8")
        pages.append(name)
    index = ["# Environments", "", "```{toctree}", ":maxdepth: 1", "", *pages, "```", ""]
    (directory / "index.md").write_text("\n".join(index), encoding="utf-8")
    return pages


def _on_builder_inited(app: Any) -> None:
    write_env_pages(Path(app.srcdir) / "environments")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
