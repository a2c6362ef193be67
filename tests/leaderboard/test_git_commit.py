"""The commit an entry records: results files do not make it dirty, other changes do."""

import shutil
import subprocess

import pytest

from gym_inventory.leaderboard import git_commit

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_only_changes_outside_results_make_the_commit_dirty(tmp_path, monkeypatch):
    (tmp_path / "baselines" / "results").mkdir(parents=True)
    (tmp_path / "baselines" / "results" / "entry.json").write_text("{}\n")
    (tmp_path / "README.md").write_text("hello\n")
    _git("init", "-q", cwd=tmp_path)
    _git("add", ".", cwd=tmp_path)
    _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c", cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    head = git_commit()
    assert len(head) == 40 and not head.endswith("+dirty")
    (tmp_path / "baselines" / "results" / "entry.json").write_text('{"a": 1}\n')
    assert git_commit() == head
    (tmp_path / "README.md").write_text("changed\n")
    assert git_commit() == head + "+dirty"


def test_outside_a_repository_the_commit_is_unknown(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert git_commit() == "unknown"
