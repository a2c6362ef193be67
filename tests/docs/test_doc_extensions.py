"""The documentation's Sphinx extensions (``docs/_ext``), without building the docs."""

import sys
import types
from pathlib import Path

import numpy as np
import pytest
from gymnasium import spaces

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "_ext"))

import env_pages
import leaderboard_page
import offline_mathjax


@pytest.fixture
def fake_leaderboard(monkeypatch):
    module = types.ModuleType("gym_inventory.leaderboard")
    monkeypatch.setitem(sys.modules, "gym_inventory.leaderboard", module)
    return module


def test_leaderboard_page_without_the_module_says_no_entries_yet(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "gym_inventory.leaderboard", None)  # import fails
    (tmp_path / "a.json").write_text("{}")
    text = leaderboard_page.leaderboard_markdown(tmp_path)
    assert text.startswith("# Leaderboard") and "No leaderboard entries yet" in text


def test_leaderboard_page_without_entries_says_no_entries_yet(fake_leaderboard, tmp_path):
    fake_leaderboard.render_markdown = lambda directory: pytest.fail("nothing to render")
    text = leaderboard_page.leaderboard_markdown(tmp_path / "missing")
    assert "No leaderboard entries yet" in text and "no *.json file" in text


def test_leaderboard_page_is_render_markdown_of_the_entries(fake_leaderboard, tmp_path):
    (tmp_path / "ppo.json").write_text("{}")
    seen = []

    def render_markdown(directory):
        seen.append(directory)
        return "| policy | cost |\n|---|---|\n| ppo | 6.8 |\n"

    fake_leaderboard.render_markdown = render_markdown
    text = leaderboard_page.leaderboard_markdown(tmp_path)
    assert seen == [tmp_path]
    assert text == "# Leaderboard\n\n| policy | cost |\n|---|---|\n| ppo | 6.8 |\n"
    fake_leaderboard.render_markdown = lambda: "# Results\n\nfrom the default directory\n"
    assert leaderboard_page.leaderboard_markdown(tmp_path).startswith("# Results")


def test_a_failing_leaderboard_is_a_build_warning_not_an_empty_page(
    fake_leaderboard, tmp_path, monkeypatch
):
    docs = tmp_path / "docs"
    entries = tmp_path / "baselines" / "results" / "leaderboard"
    docs.mkdir()
    entries.mkdir(parents=True)
    (entries / "bad.json").write_text("{")

    def render_markdown(directory):
        raise ValueError("bad.json: not JSON")

    fake_leaderboard.render_markdown = render_markdown
    with pytest.raises(ValueError, match="not JSON"):
        leaderboard_page.leaderboard_markdown(entries)
    warnings = []
    monkeypatch.setattr(leaderboard_page.logger, "warning", lambda *a: warnings.append(a))
    leaderboard_page._on_builder_inited(types.SimpleNamespace(srcdir=str(docs)))
    assert warnings and "not JSON" in repr(warnings[0])
    assert "could not be rendered" in (docs / "leaderboard.md").read_text()


def test_env_card_roles_become_myst_roles_with_full_names():
    from gym_inventory.multi.multi_product_v0 import MultiProductEnv

    card = "See :class:`gym_inventory.core.InventoryKernel`, :meth:`step_arrays` and :data:`X`."
    assert env_pages.myst_roles(card, MultiProductEnv) == (
        "See {class}`gym_inventory.core.InventoryKernel`, {meth}`step_arrays "
        "<gym_inventory.multi.multi_product_v0.MultiProductEnv.step_arrays>` and {data}`X`."
    )


def test_box_bounds_are_written_out_with_max_for_the_float32_limit():
    top = np.finfo(np.float32).max
    box = spaces.Box(np.array([0, -1], np.float32), np.array([top, 1], np.float32))
    text = env_pages.describe_space(box)
    assert "low `[0, -1]`" in text and "high `[max, 1]`" in text
    assert env_pages.describe_space(spaces.Discrete(3)) == "`Discrete(3)`"


def test_mathjax_present_is_used_as_is(tmp_path, monkeypatch):
    target = tmp_path / "mathjax"
    target.mkdir()
    (target / "VERSION").write_text(offline_mathjax.MATHJAX_VERSION + "\n")
    monkeypatch.setattr(offline_mathjax.shutil, "which", lambda name: pytest.fail("no fetch"))
    assert offline_mathjax.ensure_mathjax(tmp_path) == target


def test_mathjax_missing_without_npm_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(offline_mathjax.shutil, "which", lambda name: None)
    with pytest.raises(offline_mathjax.MathJaxUnavailable, match="npm is not installed"):
        offline_mathjax.ensure_mathjax(tmp_path)
    assert not (tmp_path / "mathjax").exists()


def test_leaderboard_figures_are_written_and_embedded_when_offered(fake_leaderboard, tmp_path):
    (tmp_path / "ppo.json").write_text("{}")
    calls = []
    fake_leaderboard.plot_learning_curves = lambda entries, out: calls.append((entries, out))
    fake_leaderboard.render_markdown = lambda entries, *, figures_dir=None: f"# L\n{figures_dir}"
    text = leaderboard_page.leaderboard_markdown(tmp_path, srcdir=tmp_path / "docs")
    assert calls == [(tmp_path, tmp_path / "docs" / "_static" / "leaderboard")]
    assert text == "# L\n_static/leaderboard"
