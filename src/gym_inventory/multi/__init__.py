"""Multi-agent (PettingZoo) environments: one module per variant.

Needs the ``multi`` extra (``pip install "gym-inventory[multi]"``)::

    from gym_inventory.multi import multi_product_v0, supply_chain_v0

    env = multi_product_v0.parallel_env(n_products=10)
    chain = supply_chain_v0.parallel_env(preset="beer_game")
"""

from gym_inventory.multi import multi_product_v0, supply_chain_v0

__all__ = ["multi_product_v0", "supply_chain_v0"]
