"""draw_history_frame: the rgb_array picture drawn with NumPy alone."""

import math
import sys

import numpy as np
import pytest

from gym_inventory.errors import ConfigError
from gym_inventory.plotting import FRAME_COLOURS, draw_history_frame

H, W = 500, 800


def _rows(n, on_hand=0.0, in_transit=0.0, demand=0.0, sold=0.0):
    cols = [np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in (on_hand, in_transit)]
    cols += [np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in (demand, sold)]
    return [(*r, 0.0) for r in zip(*cols, strict=True)]


def _where(frame, colour):
    """Row and column indices of the pixels of ``colour``."""
    return np.nonzero((frame == np.array(FRAME_COLOURS[colour], dtype=np.uint8)).all(axis=2))


@pytest.mark.parametrize("n", [0, 1, 2, 168, W - 16, W - 15, 10_000])
def test_frame_shape_is_fixed_whatever_the_episode_length(n):
    rng = np.random.default_rng(n)
    history = [tuple(r) for r in rng.poisson(10, (n, 5)).astype(float)]
    frame = draw_history_frame(history, capacity=50)
    assert frame.shape == (H, W, 3) and frame.dtype == np.uint8
    if n:
        assert _where(frame, "on_hand")[0].size > 0
    assert np.array_equal(frame, draw_history_frame(np.array(history).reshape(-1, 5), 50))


def test_size_is_configurable_and_validated():
    assert draw_history_frame(_rows(3, 1), height=64, width=100).shape == (64, 100, 3)
    with pytest.raises(ConfigError, match="height must be an int >= 64, got 10"):
        draw_history_frame(_rows(3), height=10)
    with pytest.raises(ConfigError, match=r"history must be rows of 5 numbers .* shape \(3, 4\)"):
        draw_history_frame(np.zeros((3, 4)))


def test_stock_is_drawn_high_where_it_is_high():
    on_hand = np.zeros(100)
    on_hand[:50] = 100.0  # high in the first half, 0 in the second
    frame = draw_history_frame(_rows(100, on_hand=on_hand))
    y, x = _where(frame, "on_hand")
    first, second = y[x < W // 2 - 10], y[x > W // 2 + 10]
    assert first.max() < second.min()  # higher on screen = smaller row index
    assert second.min() > H // 3  # the second half lies on the top panel's floor


def test_demand_bars_and_sales_are_in_the_bottom_panel_only_where_there_is_demand():
    demand = np.zeros(80)
    demand[40:] = 7.0
    frame = draw_history_frame(_rows(80, on_hand=5.0, demand=demand, sold=demand / 2))
    y, x = _where(frame, "demand")
    assert y.min() > H // 2 and x.min() >= W // 2 - 10  # bottom panel, second half
    ys, _ = _where(frame, "sold")
    assert ys.min() > H // 2
    assert _where(frame, "on_hand")[0].max() < H // 2  # stock in the top panel


def test_capacity_line_only_when_finite():
    assert _where(draw_history_frame(_rows(10, 1.0), capacity=20), "capacity")[0].size > 0
    assert _where(draw_history_frame(_rows(10, 1.0), capacity=math.inf), "capacity")[0].size == 0


def test_non_finite_values_are_left_out():
    history = _rows(10, on_hand=[np.nan, np.inf, *[3.0] * 8])
    frame = draw_history_frame(history)
    assert _where(frame, "on_hand")[0].size > 0
    assert np.array_equal(draw_history_frame(_rows(0)), draw_history_frame([]))


def test_needs_no_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    frame = draw_history_frame(_rows(24, on_hand=np.arange(24.0)), capacity=30)
    assert frame.shape == (H, W, 3)


def test_every_rgb_array_env_renders_without_matplotlib():
    """``rgb_array`` is advertised by every env: it works with matplotlib unimportable."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import gymnasium as gym, gym_inventory\n"
        "from gym_inventory.multi import multi_product_v0\n"
        "for env_id in gym_inventory.ENV_IDS:\n"
        "    env = gym.make(env_id, render_mode='rgb_array'); env.reset(seed=0)\n"
        "    env.step(env.action_space.sample()); assert env.render().shape[2] == 3\n"
        "env = multi_product_v0.parallel_env(n_products=3, render_mode='rgb_array')\n"
        "env.reset(seed=0); assert env.render().shape == (400, 800, 3)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
