"""Sphinx extension: serve MathJax from the site itself, so pages render math offline.

Sphinx's default loads MathJax from a CDN, so a page opened without network shows raw
``\\(t\\)``. On ``config-inited`` this extension makes sure MathJax
:data:`MATHJAX_VERSION` is in ``docs/_static/mathjax/`` (its combined ``tex-chtml.js``, the
TeX extensions it may autoload, the CHTML fonts, the menu and accessibility parts it loads
on demand) and points ``mathjax_path`` at it. When the copy is missing it is fetched once
from the npm registry with ``npm pack`` (npm checks the tarball's integrity); the copy is
not committed (``.gitignore``). No page then references a script, style sheet or font on
the network.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

#: The npm package and version served (MathJax 3: one self-contained package, fonts included;
#: MathJax 4 loads its fonts from a separate package at run time).
MATHJAX_VERSION = "3.2.2"
#: Parts of the package's ``es5/`` directory copied: the combined TeX-to-CHTML file and
#: what it loads lazily (TeX extensions, CHTML fonts, menu, accessibility, speech rules).
PARTS = ("tex-chtml.js", "input", "output/chtml", "adaptors", "a11y", "ui", "sre")
ENTRY = "mathjax/tex-chtml.js"


class MathJaxUnavailable(RuntimeError):
    """MathJax is not in ``_static`` and could not be fetched."""


def ensure_mathjax(static_dir: Path) -> Path:
    """Make sure ``static_dir / "mathjax"`` holds MathJax :data:`MATHJAX_VERSION`; return it."""
    target = static_dir / "mathjax"
    stamp = target / "VERSION"
    if stamp.is_file() and stamp.read_text().strip() == MATHJAX_VERSION:
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise MathJaxUnavailable(
            f"MathJax {MATHJAX_VERSION} is not in {target} and npm is not installed to fetch "
            f"it: install Node.js/npm, or unpack the npm package mathjax@{MATHJAX_VERSION}'s "
            f"es5/ directory into {target} and write {MATHJAX_VERSION} into {stamp}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [npm, "pack", f"mathjax@{MATHJAX_VERSION}", "--silent"],
            cwd=tmp,
            capture_output=True,
            text=True,
        )
        tarballs = list(Path(tmp).glob("mathjax-*.tgz"))
        if done.returncode != 0 or len(tarballs) != 1:
            raise MathJaxUnavailable(
                f"npm pack mathjax@{MATHJAX_VERSION} failed: {done.stderr.strip()[-2000:]}"
            )
        with tarfile.open(tarballs[0]) as archive:
            archive.extractall(tmp, filter="data")
        es5 = Path(tmp) / "package" / "es5"
        if target.exists():
            shutil.rmtree(target)
        for part in PARTS:
            source, dest = es5 / part, target / part
            dest.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, dest)
            else:
                shutil.copy2(source, dest)
    stamp.write_text(MATHJAX_VERSION + "\n")
    return target


def _on_config_inited(app: Any, config: Any) -> None:
    ensure_mathjax(Path(app.confdir) / "_static")
    config.mathjax_path = ENTRY


def setup(app: Any) -> dict[str, Any]:
    app.setup_extension("sphinx.ext.mathjax")
    app.connect("config-inited", _on_config_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
