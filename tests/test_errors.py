"""Missing optional dependencies: one message, from one helper, that says how to install."""

import re
from pathlib import Path

import pytest

import gym_inventory
from gym_inventory.errors import MissingDependencyError, install_hint, require

SRC = Path(gym_inventory.__file__).resolve().parent


def test_install_hint_gives_the_three_ways_to_install_an_extra():
    hint = install_hint("plot")
    assert hint.startswith('pip install "gym-inventory[plot]" (to an installed gym-inventory;')
    assert 'from a source checkout, pip install -e ".[plot]"' in hint
    wheel = f"gym_inventory-{gym_inventory.__version__}-py3-none-any.whl[plot]"
    assert f'from the wheel file, pip install "{wheel}"' in hint


def test_require_names_the_module_the_feature_and_the_install_commands():
    with pytest.raises(MissingDependencyError) as err:
        require("no_such_module_xyz.sub", "multi", "the thing")
    message = str(err.value)
    assert message == (
        "the thing needs the optional dependency 'no_such_module_xyz'; "
        f"install it with: {install_hint('multi')}"
    )
    assert isinstance(err.value, ImportError)


def test_require_returns_the_module_when_present():
    assert require("json", "plot", "x").dumps([1]) == "[1]"


def test_no_module_writes_its_own_install_command():
    """Every MissingDependencyError comes from ``require`` (so from ``install_hint``), and no
    string outside a docstring tells users to ``pip install gym-inventory`` by name."""
    raisers, commands = [], []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "errors.py" and "MissingDependencyError(" in text:
            raisers.append(path.name)
        code = re.sub(r'"""[\s\S]*?"""', "", text)  # drop docstrings
        if path.name != "errors.py" and re.search(r"pip install", code):
            commands.append(path.name)
    assert raisers == [] and commands == []
