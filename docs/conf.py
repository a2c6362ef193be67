"""Sphinx configuration for gym-inventory (furo + myst-parser + sphinx-gallery).

Generated at build time, never by hand (all git-ignored):

* ``environments/``: one page per registered env id and PettingZoo env, from the code
  (``_ext/env_pages.py``: spaces table, a rendered frame, the env card);
* ``leaderboard.md``: from ``baselines/results/leaderboard/*.json`` (``_ext/leaderboard_page.py``);
* ``generated/tutorials/``: the tutorials ``tutorials/*.py``, run by sphinx-gallery, figures
  included;
* ``_static/mathjax/``: MathJax, served locally so the pages need no network
  (``_ext/offline_mathjax.py``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import gym_inventory

sys.path.insert(0, str(Path(__file__).parent / "_ext"))
# The tutorials run in this process: draw off screen, one torch thread (2-core machines).
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OMP_NUM_THREADS", "1")

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
    "sphinx_gallery.gen_gallery",
    "offline_mathjax",
    "env_pages",
    "leaderboard_page",
    "xref_aliases",
]
myst_enable_extensions = ["dollarmath", "colon_fence"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# tutorials/ holds the gallery's sources; sphinx-gallery writes their pages to generated/.
exclude_patterns = ["_build", "tutorials"]
html_theme = "furo"
html_title = f"gym-inventory {release}"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"

sphinx_gallery_conf = {
    "examples_dirs": "tutorials",
    "gallery_dirs": "generated/tutorials",
    "filename_pattern": r"\.py$",  # run every tutorial: each figure comes from its code
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "download_all_examples": False,
    "show_signature": False,
    "remove_config_comments": True,
    "reset_modules": ("matplotlib",),
    "image_scrapers": ("matplotlib",),
    "capture_repr": (),  # show what the code prints, not the repr of a block's last value
    # The computation-times pages load their table script and style from CDNs: left out.
    "write_computation_times": False,
}
