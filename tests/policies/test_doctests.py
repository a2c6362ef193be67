import doctest

import pytest

from gym_inventory.policies import base_stock, optimal, reorder


@pytest.mark.parametrize("module", [base_stock, optimal, reorder])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
