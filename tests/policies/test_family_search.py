"""Lost sales with L >= 1: the tuners return the best member of their family (brute force
on small boxes), never worse than the local search, and the pruning bounds are lower
bounds of the exact costs."""

import pytest

from gym_inventory.policies import SQ, SS, CappedBaseStock, exact_average_cost
from gym_inventory.policies import family_search as fs
from gym_inventory.policies.base import EnvView

LS = "InventoryLostSales-v0"


def exact(policy):
    return exact_average_cost(policy).average_cost


def brute(cls, kw, pairs):
    return min((exact(cls(a, b, env_id=LS, **kw)), a, b) for a, b in pairs)


@pytest.mark.parametrize(
    ("L", "p"),
    [(1, 4.0), (1, 9.0), pytest.param(2, 4.0, marks=pytest.mark.slow), (2, 9.0)],
)
def test_capped_base_stock_is_the_best_of_its_family(L, p):
    kw = dict(lead_time=L, penalty_cost=p)
    view = EnvView.from_env(LS, **kw)
    tuned = CappedBaseStock.tune(LS, **kw)
    assert tuned.method == "exact"
    # r >= S is the base stock S, so r <= S covers the family on the box
    hi = 14 + 5 * L if L == 1 or p == 4.0 else 12 + 5 * L
    lo = hi - 8
    cost, *_ = brute(CappedBaseStock, kw, [(S, r) for S in range(lo, hi) for r in range(1, S + 1)])
    assert tuned.average_cost <= cost + 1e-9
    _, local, _ = fs.incumbent(CappedBaseStock, view, fs.ChainEvaluator(view))
    assert tuned.average_cost <= local + 1e-12


def test_s_Q_lost_sales_beats_the_old_local_search_and_matches_brute_force():
    kw = dict(lead_time=1, penalty_cost=4.0)
    tuned = SQ.tune(LS, **kw)
    # the pattern search from the EOQ stopped at (9, 5), cost 4.4316: 6.5 % above
    assert tuned.method == "exact" and tuned.average_cost < 4.17
    cost, *_ = brute(SQ, kw, [(s, Q) for s in range(0, 14) for Q in range(1, 8)])
    assert tuned.average_cost == pytest.approx(cost, abs=1e-9)
    assert exact(tuned.policy) == pytest.approx(tuned.average_cost, abs=1e-9)


def test_s_S_lost_sales_tunes_and_matches_brute_force():
    # the pattern search proposed S < 0 here and raised; now exhaustive within the bounds
    kw = dict(lead_time=1, penalty_cost=4.0, fixed_cost=10.0)
    tuned = SS.tune(LS, **kw)
    cost, *_ = brute(SS, kw, [(s, S) for S in range(6, 24) for s in range(0, S)])
    assert tuned.method == "exact" and tuned.average_cost <= cost + 1e-9
    assert exact(tuned.policy) == pytest.approx(tuned.average_cost, abs=1e-9)


def test_chain_evaluator_agrees_with_exact_average_cost():
    kw = dict(lead_time=2, penalty_cost=9.0, fixed_cost=5.0)
    view = EnvView.from_env(LS, **kw)
    ev = fs.ChainEvaluator(view)
    for pol in (CappedBaseStock(18, 6, **kw), SS(9, 20, **kw), SQ(12, 7, **kw)):
        assert ev.cost(pol) == pytest.approx(exact(pol), abs=1e-9)
    assert ev.cost(SS(9, 20, **kw), stop_above=1.0) == float("inf")  # provably above 1


@pytest.mark.parametrize(
    "kw", [dict(lead_time=1, penalty_cost=4.0), dict(lead_time=2, fixed_cost=8.0, unit_cost=1.0)]
)
def test_pruning_bounds_are_below_the_exact_costs(kw):
    view = EnvView.from_env(LS, **kw)
    B = fs.LostSalesBounds(view)
    for S, r in [(5, 2), (12, 3), (15, 6), (25, 10), (30, 30)]:
        c = exact(CappedBaseStock(S, r, **kw))
        lo = max(B.mu - r, 0.0, float(B.lost_below[S]))
        assert B.order_part(lo, B.K / r) + B.capped_holding(S, r) <= c + 1e-9
        assert B.jensen(max(B.mu - r, 0.0), B.K / r) <= c + 1e-9
    for s, x in [(0, 10), (4, 12), (10, 30), (15, 16)]:
        for kind, cls in (("SS", SS), ("SQ", SQ)):
            c = exact(cls(s, x, **kw))
            top, big = (x, x) if kind == "SS" else (max(x, s + 1), s + x)
            W = B.reorder_holding(s, top, big)
            bound = float(B.eta[s + 1]) + B.order_part(
                float(B.lost_below[big]), B.K / big + W / B.mu
            )
            assert bound <= c + 1e-9, (kind, s, x)
