#!/bin/sh
# Regenerate every Stable-Baselines3 leaderboard entry (and the multi_product_v0 rule
# entries), one after another, in priority order; prints the wall time of each command.
# Run from the repository root: sh baselines/train_all.sh  (or one ENTRY: sh ... LostSales)
set -u
PY=${PYTHON:-python}
run() {
    start=$(date +%s)
    if nice -n 5 "$PY" "$@"; then status=ok; else status=FAILED; fi
    echo "[train_all] $status $(( $(date +%s) - start )) s: $*"
}
T="baselines/train.py --seeds 0 1 2 3 4"
run $T --algo ppo --env-id InventoryLostSales-v0 --total-timesteps 1500000
run $T --algo ppo --env-id InventoryBackorder-v0 --total-timesteps 400000
run $T --algo ppo --env-id Inventory-v0 --total-timesteps 200000
run $T --algo a2c --env-id InventoryLostSales-v0 --total-timesteps 200000
run $T --algo a2c --env-id InventoryBackorder-v0 --total-timesteps 200000
run $T --algo a2c --env-id Inventory-v0 --total-timesteps 200000
run $T --algo dqn --env-id InventoryLostSales-v0 --total-timesteps 30000
run $T --algo dqn --env-id InventoryBackorder-v0 --total-timesteps 30000
run $T --algo dqn --env-id Inventory-v0 --total-timesteps 30000
run $T --algo sac --env-id Inventory-v0 --total-timesteps 10000
run $T --algo td3 --env-id Inventory-v0 --total-timesteps 10000
run $T --algo ppo --env-id multi_product_v0 --total-timesteps 50000
run -m gym_inventory.multi.leaderboard --rule coupled
run -m gym_inventory.multi.leaderboard --rule base-stock
