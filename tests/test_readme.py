"""Every ```python block of README.md runs, in seconds, and prints what it says it prints.

A block is skipped only when the line just before its fence is
``<!-- readme-test: skip (REASON) -->`` with a reason. A line ``print(...)  # prints: TEXT``
declares one line of output: the block's output must be exactly those lines, in order.
The figures in the README's prose are recomputed from the results files it cites.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
#: A block that uses the key needs the optional module (its extra): skipped without it.
OPTIONAL = {
    "stable_baselines3": "stable_baselines3",
    "gym_inventory.multi": "pettingzoo",
    "top_products": "pandas",
}
SKIP = re.compile(r"<!-- readme-test: skip \((?P<reason>[^)]+)\) -->")


def python_blocks(text: str) -> list[tuple[int, str, str | None]]:
    """``(line number of the fence, code, skip reason or None)`` of each ```python block."""
    lines = text.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].strip() == "```python":
            start = i + 1
            end = next(j for j in range(start, len(lines)) if lines[j].strip() == "```")
            skip = SKIP.fullmatch(lines[i - 1].strip()) if i else None
            code = "\n".join(lines[start:end]) + "\n"
            blocks.append((i + 1, code, skip["reason"] if skip else None))
            i = end
        i += 1
    return blocks


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def test_blocks_are_found_and_no_skip_is_without_reason():
    assert len(BLOCKS) >= 5  # Quickstart, Demand, Baselines, vector env + SB3, multi-product
    assert all(reason is None or reason.strip() for _, _, reason in BLOCKS)
    markers = README.read_text(encoding="utf-8").count("readme-test: skip")
    assert markers == sum(reason is not None for _, _, reason in BLOCKS)  # none misplaced


def test_python_blocks_parses_fences_markers_and_output_lines():
    text = (
        "x\n```python\nprint(1)  # prints: 1\n```\n"
        "<!-- readme-test: skip (needs a GPU) -->\n```python\nimport cuda\n```\n```bash\nls\n```\n"
    )
    assert python_blocks(text) == [
        (2, "print(1)  # prints: 1\n", None),
        (6, "import cuda\n", "needs a GPU"),
    ]
    assert expected_output("print(1)  # prints: 1\nprint(2)\n") == ["1"]


def expected_output(code: str) -> list[str]:
    return re.findall(r"#\s*prints:\s*(.*?)\s*$", code, flags=re.MULTILINE)


@pytest.mark.parametrize(
    ("line", "code", "reason"), BLOCKS, ids=[f"README.md:{line}" for line, _, _ in BLOCKS]
)
def test_readme_block_runs(line, code, reason, tmp_path, monkeypatch):
    if reason is not None:
        pytest.skip(reason)
    for needle, module in OPTIONAL.items():
        if needle in code:
            pytest.importorskip(module)
    monkeypatch.chdir(tmp_path)  # files a block writes land here
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "__main__"})
    assert out.getvalue().splitlines() == expected_output(code)


def _table(path: Path) -> dict[str, list[str]]:
    """The Markdown table of a results file: first cell -> the row's cells."""
    rows = [line.strip("|").split(" | ") for line in path.read_text().splitlines()]
    return {cells[0].strip(): [c.strip() for c in cells] for cells in rows if len(cells) > 3}


def _mean_ci(cell: str) -> tuple[float, float]:
    mean, ci = cell.split(" ± ")
    return float(mean), float(ci)


def test_readme_figures_are_the_committed_results():
    """The prose figures of README.md's baselines section, recomputed from the files the
    README cites (so regenerating a result without updating the README fails here)."""
    results = ROOT / "baselines" / "results"
    store = _table(results / "compare_Inventory-v0.md")
    lost = _table(results / "compare_InventoryLostSales-v0.md")
    (ppo,) = (c for k, c in _table(results / "ppo_InventoryLostSales-v0.md").items() if "{" in k)
    proto = store["prototype rule (order <100, clear >400)"]
    tuned = store["prototype rule, thresholds tuned"]
    s_q30 = store["(s, Q=30) on position, order/hold/clear actions"]
    best = store["hour-of-week (s_t, S_t)"]
    reorder, clearance = (int(p.split("=")[1]) for p in tuned[1].split(", "))
    gain = _mean_ci(best[3])[0] / _mean_ci(proto[3])[0] - 1
    phrases = [
        "**{:.1f} ± {:.1f} per hour**".format(*_mean_ci(proto[3])),
        f"holds about {float(proto[6]):.0f} units",
        "thresholds ({} / {}) earns {:.1f} ± {:.1f}".format(
            reorder, clearance, *_mean_ci(tuned[3])
        ),
        "earns {:.1f} ± {:.1f}; a tuned (s, S)".format(*_mean_ci(s_q30[3])),
        "earns {:.1f} ± {:.1f}; and the hour-of-week".format(*_mean_ci(store["(s, S)"][3])),
        "**{:.1f} ± {:.1f}**".format(*_mean_ci(best[3])),
        f"{gain * 100:.0f} % more",
        f"{best[4].replace('%', ' %')} fill rate on {float(best[6]):.0f} units",
        f"{int(ppo[1].replace(',', '')) // 10**6} M steps",
        f"{float(ppo[2]):.0f} s on a 2-core machine",
        f"average cost of {float(ppo[4]):.2f}",
        f"against the optimum {float(ppo[5]):.2f}",
        f"**{ppo[6].lstrip('+').replace('%', ' %')} gap**",
        f"capped base-stock rule (exact cost {float(lost['capped base stock'][4]):.2f})",
        f"plain base\nstock ({float(lost['base stock'][4]):.2f})",
    ]
    text = README.read_text(encoding="utf-8")
    assert [phrase for phrase in phrases if phrase not in text] == []
