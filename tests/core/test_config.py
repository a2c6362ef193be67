import math

import pytest

from gym_inventory.core import CouplingConfig, InventoryConfig
from gym_inventory.errors import ConfigError


def test_defaults_valid():
    c = InventoryConfig()
    assert c.lead_time == 0 and c.capacity == math.inf and not c.stochastic_lead_time


def test_pmf_lead_time_normalised_to_tuple():
    c = InventoryConfig(lead_time=[0.25, 0.5, 0.25])
    assert c.lead_time == (0.25, 0.5, 0.25)
    assert c.max_lead_time == 2 and c.stochastic_lead_time
    assert c.mean_lead_time == pytest.approx(1.0)


def test_integral_float_accepted_for_int_fields():
    assert InventoryConfig(lead_time=2.0, initial_stock=3.0).lead_time == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lead_time": -1}, "lead_time must be a non-negative int, got -1"),
        ({"lead_time": 1.5}, "lead_time must be an int"),
        ({"lead_time": "2"}, "lead_time must be a non-negative int or a sequence"),
        ({"lead_time": [0.5, 0.4]}, "lead_time probabilities must sum to 1"),
        ({"lead_time": []}, "at least one probability"),
        ({"lead_time": [1.5, -0.5]}, r"lead_time\[0\] must be <= 1"),
        ({"holding_cost": -0.1}, "holding_cost must be >= 0"),
        ({"penalty_cost": math.nan}, "penalty_cost must be a finite number"),
        ({"unit_cost": "1"}, "unit_cost must be a real number"),
        ({"price": True}, "price must be a real number"),
        ({"capacity": 0}, "capacity must be > 0"),
        ({"capacity": 10.5}, "capacity must be an int"),
        ({"initial_stock": 11, "capacity": 10}, "initial_stock must be <= capacity"),
        ({"initial_stock": -1}, "initial_stock must be a non-negative int"),
        ({"backlog": 1}, "backlog must be a bool"),
    ],
)
def test_invalid_config_names_field(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        InventoryConfig(**kwargs)


def test_config_is_frozen():
    c = InventoryConfig()
    with pytest.raises(AttributeError):
        c.lead_time = 3  # type: ignore[misc]


def test_from_kwargs_rejects_unknown():
    with pytest.raises(ConfigError, match=r"unknown config field\(s\) \['leadtime'\]"):
        InventoryConfig.from_kwargs({"leadtime": 2})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shared_capacity": 0}, "shared_capacity must be > 0"),
        ({"shared_capacity": 2.5}, "shared_capacity must be an int"),
        ({"budget": -1}, "budget must be >= 0"),
    ],
)
def test_invalid_coupling(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        CouplingConfig(**kwargs)
