"""The source distribution is complete and its metadata says where the project lives.

Builds the sdist with the installed setuptools (``--no-isolation``: no index needed; about
3 s), so a path missing from ``MANIFEST.in`` fails here rather than at release time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Tracked files that must ship in the sdist: whole folders, and single files.
FOLDERS = ("tests", "docs", "examples", "benchmarks", "baselines", "src")
FILES = ("CHANGELOG.md", "CITATION.cff", "CONTRIBUTING.md", "LICENSE", "README.md")


def _git_files(*args: str) -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout (the file list is git's)")
    out = subprocess.run(
        ["git", "ls-files", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


@pytest.fixture(scope="module")
def sdist(tmp_path_factory) -> tarfile.TarFile:
    """The sdist built from a clean copy of the working tree (tracked files plus new ones git
    does not ignore): a stale ``*.egg-info/SOURCES.txt`` in the checkout would otherwise
    put files in that ``MANIFEST.in`` no longer names."""
    pytest.importorskip("build")
    source = tmp_path_factory.mktemp("source")
    for name in _git_files("--cached", "--others", "--exclude-standard"):
        if (ROOT / name).is_file():  # a tracked file deleted in the working tree is skipped
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out_dir = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(out_dir)],
        cwd=source,
        capture_output=True,
        check=True,
    )
    (archive,) = out_dir.glob("gym_inventory-*.tar.gz")
    with tarfile.open(archive) as tar:
        yield tar


def test_every_tracked_test_doc_example_and_result_file_is_in_the_sdist(sdist):
    tracked = _git_files("--", *FOLDERS, *FILES)
    assert "tests/conftest.py" in tracked and "CHANGELOG.md" in tracked
    top = sdist.getnames()[0].split("/")[0]
    shipped = {name.removeprefix(f"{top}/") for name in sdist.getnames()}
    missing = [path for path in tracked if path not in shipped]
    assert missing == []
    assert not [name for name in shipped if "__pycache__" in name or name.endswith(".pyc")]


def test_sdist_metadata_has_links_and_python_classifiers(sdist):
    top = sdist.getnames()[0].split("/")[0]
    info = Parser().parsestr(sdist.extractfile(f"{top}/PKG-INFO").read().decode())
    labels = {url.split(",")[0] for url in info.get_all("Project-URL")}
    assert {"Homepage", "Source", "Issues", "Documentation", "Changelog"} <= labels
    classifiers = set(info.get_all("Classifier"))
    pythons = {f"Programming Language :: Python :: 3.{minor}" for minor in range(10, 14)}
    assert pythons <= classifiers
    assert "Development Status :: 3 - Alpha" in classifiers
    assert info["License-Expression"] == "MIT" and info["Requires-Python"] == ">=3.10"
