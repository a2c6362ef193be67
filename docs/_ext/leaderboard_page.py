"""Sphinx extension: write ``leaderboard.md`` from the committed leaderboard entries.

On ``builder-inited`` it looks for the entries ``baselines/results/leaderboard/*.json`` (next
to ``docs/``) and for :func:`gym_inventory.leaderboard.render_markdown`. With both, the page
is that function's Markdown: it is called with the entries' directory as a
:class:`pathlib.Path` (or with no argument if it takes none), and, when the module also has
``plot_learning_curves`` and ``render_markdown`` takes ``figures_dir``, the learning-curve
figures are written to ``docs/_static/leaderboard/`` and embedded. With either missing, the
page says that there are no entries yet. If rendering fails the build gets a
warning (an error under ``-W``) and the page says so: a broken leaderboard never passes as
an empty one. ``docs/leaderboard.md`` is generated: never edit it by hand.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

from sphinx.util import logging

logger = logging.getLogger(__name__)

TITLE = "# Leaderboard"
#: Where the learning-curve figures go, relative to ``docs/`` (and so to the page).
FIGURES = "_static/leaderboard"
NO_ENTRIES = """{title}

No leaderboard entries yet. An entry is a JSON file under `baselines/results/leaderboard/`
that records a policy's result on an env id together with the command that regenerates it, the
seeds, the hardware, the versions and what information the policy may use; this page is built
from those files each time the documentation is built ({reason}).
"""


def entries_dir(srcdir: Path) -> Path:
    """Where the entries live: ``baselines/results/leaderboard`` beside ``docs/``."""
    return srcdir.parent / "baselines" / "results" / "leaderboard"


def leaderboard_markdown(directory: Path, srcdir: Path | None = None) -> str:
    """The page's Markdown for the entries in ``directory`` (see the module docstring);
    figures are written under ``srcdir`` (the docs' source directory) when it is given."""
    entries = sorted(directory.glob("*.json")) if directory.is_dir() else []
    try:
        module = importlib.import_module("gym_inventory.leaderboard")
    except ModuleNotFoundError as error:
        if error.name != "gym_inventory.leaderboard":
            raise
        module = None
    render = getattr(module, "render_markdown", None)
    if render is None:
        return NO_ENTRIES.format(title=TITLE, reason="gym_inventory.leaderboard is not there yet")
    if not entries:
        return NO_ENTRIES.format(title=TITLE, reason=f"no *.json file in {directory.name}/")
    parameters = inspect.signature(render).parameters
    required = [
        p
        for p in parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    plot = getattr(module, "plot_learning_curves", None)
    if required and srcdir is not None and plot is not None and "figures_dir" in parameters:
        plot(directory, srcdir / FIGURES)
        text = render(directory, figures_dir=FIGURES)
    else:
        text = render(directory) if required else render()
    if not isinstance(text, str):
        raise TypeError(f"render_markdown returned {type(text).__name__}, expected str")
    return text if text.lstrip().startswith("# ") else f"{TITLE}\n\n{text}"


def _on_builder_inited(app: Any) -> None:
    srcdir = Path(app.srcdir)
    try:
        text = leaderboard_markdown(entries_dir(srcdir), srcdir)
    except Exception as error:  # reported as a build warning, never hidden
        logger.warning("leaderboard page: rendering the entries failed: %r", error)
        text = f"{TITLE}\n\nThe leaderboard could not be rendered when these docs were built.\n"
    page = srcdir / "leaderboard.md"
    if not page.is_file() or page.read_text(encoding="utf-8") != text:
        page.write_text(text, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
