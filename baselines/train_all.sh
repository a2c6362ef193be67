#!/bin/sh
# Regenerate every Stable-Baselines3 leaderboard entry (and the multi_product_v0 rule
# entries), one after another, in priority order; prints the wall time of each command.
# Run from the repository root:  sh baselines/train_all.sh [N ...]
# (N ...: only the N-th commands, e.g. to resume). PYTHON=... picks the interpreter.
set -u
PY=${PYTHON:-python}
ONLY=" $* "
i=0
run() {
    i=$((i + 1))
    [ "$ONLY" != "  " ] && case "$ONLY" in *" $i "*) ;; *) return 0 ;; esac
    start=$(date +%s)
    if nice -n 5 "$PY" "$@"; then status=ok; else status=FAILED; fi
    echo "[train_all] $i $status $(($(date +%s) - start)) s: $*"
}
T="baselines/train.py --seeds 0 1 2 3 4"
# 1. The target: PPO on InventoryLostSales-v0 (within 3 % of the optimum).
run $T --algo ppo --env-id InventoryLostSales-v0 --total-timesteps 1500000
# 2. PPO, A2C, DQN on the three ids (budget-limited).
run $T --algo ppo --env-id InventoryBackorder-v0 --total-timesteps 400000
run $T --algo ppo --env-id Inventory-v0 --total-timesteps 200000
run $T --algo a2c --env-id InventoryLostSales-v0 --total-timesteps 1000000
run $T --algo a2c --env-id InventoryBackorder-v0 --total-timesteps 200000
run $T --algo a2c --env-id Inventory-v0 --total-timesteps 1000000
run $T --algo dqn --env-id InventoryLostSales-v0 --total-timesteps 30000
run $T --algo dqn --env-id InventoryBackorder-v0 --total-timesteps 30000
run $T --algo dqn --env-id Inventory-v0 --total-timesteps 100000
# 3. SAC and TD3 on Inventory-v0's continuous action mode (small budgets).
run $T --algo sac --env-id Inventory-v0 --total-timesteps 30000
run $T --algo td3 --env-id Inventory-v0 --total-timesteps 30000
# 4. Shared-parameter PPO on multi_product_v0 (10 products) and its two rules.
run $T --algo ppo --env-id multi_product_v0 --total-timesteps 150000
run -m gym_inventory.multi.leaderboard --rule coupled
run -m gym_inventory.multi.leaderboard --rule base-stock
