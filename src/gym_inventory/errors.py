"""Exceptions raised by gym-inventory.

Every error names the field, argument or file at fault and what was expected.
They subclass the built-in exception a caller would naturally catch
(:class:`ValueError`, :class:`TypeError`, :class:`ImportError`).
"""

from __future__ import annotations

__all__ = [
    "ActionError",
    "ActionTypeError",
    "ArgumentError",
    "ConfigError",
    "ConfigTypeError",
    "DataError",
    "GymInventoryError",
    "MissingDependencyError",
    "install_hint",
]


class GymInventoryError(Exception):
    """Base class of every exception raised on purpose by gym-inventory."""


class ConfigError(GymInventoryError, ValueError):
    """An invalid configuration value (names the field and the expected value)."""


class ArgumentError(ConfigError, TypeError):
    """An unknown keyword argument (a :class:`TypeError` too, as Python raises for one)."""


class ActionError(GymInventoryError, ValueError):
    """An action outside the environment's action space (never clipped silently)."""


class ActionTypeError(ActionError, TypeError):
    """An action of the wrong kind for its space (a scalar for a batch, say): a
    :class:`TypeError` too, as Gymnasium's vector envs raise for one."""


class ConfigTypeError(ConfigError, TypeError):
    """An argument of the wrong type (a non-bool ``reset_mask``, say): a
    :class:`TypeError` too, as Gymnasium raises for one."""


class DataError(GymInventoryError, ValueError):
    """A missing, unreadable or malformed data file (names the file)."""


class MissingDependencyError(GymInventoryError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""


def install_hint(extra: str) -> str:
    """How to install one of gym-inventory's extras: the text every message gives.

    gym-inventory is not on PyPI yet, so ``pip install "gym-inventory[plot]"`` only adds the
    extra's dependencies to an installed gym-inventory (pip takes the installed package; it
    cannot download it). The hint names that command and the two that install the package
    itself: from a source checkout and from the wheel file.

    Parameters
    ----------
    extra : str
        The extra, e.g. ``"plot"``.

    Returns
    -------
    str
        One sentence with the three commands.

    Examples
    --------
    >>> install_hint("plot").startswith('pip install "gym-inventory[plot]" (to an installed')
    True
    >>> 'from a source checkout, pip install -e ".[plot]"' in install_hint("plot")
    True
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        wheel = f"gym_inventory-{version('gym-inventory')}-py3-none-any.whl"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        wheel = "gym_inventory-<version>-py3-none-any.whl"
    return (
        f'pip install "gym-inventory[{extra}]" (to an installed gym-inventory; it is not on '
        f'PyPI yet: from a source checkout, pip install -e ".[{extra}]"; from the wheel file, '
        f'pip install "{wheel}[{extra}]")'
    )


def require(module: str, extra: str, feature: str):
    """Import an optional dependency or raise :class:`MissingDependencyError`.

    Parameters
    ----------
    module : str
        Module to import, e.g. ``"matplotlib.pyplot"``.
    extra : str
        The gym-inventory extra that installs it, e.g. ``"plot"``.
    feature : str
        What needs it, for the message, e.g. ``"render_mode='rgb_array'"``.
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            f"{feature} needs the optional dependency {module.split('.')[0]!r}; "
            f"install it with: {install_hint(extra)}"
        ) from exc
