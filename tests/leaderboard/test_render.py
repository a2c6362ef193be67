"""Rendering: the tables have the columns and the ranking; the learning-curve figure."""

from __future__ import annotations

import csv
import io

import pytest

from gym_inventory.leaderboard import (
    find_entries,
    plot_learning_curves,
    render_csv,
    render_markdown,
)
from gym_inventory.leaderboard.render import COLUMNS


def test_markdown_has_every_column_and_ranks_by_cost(entry_dir, lb):
    lb.rule_entry(entry_dir, name="InventoryLostSales-v0__base-stock-12", S=12)
    lb.mlp_entry(entry_dir)
    text = render_markdown(entry_dir)  # a directory, as the docs build passes it
    assert text == render_markdown(find_entries(entry_dir))
    header = "| " + " | ".join(COLUMNS) + " |"
    assert header in text and "## InventoryLostSales-v0" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and line != header]
    assert len(rows) == 3
    costs = [float(r.split(" | ")[4].split(" ± ")[0]) for r in rows]
    assert costs == sorted(costs)
    assert [r.split(" | ")[0] for r in rows] == ["| 1", "| 2", "| 3"]
    mlp = next(r for r in rows if "random MLP" in r)
    assert "| learned | observation |" in mlp and "| 5 | 1,000 | 1 s |" in mlp
    assert "numpy" in mlp and "`python train.py`" in mlp


def test_equal_scores_share_a_rank(entry_dir, lb):
    lb.rule_entry(entry_dir, name="twin")
    rows = [r for r in render_markdown(entry_dir).splitlines() if "base stock" in r]
    assert [r.split(" | ")[0] for r in rows] == ["| 1", "| 1"]


def test_csv_has_the_columns_and_exact_scores(entry_dir):
    rows = list(csv.DictReader(io.StringIO(render_csv(entry_dir))))
    (row,) = rows
    assert set(COLUMNS) - {"score ± 95% CI"} <= set(row)
    entry = find_entries(entry_dir)[0]
    assert float(row["score"]) == entry.average_cost and row["entry"] == entry.name
    assert row["env_kwargs"] == "{}"


def test_learning_curves_one_png_per_env(entry_dir, lb, tmp_path):
    pytest.importorskip("matplotlib")
    lb.mlp_entry(entry_dir)
    paths = plot_learning_curves(entry_dir, tmp_path / "fig")
    assert [p.name for p in paths] == ["InventoryLostSales-v0.png"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = render_markdown(entry_dir, figures_dir="fig")
    assert "![Learning curves on InventoryLostSales-v0](fig/InventoryLostSales-v0.png)" in text


def test_no_learned_entry_no_figure(entry_dir, tmp_path):
    pytest.importorskip("matplotlib")
    assert plot_learning_curves(entry_dir, tmp_path / "fig") == []
    assert "![" not in render_markdown(entry_dir, figures_dir="fig")


def test_rows_scored_on_other_episodes_are_marked(entry_dir, lb):
    lb.rule_entry(entry_dir, name="twin")
    lb.edit(entry_dir / "twin.json", eval__seed=5)
    text = render_markdown(entry_dir)
    assert "‡ scored on other episodes: not comparable" in text
    assert sum(" ‡ |" in line for line in text.splitlines()) == 1
