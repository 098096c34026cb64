#!/usr/bin/env bash
# Runs CI (.ci/run) several times on a fresh clone while other processes keep every core busy, to
# prove that no test depends on wall-clock speed. Usage: bash tools/ci-stress.sh [RUNS=3]
# Prints each run's duration and its "N passed, N failed" line; exits 1 if any run failed.
set -uo pipefail
runs=${1:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
clone=$(mktemp -d)
git clone -q "$repo" "$clone/mgdl"
burners=()
for _ in $(seq "$(nproc)"); do
  node -e 'for (;;) {}' &
  burners+=("$!")
done
stop() { kill "${burners[@]}" 2>/dev/null; wait "${burners[@]}" 2>/dev/null; }
trap stop EXIT
status=0
for run in $(seq "$runs"); do
  started=$(date +%s)
  (cd "$clone/mgdl" && ./.ci/run) > "$clone/run-$run.log" 2>&1
  code=$?
  echo "stressed CI run $run/$runs: exit $code in $(( $(date +%s) - started )) s with ${#burners[@]} busy-loop processes; $(tail -n 1 "$clone/run-$run.log") (log: $clone/run-$run.log)"
  [ "$code" -eq 0 ] || status=1
done
exit "$status"
