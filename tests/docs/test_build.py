import subprocess
import sys

import pytest


@pytest.mark.slow
def test_sphinx_docs_build_without_warnings(site_dir):
    """The documented build (tutorials run, env pages and frames generated, MathJax local)
    succeeds with warnings as errors; it writes ``docs/_build/html`` for the site tests."""
    for module in ("sphinx", "myst_parser", "furo", "sphinx_gallery", "matplotlib"):
        pytest.importorskip(module)
    docs = site_dir.parents[1]
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    out = subprocess.run([*command, str(docs), str(site_dir)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-4000:]
    page = (site_dir / "environments" / "Inventory-v0.html").read_text()
    assert "Observation Space" in page and "<table" in page
    multi = (site_dir / "environments" / "multi_product_v0.html").read_text()
    assert "Shared-capacity rule" in multi and "<table" in multi
    chain = (site_dir / "environments" / "supply_chain_v0.html").read_text()
    assert "Shipping, from the top down" in chain and "<table" in chain
