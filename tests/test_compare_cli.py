import subprocess
import sys

import pytest

from gym_inventory.cli import main


def test_compare_on_inventory_v0_end_to_end(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    png, md = tmp_path / "plot.png", tmp_path / "table.md"
    code = main(
        [
            "compare",
            "--episodes",
            "4",
            "--tune-episodes",
            "4",
            "--steps",
            "48",
            "--plot",
            str(png),
            "--markdown",
            str(md),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "prototype rule (order" in out and "hour-of-week" in out and "gap to best" in out
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    text = md.read_text()
    assert text.startswith("# Policy comparison on `Inventory-v0`")
    assert "gym-inventory compare --env Inventory-v0 --episodes 4" in text
    assert text.count("\n| ") == 10  # header + 9 policies


def test_compare_on_lost_sales_includes_the_optimum(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "ls.png"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "gym_inventory.cli",
            "compare",
            "--env",
            "InventoryLostSales-v0",
            "--episodes",
            "3",
            "--tune-episodes",
            "3",
            "--steps",
            "300",
            "--plot",
            str(png),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "optimal (relative value iteration)" in out.stdout and "gap to optimum" in out.stdout
    assert png.exists()


def test_compare_rejects_an_unknown_env(capsys):
    assert main(["compare", "--env", "Nope-v0", "--episodes", "2"]) == 2
    assert (
        "unknown env id 'Nope-v0'; the gym-inventory ids are Inventory-v0"
        in capsys.readouterr().err
    )


def test_compare_skips_an_optimum_too_large_to_solve():
    from gym_inventory.comparison import compare

    with pytest.warns(UserWarning, match="exact optimum is skipped: .*too large"):
        rows = compare(
            "InventoryLostSales-v0",
            episodes=2,
            tune_episodes=2,
            max_steps=30,
            history=False,
            lead_time=6,
            demand_mean=20.0,
        )
    assert rows and not any(r.name.startswith("optimal") for r in rows)
    assert all(r.tuned_by == "simulation" for r in rows)
