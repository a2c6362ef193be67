"""Fixtures of the documentation tests: the built site ``docs/_build/html``.

``test_build.py`` (slow) builds it with warnings as errors, the command CI runs; the other
tests read what is there and are skipped, saying how to build it, when it is missing.
"""

from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """Where the site is built (it may not be there yet)."""
    return DOCS / "_build" / "html"


@pytest.fixture(scope="session")
def site(site_dir: Path) -> Path:
    """The built site; the test is skipped when it is not built."""
    if not (site_dir / "index.html").is_file():
        pytest.skip(f"the docs are not built: run `python -m sphinx -W -b html docs {site_dir}`")
    return site_dir


@pytest.fixture(scope="session")
def site_pages(site: Path) -> list[Path]:
    """The site's own pages (not the highlighted sources under ``_modules``)."""
    return sorted(p for p in site.rglob("*.html") if "_modules" not in p.relative_to(site).parts)
