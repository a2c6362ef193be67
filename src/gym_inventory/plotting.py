"""Figures: matplotlib ones (optional dependency: ``pip install "gym-inventory[plot]"``) and
:func:`draw_history_frame`, an episode picture drawn with NumPy alone (for ``rgb_array``
rendering without matplotlib).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from gym_inventory.core.config import check_int
from gym_inventory.errors import ConfigError, require

__all__ = [
    "FRAME_COLOURS",
    "draw_history_frame",
    "draw_stock_bars",
    "figure_to_array",
    "plot_history",
    "plot_hour_of_week",
    "plot_trajectories",
]

#: RGB colours of :func:`draw_history_frame` (matplotlib's tab10, as :func:`plot_history`).
FRAME_COLOURS: dict[str, tuple[int, int, int]] = {
    "background": (255, 255, 255),
    "frame": (204, 204, 204),
    "on_hand": (31, 119, 180),  # tab:blue
    "in_transit": (255, 127, 14),  # tab:orange
    "capacity": (128, 128, 128),
    "demand": (239, 169, 169),  # tab:red at 40 % over white
    "sold": (44, 160, 44),  # tab:green
}
_MARGIN = 8  # pixels around and between the two panels


def draw_history_frame(
    history: Sequence[Sequence[float]] | np.ndarray,
    capacity: float = math.inf,
    *,
    height: int = 500,
    width: int = 800,
) -> np.ndarray:
    """Draw one episode of a single product as an RGB image, with NumPy only.

    The picture of :func:`plot_history` without text: the top panel has the stock on
    hand (blue step line), the stock in transit (orange line) and the capacity (grey
    dashed line, when finite); the bottom panel has the demand (light red bars) and the
    sales (green line). The episode so far fills the width, whatever its length (each
    pixel column shows the range of the periods it covers), and each panel's vertical
    scale runs from 0 to 1.05 times its largest value; a frame is always the same size.
    Non-finite values are left out.

    Parameters
    ----------
    history : sequence of tuples, or ndarray of shape (T, 5)
        One row per period, row 0 the starting state, each row a tuple
        ``(on_hand, in_transit, demand, sold, profit)`` (as the envs' ``history_row``
        gives); ``profit`` is not drawn. May be empty (``T = 0``): two empty panels.
    capacity : float
        Storage capacity, drawn when finite.
    height, width : int
        Size of the image in pixels (at least 64 each); the default is the size of the
        matplotlib frame (8 x 5 inches at 100 dpi).

    Returns
    -------
    ndarray of uint8, shape (height, width, 3)
        A new array; the same input always gives the same pixels.

    Examples
    --------
    >>> frame = draw_history_frame([(5, 2, 3, 3, 1.0), (4, 2, 1, 1, 0.5)], capacity=10)
    >>> frame.shape, frame.dtype.name
    ((500, 800, 3), 'uint8')
    """
    height = check_int("height", height, low=64)
    width = check_int("width", width, low=64)
    h = np.asarray(history, dtype=np.float64)
    if h.size == 0:
        h = h.reshape(0, 5)
    if h.ndim != 2 or h.shape[1] != 5:
        raise ConfigError(
            "history must be rows of 5 numbers (on_hand, in_transit, demand, sold, profit), "
            f"got an array of shape {h.shape}"
        )
    cap = float(capacity)
    h = np.where(np.isfinite(h), h, np.nan)
    img = np.empty((height, width, 3), dtype=np.uint8)
    img[:] = FRAME_COLOURS["background"]
    inner = height - 3 * _MARGIN
    top = (_MARGIN, _MARGIN + (inner * 3) // 5)  # rows [a, b) of each panel
    bottom = (top[1] + _MARGIN, height - _MARGIN)
    cols = (_MARGIN, width - _MARGIN)
    for a, b in (top, bottom):
        _box(img, a, b, *cols)
    if len(h) == 0:
        return img
    starts, ends = _columns(len(h), cols[1] - cols[0])
    stock = h[:, :2]
    peak = 1.05 * np.nanmax(np.r_[stock.ravel(), cap if math.isfinite(cap) else np.nan, 1.0])
    if math.isfinite(cap):
        y = _rows(np.array([cap]), peak, *top)[0]
        dashes = np.arange(cols[0], cols[1]) % 12 < 7
        img[y, cols[0] : cols[1]][dashes] = FRAME_COLOURS["capacity"]
    flows = 1.05 * np.nanmax(np.r_[h[:, 2:4].ravel(), 1.0])
    lo, hi = _envelope(h[:, 2], starts, ends)
    _fill(img, np.full_like(hi, 0.0), hi, flows, bottom, cols, FRAME_COLOURS["demand"])
    for series, peak_, panel, colour in (
        (h[:, 1], peak, top, "in_transit"),
        (h[:, 0], peak, top, "on_hand"),
        (h[:, 3], flows, bottom, "sold"),
    ):
        lo, hi = _envelope(series, starts, ends, connect=True)
        _fill(img, lo, hi, peak_, panel, cols, FRAME_COLOURS[colour], thick=1)
    return img


def draw_stock_bars(
    on_hand: np.ndarray, in_transit: np.ndarray, *, height: int = 400, width: int = 800
) -> np.ndarray:
    """Each product's stock on hand (blue) and in transit (orange, stacked above) as bars,
    with NumPy only: a ``(height, width, 3)`` uint8 image, scaled from 0 to 1.05 times the
    largest stack (the multi-product env's ``rgb_array`` frame).

    >>> draw_stock_bars(np.array([3.0, 0.0]), np.array([1.0, 2.0])).shape
    (400, 800, 3)
    """
    on_hand, in_transit = np.asarray(on_hand, float), np.asarray(in_transit, float)
    img = np.empty((height, width, 3), dtype=np.uint8)
    img[:] = FRAME_COLOURS["background"]
    panel, cols = (_MARGIN + 1, height - _MARGIN - 1), (_MARGIN + 1, width - _MARGIN - 1)
    _box(img, *panel, *cols)
    top = on_hand + in_transit
    peak = 1.05 * max(float(np.nanmax(top, initial=0.0)), 1.0)
    starts, _ = _columns(len(top), cols[1] - cols[0])  # the product each column shows
    gap = np.r_[True, starts[1:] != starts[:-1]]  # a white column between products
    for lo, hi, colour in ((0 * on_hand, on_hand, "on_hand"), (on_hand, top, "in_transit")):
        lo_c, hi_c = lo[starts], hi[starts]
        hidden = gap & (len(top) < (cols[1] - cols[0]) // 2)
        _fill(img, np.where(hidden, np.nan, lo_c), hi_c, peak, panel, cols, FRAME_COLOURS[colour])
    return img


def _box(img: np.ndarray, a: int, b: int, left: int, right: int) -> None:
    """A one-pixel frame around rows ``[a, b)`` and columns ``[left, right)``."""
    c = FRAME_COLOURS["frame"]
    img[a - 1, left - 1 : right + 1] = img[b, left - 1 : right + 1] = c
    img[a - 1 : b + 1, left - 1] = img[a - 1 : b + 1, right] = c


def _columns(n: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """First and one-past-last period shown in each of ``w`` pixel columns (``n`` periods)."""
    x = np.arange(w + 1)
    edges = (x * n) // w
    starts = np.minimum(edges[:-1], n - 1)
    ends = np.maximum(edges[1:], starts + 1)
    return starts, ends


def _envelope(
    v: np.ndarray, starts: np.ndarray, ends: np.ndarray, connect: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest value of each column's periods (NaN where all are missing);
    with ``connect``, also the previous column's last value, so the line is unbroken."""
    lo = np.array([np.fmin.reduce(v[a:b]) for a, b in zip(starts, ends, strict=True)])
    hi = np.array([np.fmax.reduce(v[a:b]) for a, b in zip(starts, ends, strict=True)])
    if connect and len(lo) > 1:
        last = v[ends - 1]
        prev = np.r_[last[0], last[:-1]]
        lo, hi = np.fmin(lo, prev), np.fmax(hi, prev)
    return lo, hi


def _rows(v: np.ndarray, peak: float, a: int, b: int) -> np.ndarray:
    """Pixel rows of values ``v`` on a panel of rows ``[a, b)`` scaled from 0 to ``peak``."""
    frac = np.clip(np.nan_to_num(v, nan=0.0) / peak, 0.0, 1.0)
    return (b - 1 - np.rint(frac * (b - 1 - a))).astype(np.int64)


def _fill(
    img: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    peak: float,
    panel: tuple[int, int],
    cols: tuple[int, int],
    colour: tuple[int, int, int],
    thick: int = 0,
) -> None:
    """Paint, in each column, the rows from value ``lo`` to value ``hi`` (widened by
    ``thick`` pixels each way); columns whose values are missing are left alone."""
    a, b = panel
    y_hi, y_lo = _rows(hi, peak, a, b) - thick, _rows(lo, peak, a, b) + thick
    r = np.arange(a, b)[:, None]
    mask = (r >= y_hi) & (r <= y_lo) & ~(np.isnan(lo) | np.isnan(hi))
    img[a:b, cols[0] : cols[1]][mask] = colour


def _pyplot():
    mpl = require("matplotlib", "plot", "plotting")
    if mpl.get_backend().lower() not in ("agg", "pdf", "svg", "png"):
        mpl.use("Agg", force=False)
    return require("matplotlib.pyplot", "plot", "plotting")


def plot_history(history: np.ndarray, capacity: float = math.inf, title: str | None = None) -> Any:
    """Plot one episode of a single product.

    Parameters
    ----------
    history : ndarray, shape (T, 5)
        Columns: on hand, in transit, demand, sales, profit (one row per period,
        row 0 the starting state).
    capacity : float
        Drawn as a dashed line when finite.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    h = np.asarray(history, dtype=float).reshape(-1, 5)
    t = np.arange(len(h))
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 5), sharex=True, layout="constrained")
    ax1.step(t, h[:, 0], where="post", label="on hand")
    ax1.step(t, h[:, 1], where="post", label="in transit")
    if math.isfinite(capacity):
        ax1.axhline(capacity, color="grey", ls="--", lw=1, label="capacity")
    ax1.set_ylabel("units")
    ax1.legend(loc="upper right", fontsize="small")
    ax2.bar(t, h[:, 2], color="tab:red", alpha=0.4, label="demand")
    ax2.step(t, h[:, 3], where="mid", color="tab:green", label="sales")
    ax2.set_xlabel("period")
    ax2.set_ylabel("units")
    ax2.legend(loc="upper right", fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def figure_to_array(fig: Any) -> np.ndarray:
    """Render a figure to an RGB ``uint8`` array of shape (height, width, 3) and close it."""
    plt = _pyplot()
    fig.canvas.draw()
    arr = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
    plt.close(fig)
    return arr


def plot_hour_of_week(counts: np.ndarray, title: str | None = None) -> Any:
    """Heat map of counts per day of week (rows) and hour of day (columns).

    Parameters
    ----------
    counts : ndarray, shape (168,) or (7, 24)
        Hour of week ``24 * day + hour`` (day 0 = Instacart's ``order_dow`` 0).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    grid = np.asarray(counts, dtype=float).reshape(7, 24)
    fig, ax = plt.subplots(figsize=(9, 3.4), layout="constrained")
    im = ax.imshow(grid, aspect="auto", cmap="viridis")
    ax.set_xticks(range(0, 24, 2))
    ax.set_yticks(range(7))
    ax.set_xlabel("hour of day")
    ax.set_ylabel("day of week (order_dow)")
    fig.colorbar(im, ax=ax, label="order lines")
    if title:
        ax.set_title(title)
    return fig


def plot_trajectories(
    histories: dict[str, np.ndarray], capacity: float = math.inf, title: str | None = None
) -> Any:
    """Compare policies on one episode: stock on hand and cumulative reward over time.

    Parameters
    ----------
    histories : dict of str to ndarray, shape (T, 5)
        One :func:`plot_history`-layout array per policy (columns: on hand, in transit,
        demand, sales, reward; row 0 the starting state).
    capacity : float
        Drawn as a dashed line when finite.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, layout="constrained")
    for name, h in histories.items():
        h = np.asarray(h, dtype=float).reshape(-1, 5)
        t = np.arange(len(h))
        (line,) = ax1.step(t, h[:, 0], where="post", lw=1.2, label=name)
        ax2.plot(t, np.cumsum(h[:, 4]), lw=1.2, color=line.get_color(), label=name)
    if math.isfinite(capacity):
        ax1.axhline(capacity, color="grey", ls="--", lw=1, label="capacity")
    ax1.set_ylabel("units on hand")
    ax1.legend(loc="upper right", fontsize="x-small", ncol=2)
    ax2.set_xlabel("period")
    ax2.set_ylabel("cumulative reward")
    if title:
        fig.suptitle(title)
    return fig
