"""solve_serial: the one-stage closed form, a brute force over level grids evaluated on an
independent exact Markov chain, published instances, and long simulations (95 % CI)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from gym_inventory.policies import (
    EchelonBaseStock,
    InstallationBaseStock,
    SerialSystem,
    solve_optimal,
    solve_serial,
)

LAM, H = 5.0, 1.0


def newsvendor(S, dist, h, p):
    d = np.arange(int(dist.ppf(1 - 1e-15)) + 1)
    pmf = dist.pmf(d)
    return float(h * (np.maximum(S - d, 0) * pmf).sum() + p * (np.maximum(d - S, 0) * pmf).sum())


@pytest.mark.parametrize(("L", "p"), [(0, 4.0), (1, 9.0), (2, 19.0), (3, 39.0)])
def test_one_stage_is_the_backorder_optimum(L, p):
    sol = solve_serial(LAM, (L,), (H,), p)
    exact = solve_optimal("InventoryBackorder-v0", lead_time=L, penalty_cost=p)
    assert sol.average_cost == pytest.approx(exact.average_cost, abs=1e-7)
    assert sol.levels[0] == exact.policy(np.zeros(L + 1))  # its order at position 0
    assert sol.clark_scarf_cost == sol.average_cost  # no internal link, nothing in transit


@settings(max_examples=40, deadline=None)
@given(
    lam=st.floats(0.2, 12.0),
    L=st.integers(0, 4),
    h=st.floats(0.1, 5.0),
    ratio=st.floats(0.05, 0.99),
)
def test_one_stage_closed_form(lam, L, h, ratio):
    p = h * ratio / (1 - ratio)
    dist = stats.poisson((L + 1) * lam)
    sol = solve_serial(lam, (L,), (h,), p)
    S = sol.levels[0]
    assert sol.average_cost == pytest.approx(newsvendor(S, dist, h, p), abs=1e-7)
    # the critical fractile: no other level is cheaper
    assert newsvendor(S, dist, h, p) <= min(newsvendor(S + d, dist, h, p) for d in (-1, 1)) + 1e-9


def exact_chain_cost(policy, lead_times, holding_costs, penalty_cost, pmf, SerialChain):
    """Long-run average cost of ``policy`` from the empty chain: breadth-first search of the
    states reachable under bounded demand ``pmf``, stationary law, expected period cost."""
    values = np.flatnonzero(pmf)
    probs = np.asarray(pmf)[values]
    k = len(values)
    index: dict[bytes, int] = {}
    start = SerialChain(lead_times, holding_costs, penalty_cost, 1).key()
    index[start.tobytes()] = 0
    keys, frontier, rows = [start[0]], [0], []
    N, W = len(lead_times), max(max(lead_times), 1)
    while frontier:
        ch = SerialChain(lead_times, holding_costs, penalty_cost, len(frontier) * k)
        src = np.repeat(np.array([keys[i] for i in frontier]), k, axis=0)
        ch.on[:], ch.back[:] = src[:, :N], src[:, N : 2 * N]
        ch.pipe[:] = src[:, 2 * N :].reshape(-1, N, W)
        cost = ch.period(policy, np.tile(values, len(frontier)).astype(np.float64))
        new = []
        for r, key in enumerate(ch.key()):
            b = key.tobytes()
            if b not in index:
                index[b] = len(keys)
                keys.append(key)
                new.append(index[b])
            rows.append((frontier[r // k], index[b], probs[r % k], cost[r]))
        frontier = new
        assert len(keys) < 20_000
    n = len(keys)
    P = np.zeros((n, n))
    c = np.zeros(n)
    for i, j, pr, co in rows:
        P[i, j] += pr
        c[i] += pr * co
    A = np.vstack([P.T - np.eye(n), np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1
    pi = np.linalg.lstsq(A, b, rcond=None)[0]
    assert np.abs(A @ pi - b).max() < 1e-9  # one recurrent class: the law is unique
    return float(pi @ c), n


def test_two_stage_optimum_is_the_best_of_a_brute_force_grid(serial_sim):
    """Every (S_0, S_1) on a grid evaluated on an exact chain of the period itself (bounded
    demand: no truncation); the solver's cost of each equals the chain's, and its optimum is
    the grid's."""
    _, SerialChain, _ = serial_sim
    pmf = [0.2, 0.3, 0.3, 0.2]
    L, h, p = (1, 1), (3.0, 1.0), 10.0
    system = SerialSystem(pmf, L, h, p)
    sol = system.solve()
    assert system.error_bound == 0.0  # bounded support: nothing truncated
    grid = {}
    for S in itertools.product(range(2, 8), range(4, 12)):
        grid[S], _ = exact_chain_cost(EchelonBaseStock(S), L, h, p, np.array(pmf), SerialChain)
        assert system.cost(S).average_cost == pytest.approx(grid[S], abs=1e-8), S
    best = min(grid, key=grid.get)
    assert sol.levels == best
    assert sol.average_cost == pytest.approx(grid[best], abs=1e-8)
    assert 2 < best[0] < 7 and 4 < best[1] < 11  # interior: the grid contains the optimum


def test_non_monotone_levels_act_as_monotone(serial_sim):
    _, SerialChain, _ = serial_sim
    pmf = np.array([0.25, 0.5, 0.25])
    L, h, p = (0, 2), (2.0, 1.0), 6.0
    system = SerialSystem(pmf, L, h, p)
    chain, _ = exact_chain_cost(EchelonBaseStock((6, 4)), L, h, p, pmf, SerialChain)
    assert system.cost((6, 4)).average_cost == pytest.approx(chain, abs=1e-8)
    assert system.cost((4, 4)).average_cost == pytest.approx(chain, abs=1e-8)


# Shang & Song (2003), Management Science 49(5), Table 1, rows 1, 9, 17, 25, as stockpyl
# records them (datasets/stockpyl_instances.json; costs in tests/test_ssm_serial.py): four
# stages, Poisson demand 16 per unit time, every lead time 0.25, echelon holding rates
# retailer first. One of our periods = 0.25 time units (Poisson(4) per period); their
# retailer lead time 1 period is our L_0 = 0 (the review period), the others L_i = 1.
SHANG_SONG = [
    ((0.25, 0.25, 0.25, 0.25), 9.0, (8, 13, 18, 22), 12.688),
    ((0.25, 2.5, 2.5, 0.25), 9.0, (9, 10, 13, 19), 53.008),
    ((0.25, 0.25, 0.25, 0.25), 99.0, (11, 17, 22, 27), 16.206),
    ((0.25, 2.5, 2.5, 0.25), 99.0, (11, 14, 18, 26), 74.564),
]


@pytest.mark.parametrize(("he", "p", "levels", "cost"), SHANG_SONG)
def test_shang_song_table_1(he, p, levels, cost):
    h = tuple(float(x) for x in np.cumsum(he[::-1])[::-1])  # installation rates
    sol = solve_serial(4.0, (0, 1, 1, 1), h, p)
    assert sol.levels == levels
    assert sol.snyder_shen_cost == pytest.approx(cost, abs=5e-4)  # published to 3 decimals
    # their figure charges in-transit stock and the upper echelons before demand
    # (mu h_1, plus mu h_{i+1} L_i summed over the internal links, L = (0, 1, 1))
    assert sol.average_cost == pytest.approx(
        sol.snyder_shen_cost - 4.0 * (h[1] + h[2] + h[3]), abs=1e-9
    )


def test_snyder_shen_example_6_1_with_poisson_demand():
    """Example 6.1 of Snyder & Shen with Poisson(5) demand (stockpyl's test
    ``test_example_6_1_poisson``): echelon h = (3, 2, 2), their L = (1, 1, 2), p = 37.12.
    stockpyl 1.0.2 (NumPy 1.26, its default 4-sigma truncation) gives S* = (9, 15, 26) and
    C* = 72.0435; ours is exact (error bound 3e-10) and differs from it by 0.003."""
    sol = solve_serial(5.0, (0, 1, 2), (7.0, 4.0, 2.0), 37.12)
    assert sol.levels == (9, 15, 26)
    assert sol.snyder_shen_cost == pytest.approx(72.0435433050749, abs=0.01)
    assert sol.error_bound < 1e-9
    # conversions: Chen-Zheng = theirs - mu h_1; ours = Chen-Zheng - mu (h_1 L_0 + h_2 L_1)
    assert sol.clark_scarf_cost == pytest.approx(sol.snyder_shen_cost - 5.0 * 4.0, abs=1e-9)
    assert sol.average_cost == pytest.approx(sol.clark_scarf_cost - 5.0 * (4 * 0 + 2 * 1))


#: The proposed ``preset="clark_scarf"`` instance (Example 6.1 with Poisson demand).
CLARK_SCARF = dict(demand=5.0, lead_times=(0, 1, 2), holding_costs=(7.0, 4.0, 2.0))
CLARK_SCARF_P = 37.12


def test_long_simulation_within_its_95_interval(serial_sim):
    simulate, _, mean_ci = serial_sim
    sol = solve_serial(penalty_cost=CLARK_SCARF_P, **CLARK_SCARF)
    L, h = CLARK_SCARF["lead_times"], CLARK_SCARF["holding_costs"]
    cost, transit = simulate(
        EchelonBaseStock(sol.levels), L, h, CLARK_SCARF_P, 5.0, batch=128, periods=3000, seed=7
    )
    m, hw = mean_ci(cost)
    assert abs(m - sol.average_cost) < hw
    # the pipeline constant: mean units in transit on link i is L_i * mu
    for i, Li in enumerate(L):
        mi, hwi = mean_ci(transit[:, i])
        assert abs(mi - Li * 5.0) < hwi + 1e-12
    charged = cost + transit[:, :-1] @ np.asarray(h[1:])
    m2, hw2 = mean_ci(charged)
    assert abs(m2 - sol.clark_scarf_cost) < hw2


def test_long_simulation_divergent_lead_times_and_pmf(serial_sim):
    """Another instance: zero upstream lead time, a non-Poisson pmf, equal holding costs
    upstream (echelon rate 0)."""
    simulate, _, mean_ci = serial_sim
    pmf = [0.1, 0.2, 0.4, 0.2, 0.1]
    L, h, p = (1, 0, 2), (3.0, 1.0, 1.0), 15.0
    sol = solve_serial(pmf, L, h, p)
    cost, _ = simulate(EchelonBaseStock(sol.levels), L, h, p, pmf, batch=128, periods=3000, seed=3)
    m, hw = mean_ci(cost)
    assert abs(m - sol.average_cost) < hw


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 3),
    data=st.data(),
    lam=st.floats(0.3, 6.0),
    p=st.floats(0.5, 60.0),
)
def test_optimum_is_a_local_minimum_and_conversions_hold(n, data, lam, p):
    L = tuple(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    he = data.draw(st.lists(st.floats(0.0, 3.0), min_size=n, max_size=n))
    he[0] = max(he[0], 0.05)
    h = tuple(float(x) for x in np.cumsum(he[::-1])[::-1])
    system = SerialSystem(lam, L, h, p)
    sol = system.solve()
    assert list(sol.levels) == sorted(sol.levels) and sol.levels[0] >= 0
    assert sum(sol.local_levels) == sol.levels[-1]
    at = system.cost(sol.levels)
    assert at.average_cost == pytest.approx(sol.average_cost, abs=1e-9)
    assert sol.clark_scarf_cost - sol.average_cost == pytest.approx(
        lam * sum(h[i + 1] * L[i] for i in range(n - 1)), abs=1e-6
    )
    for i, d in itertools.product(range(n), (-1, 1)):
        S = list(sol.levels)
        S[i] += d
        assert system.cost(S).average_cost >= sol.average_cost - 1e-9


def test_installation_base_stock_never_beats_the_optimum(serial_sim):
    """Installation base stock tuned by a pattern search on a simulation with common random
    numbers; on fresh seeds, paired with the echelon optimum, it costs more."""
    simulate, _, mean_ci = serial_sim
    sol = solve_serial(penalty_cost=CLARK_SCARF_P, **CLARK_SCARF)
    L, h = CLARK_SCARF["lead_times"], CLARK_SCARF["holding_costs"]

    def objective(policy, seed=100, batch=16, periods=600):
        c, _ = simulate(policy, L, h, CLARK_SCARF_P, 5.0, batch=batch, periods=periods, seed=seed)
        return float(c.mean())

    tuned = InstallationBaseStock.tune(sol.system, objective)
    assert tuned.method == "simulation" and tuned.evaluations > 1
    assert tuned.average_cost < objective(InstallationBaseStock(sol.local_levels))
    inst, _ = simulate(tuned.policy, L, h, CLARK_SCARF_P, 5.0, batch=64, periods=2000, seed=9)
    opt, _ = simulate(EchelonBaseStock(sol.levels), L, h, CLARK_SCARF_P, 5.0, batch=64,
                      periods=2000, seed=9)  # fmt: skip
    m, hw = mean_ci(inst - opt)
    assert m - hw > 0
    assert mean_ci(inst)[0] > sol.average_cost


def test_echelon_tune_is_the_exact_optimum():
    system = SerialSystem(penalty_cost=CLARK_SCARF_P, **CLARK_SCARF)
    res = EchelonBaseStock.tune(system)
    assert res.policy.levels == system.solve().levels and res.method == "exact"
    assert res.average_cost == system.solve().average_cost
