import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_sphinx_docs_build_without_warnings(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    pytest.importorskip("furo")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-W",
            "--keep-going",
            "-q",
            str(ROOT / "docs"),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-4000:]
    page = (tmp_path / "html" / "environments" / "Inventory-v0.html").read_text()
    assert "Observation Space" in page and "<table" in page
    multi = (tmp_path / "html" / "environments" / "multi_product_v0.html").read_text()
    assert "Shared-capacity rule" in multi and "<table" in multi
    chain = (tmp_path / "html" / "environments" / "supply_chain_v0.html").read_text()
    assert "Shipping, from the top down" in chain and "<table" in chain
