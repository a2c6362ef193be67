"""Sphinx configuration for gym-inventory (furo + myst-parser).

Environment pages are generated at build time from the env classes' Markdown env cards
(their docstrings), one page per registered id, so the docs never drift from the code.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import gym_inventory
from gym_inventory.registration import env_class

project = "gym-inventory"
author = "gym-inventory developers"
copyright = "2026, gym-inventory developers"
release = gym_inventory.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
myst_enable_extensions = ["dollarmath", "colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = f"gym-inventory {release}"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"
_ENV_DIR = Path(__file__).parent / "environments"
#: PettingZoo envs documented next to the Gymnasium ids: page name -> env class.
_PETTINGZOO_ENVS = {
    "multi_product_v0": "gym_inventory.multi.multi_product_v0:MultiProductEnv",
    "supply_chain_v0": "gym_inventory.multi.supply_chain_v0:SupplyChainEnv",
}


def write_env_pages() -> list[str]:
    """Write ``environments/<id>.md`` from each registered env's card; return the ids."""
    _ENV_DIR.mkdir(exist_ok=True)
    for env_id in gym_inventory.ENV_IDS:
        cls = env_class(env_id)
        card = inspect.getdoc(cls) or ""
        text = f"# {env_id}\n\n`{cls.__module__}.{cls.__qualname__}`\n\n{card}\n"
        (_ENV_DIR / f"{env_id}.md").write_text(text, encoding="utf-8")
    pages = list(gym_inventory.ENV_IDS)
    for name, entry in _PETTINGZOO_ENVS.items():  # PettingZoo envs, next to the ids
        module, qualname = entry.split(":")
        card = inspect.getdoc(getattr(importlib.import_module(module), qualname)) or ""
        text = f"# {name} (PettingZoo)\n\n`{module}`\n\n{card}\n"
        (_ENV_DIR / f"{name}.md").write_text(text, encoding="utf-8")
        pages.append(name)
    index = ["# Environments", "", "```{toctree}", ":maxdepth: 1", ""]
    index += [*pages, "```", ""]
    (_ENV_DIR / "index.md").write_text("\n".join(index), encoding="utf-8")
    return list(gym_inventory.ENV_IDS)


write_env_pages()
