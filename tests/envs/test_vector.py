"""The native vector env against the single env, for every registered id."""

import gc
import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode, SyncVectorEnv
from gymnasium.vector.utils import batch_space

import gym_inventory
from gym_inventory.demand.stream import DEFAULT_BLOCK
from gym_inventory.envs import InventoryVectorEnv
from gym_inventory.errors import ActionError, ConfigError

NEXT, SAME = AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP

# Every registered id with its defaults, plus a few Inventory-v0 configurations that take
# other paths of the kernel (continuous actions, stochastic lead times, backorders).
EXTRA = {
    "Inventory-v0": [
        dict(action_mode="continuous", max_order=40, lead_time=(0.2, 0.3, 0.5)),
        dict(action_mode="quantity", max_order=30, backlog=True, lead_time=3, capacity=300),
    ]
}
CASES = [pytest.param(env_id, {}, id=env_id) for env_id in gym_inventory.ENV_IDS] + [
    pytest.param(env_id, kw, id=f"{env_id}-{i}")
    for env_id, kws in EXTRA.items()
    if env_id in gym_inventory.ENV_IDS
    for i, kw in enumerate(kws)
]


def same(a, b):
    """Bit-for-bit equality of two arrays or numbers (0.0 and -0.0 differ)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def run_against_singles(env_id, kwargs, num_envs, mode, steps, max_steps, seed=11, hook=None):
    """Step the vector env and ``num_envs`` single envs (seeds seed + i) with the same
    actions, emulating the autoreset ``mode`` on the singles; assert equality throughout.
    ``hook(t, venv, singles)`` may act before step ``t``. Returns the number of episode
    ends seen."""
    venv = gym.make_vec(
        env_id, num_envs=num_envs, autoreset_mode=mode, max_episode_steps=max_steps, **kwargs
    )
    assert isinstance(venv.unwrapped, InventoryVectorEnv)
    singles = [gym.make(env_id, max_episode_steps=max_steps, **kwargs) for _ in range(num_envs)]
    obs, info = venv.reset(seed=seed)
    assert info == {}
    for i, env in enumerate(singles):
        assert same(obs[i], env.reset(seed=seed + i)[0])
    venv.action_space.seed(seed)
    pending = np.zeros(num_envs, dtype=bool)  # NEXT_STEP: copies reset in this step
    ends = 0
    for t in range(steps):
        if hook is not None:
            pending &= ~hook(t, venv, singles)
        actions = venv.action_space.sample()
        obs, rew, term, trunc, info = venv.step(actions)
        assert obs.dtype == np.float32 and rew.dtype == np.float64
        for i, env in enumerate(singles):
            if mode == NEXT and pending[i]:
                o, _ = env.reset()
                r, te, tr, inf = 0.0, False, False, None
            else:
                o, r, te, tr, inf = env.step(actions[i])
            if mode == SAME:
                if te or tr:
                    ends += 1
                    assert info["_final_obs"][i] and info["_final_info"][i]
                    assert same(info["final_obs"][i], o)
                    final = info["final_info"]
                    for key, value in inf.items():
                        assert final["_" + key][i] and same(final[key][i], value), key
                    o, _ = env.reset()
                    inf = None  # the reset copy's own info is the reset info: masked
                elif "final_obs" in info:
                    assert not info["_final_obs"][i] and info["final_obs"][i] is None
            elif te or tr:
                ends += 1
            assert same(obs[i], o), (t, i)
            assert same(rew[i], np.float64(r)) and term[i] == te and trunc[i] == tr, (t, i)
            if inf is None:
                own = [k for k in info if k[0] != "_" and k not in ("final_obs", "final_info")]
                assert not any(info["_" + key][i] for key in own)
            else:
                for key, value in inf.items():
                    assert info["_" + key][i] and same(info[key][i], np.float64(value)), key
        pending = term | trunc
    return ends


@pytest.mark.parametrize("mode", [NEXT, SAME], ids=["next_step", "same_step"])
@pytest.mark.parametrize("num_envs", [1, 3])
@pytest.mark.parametrize(("env_id", "kwargs"), CASES)
def test_copies_match_single_envs_bit_for_bit(env_id, kwargs, num_envs, mode):
    ends = run_against_singles(env_id, kwargs, num_envs, mode, steps=40, max_steps=7)
    assert ends == num_envs * (40 // 7)


@pytest.mark.parametrize(("env_id", "kwargs"), CASES)
def test_partial_autoreset_at_a_demand_block_boundary(env_id, kwargs):
    # Episodes of exactly one demand block, copies out of phase: a copy reset by NEXT_STEP
    # autoreset must not consume its generator in the step it skips, although the model
    # draws new blocks for the others in that very step.
    def reset_copy_1_at_step_5(t, venv, singles):
        mask = np.zeros(venv.num_envs, dtype=bool)
        if t == 5:
            mask[1] = True
            venv.reset(options={"reset_mask": mask})
            singles[1].reset()
        return mask

    ends = run_against_singles(
        env_id, kwargs, 3, NEXT, steps=2 * DEFAULT_BLOCK + 12, max_steps=DEFAULT_BLOCK,
        hook=reset_copy_1_at_step_5,
    )  # fmt: skip
    assert ends == 6


@pytest.mark.parametrize("env_id", gym_inventory.ENV_IDS)
def test_make_vec_modes_and_spaces(env_id):
    venv = gym.make_vec(env_id, num_envs=3)
    single = gym.make(env_id)
    assert isinstance(venv, InventoryVectorEnv) and venv.num_envs == 3
    assert venv.metadata["autoreset_mode"] == NEXT and venv.spec.id == env_id
    assert venv.max_episode_steps == single.spec.max_episode_steps
    assert venv.single_observation_space == single.observation_space
    assert venv.single_action_space == single.action_space
    assert venv.observation_space == batch_space(single.observation_space, 3)
    assert venv.action_space == batch_space(single.action_space, 3)
    obs, _ = venv.reset(seed=0)
    assert venv.observation_space.contains(obs)
    obs, rew, term, trunc, info = venv.step(venv.action_space.sample())
    assert venv.observation_space.contains(obs) and obs.flags.c_contiguous
    assert rew.shape == term.shape == trunc.shape == (3,)
    assert term.dtype == trunc.dtype == np.bool_
    single.reset(seed=0)
    keys = set(single.step(single.action_space.sample())[4])
    assert set(info) == keys | {"_" + k for k in keys}
    assert all(info[k].shape == (3,) and info["_" + k].all() for k in keys)
    assert isinstance(gym.make_vec(env_id, 2, vectorization_mode="sync"), SyncVectorEnv)
    assert InventoryVectorEnv(single.unwrapped.__class__, 2).max_episode_steps is None


@pytest.mark.parametrize("env_id", gym_inventory.ENV_IDS)
def test_seed_list_and_returned_data_not_reused(env_id):
    venv = gym.make_vec(env_id, num_envs=2)
    obs, _ = venv.reset(seed=[5, 9])
    a, b = gym.make(env_id), gym.make(env_id)
    assert same(obs, np.stack([a.reset(seed=5)[0], b.reset(seed=9)[0]]))
    first = venv.step(venv.action_space.sample())
    kept = pickle.loads(pickle.dumps(first))
    venv.step(venv.action_space.sample())
    for x, y in zip(first[:4], kept[:4], strict=True):
        assert same(x, y)
    assert all(same(first[4][k], kept[4][k]) for k in kept[4])


@pytest.mark.parametrize(("env_id", "kwargs"), CASES)
def test_invalid_actions_raise_and_change_nothing(env_id, kwargs):
    venv = gym.make_vec(env_id, num_envs=3, **kwargs)
    venv.reset(seed=0)
    space = venv.single_action_space
    good = venv.action_space.sample()
    if isinstance(space, gym.spaces.Discrete):
        bad = [good.copy() for _ in range(3)]
        bad[0][1], bad[1][2], bad[2] = -1, space.n, good.astype(np.float64)
    else:
        bad = [good.copy(), good.copy()]
        bad[0][1, 0], bad[1][2, 0] = 1.5, np.nan
    bad += [good[:2], np.concatenate([good, good]), good[:, None] if good.ndim == 1 else good[0]]
    model = venv.unwrapped.model
    before = (model.kernel.record.copy(), model.obs.copy())
    for action in bad:
        with pytest.raises(ActionError):
            venv.step(action)
    assert same(before[0], model.kernel.record) and same(before[1], model.obs)
    venv.step(good)


@pytest.mark.parametrize(("env_id", "kwargs"), CASES)
def test_pickle_round_trip(env_id, kwargs):
    venv = gym.make_vec(env_id, num_envs=3, autoreset_mode=SAME, max_episode_steps=9, **kwargs)
    venv.reset(seed=3)
    venv.action_space.seed(0)
    for _ in range(4):
        venv.step(venv.action_space.sample())
    clone = pickle.loads(pickle.dumps(venv))
    for _ in range(30):
        actions = venv.action_space.sample()
        out, cloned = venv.step(actions), clone.step(actions)
        for x, y in zip(out[:4], cloned[:4], strict=True):
            assert same(x, y)


def test_disabled_autoreset_needs_reset_mask():
    venv = gym.make_vec("Inventory-v0", num_envs=2, autoreset_mode="Disabled", max_episode_steps=3)
    venv.reset(seed=0)
    for _ in range(3):
        *_, trunc, _ = venv.step(np.array([1, 1]))
    assert trunc.all()
    with pytest.raises(gym.error.ResetNeeded, match="reset_mask"):
        venv.step(np.array([1, 1]))
    obs, _ = venv.reset(options={"reset_mask": np.array([True, True])})
    single = gym.make("Inventory-v0")
    assert same(obs[0], single.reset(seed=0)[0])  # same start state (no seed: continues)
    venv.step(np.array([1, 1]))


def test_render_matches_single_env():
    venv = gym.make_vec("Inventory-v0", num_envs=2, render_mode="ansi", max_episode_steps=4)
    singles = [gym.make("Inventory-v0", render_mode="ansi") for _ in range(2)]
    venv.reset(seed=0)
    for i, env in enumerate(singles):
        env.reset(seed=i)
    for _ in range(3):
        venv.step(np.array([0, 2]))
        for env, a in zip(singles, (0, 2), strict=True):
            env.step(a)
    assert venv.render() == tuple(env.render() for env in singles)
    pytest.importorskip("matplotlib")
    venv = gym.make_vec("Inventory-v0", num_envs=2, render_mode="rgb_array")
    venv.reset(seed=0)
    venv.step(np.array([0, 1]))
    frames = venv.render()
    assert len(frames) == 2 and all(f.dtype == np.uint8 and f.ndim == 3 for f in frames)
    venv = gym.make_vec("Inventory-v0", num_envs=2)
    venv.reset(seed=0)
    with pytest.warns(UserWarning, match="render_mode"):
        assert venv.render() is None


def test_gymnasium_vector_wrappers_stack():
    venv = gym.wrappers.vector.RecordEpisodeStatistics(
        gym.make_vec("Inventory-v0", num_envs=2, max_episode_steps=5)
    )
    venv.reset(seed=0)
    total = np.zeros(2)
    for _ in range(5):
        _, rew, _, trunc, info = venv.step(np.array([0, 1]))
        total += rew
    assert trunc.all()
    np.testing.assert_allclose(info["episode"]["r"], total, rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"autoreset_mode": "Sometimes"}, ConfigError, "autoreset_mode must be one of"),
        ({"render_mode": "human"}, ConfigError, "render_mode must be one of"),
        ({"lead": 3}, TypeError, "lead"),
        ({"num_envs": 0}, ConfigError, "num_envs"),
        ({"max_episode_steps": 0}, ConfigError, "max_episode_steps"),
        ({"lead_time": -1}, ConfigError, "lead_time"),
    ],
)
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_invalid_arguments(kwargs, error, message):
    kwargs = {"num_envs": 2, **kwargs}
    with pytest.raises(error, match=message):
        gym.make_vec("Inventory-v0", **kwargs)
    gc.collect()  # the half-built env's __del__ (close) must not fail either


def test_invalid_reset_and_step_calls():
    venv = gym.make_vec("Inventory-v0", num_envs=2)
    with pytest.raises(gym.error.ResetNeeded):
        venv.step(np.array([0, 0]))
    with pytest.raises(ConfigError, match="first reset"):
        venv.reset(options={"reset_mask": np.array([True, False])})
    with pytest.raises(ConfigError, match="seed must be"):
        venv.reset(seed="7")
    with pytest.raises(ConfigError, match="seed must be"):
        venv.reset(seed=[1, 2, 3])
    with pytest.raises(ConfigError, match="reset options"):
        venv.reset(options={"start": 3})
    venv.reset(seed=0)
    with pytest.raises(ConfigError, match="reset_mask must be a bool array"):
        venv.reset(options={"reset_mask": np.array([1, 0])})
    with pytest.raises(ConfigError, match="env_cls"):
        InventoryVectorEnv("gym_inventory.envs.store:StoreParams", 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        venv.close()


def test_specs_stay_serialisable():
    for env_id in gym_inventory.ENV_IDS:
        spec = gym.spec(env_id)
        assert isinstance(spec.vector_entry_point, str)
        assert gym.envs.registration.EnvSpec.from_json(spec.to_json()) == spec
