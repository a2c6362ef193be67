"""The committed entries under ``baselines/results/leaderboard``: they load, follow the
conventions, their policies rebuild (fast); and every one verifies (slow)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gym_inventory.cli import main
from gym_inventory.leaderboard import find_entries, load_policy, reproduce_entry

ROOT = Path(__file__).resolve().parents[2]
DIR = ROOT / "baselines" / "results" / "leaderboard"
#: The standard evaluation of the three default ids (warm-up per id).
STANDARD = {"Inventory-v0": 0, "InventoryLostSales-v0": 100, "InventoryBackorder-v0": 100}
ENTRIES = find_entries(DIR)


def test_there_are_rule_and_optimal_entries_for_the_default_ids():
    have = {(e.env_id, e.kind) for e in ENTRIES if not e.env_kwargs or e.kind != "learned"}
    for env_id in STANDARD:
        assert (env_id, "rule") in have
    assert ("InventoryLostSales-v0", "optimal") in have
    assert ("InventoryBackorder-v0", "optimal") in have


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_entry_follows_the_conventions(entry):
    assert re.fullmatch(rf"{re.escape(entry.env_id)}__[A-Za-z0-9._-]+", entry.name)
    assert entry.command and "--output" not in entry.command
    if entry.env_id in STANDARD and entry.eval["episodes"] == 100:
        assert entry.eval["seed"] == 1_000_000 and entry.eval["max_steps"] is None
        assert entry.eval["warmup"] == STANDARD[entry.env_id]
    if entry.kind == "learned":
        assert len(entry.seeds) >= 5 and entry.train_steps and entry.train_seconds
        if entry.learning_curve is not None:
            assert (entry.root / entry.learning_curve).is_file()
    if entry.kind == "optimal":
        assert entry.information == "oracle"
    if entry.kind == "rule" and entry.artifact["format"] == "rule":
        assert entry.information in ("model", "observation")


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e.artifact["format"] != "optimal"], ids=lambda e: e.name
)
def test_entry_policy_rebuilds(entry):
    for seed in entry.seeds:
        assert callable(load_policy(entry, seed))


@pytest.mark.slow
def test_every_committed_entry_verifies(capsys):
    code = main(["leaderboard", "verify", "--all", "--dir", str(DIR)])
    out = capsys.readouterr().out
    assert code == 0, out


@pytest.mark.slow
def test_a_rule_entry_reproduces_with_its_committed_command():
    (entry,) = [e for e in ENTRIES if e.name == "InventoryLostSales-v0__myopic"]
    check = reproduce_entry(entry, workdir=ROOT)
    assert check.passed and check.measured == check.recorded
