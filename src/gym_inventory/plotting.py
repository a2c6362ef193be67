"""Matplotlib figures (optional dependency: ``pip install "gym-inventory[plot]"``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gym_inventory.errors import require

__all__ = ["figure_to_array", "plot_history", "plot_hour_of_week", "plot_trajectories"]


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
