"""Every docstring example in the package runs and gives what it shows."""

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

import gym_inventory


def _modules_with_examples():
    names = []
    for info in pkgutil.walk_packages(gym_inventory.__path__, "gym_inventory."):
        spec = importlib.util.find_spec(info.name)
        if spec and spec.origin and spec.origin.endswith(".py"):
            with open(spec.origin, encoding="utf-8") as fh:
                if ">>> " in fh.read():
                    names.append(info.name)
    return names


MODULES = _modules_with_examples()


def test_examples_are_found():
    assert {"gym_inventory.evaluation", "gym_inventory.policies.optimal"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
