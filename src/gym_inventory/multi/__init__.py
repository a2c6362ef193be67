"""Multi-agent (PettingZoo) environments: one module per variant.

Needs the ``multi`` extra (``pip install "gym-inventory[multi]"``)::

    from gym_inventory.multi import multi_product_v0

    env = multi_product_v0.parallel_env(n_products=10)
"""

from gym_inventory.multi import multi_product_v0

__all__ = ["multi_product_v0"]
