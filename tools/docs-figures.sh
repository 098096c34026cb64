#!/usr/bin/env bash
# Copies the figures that docs/EXPERIMENTS.md and docs/MGDL.md show from the runs they report
# (runs/<app>/<run>/figures/, written by every experiment run; <run> is the preset or --name) into docs/figures/.
# Run from the repository root after the default runs: bash tools/docs-figures.sh
set -euo pipefail
out=docs/figures
mkdir -p "$out"
copy() { # app, figure-name prefix, name in docs/figures, run (default: default)
  local run=${4:-default}
  local matches=(runs/"$1"/"$run"/figures/"$2"*.svg)
  if [[ ! -f "${matches[0]}" ]]; then
    echo "docs-figures: no runs/$1/$run/figures/$2*.svg — run it first (the doc that shows it gives the command)" >&2
    return 1
  fi
  cp "${matches[0]}" "$out/$3.svg.tmp" && mv "$out/$3.svg.tmp" "$out/$3.svg"
  echo "$out/$3.svg"
}
status=0
copy cic-width 01-across-the-grid-width--final cic-width-loss || status=1
copy cic-width 03-across-the-grid-width--settled cic-width-mf || status=1
copy cic-scales 04-run-seed-0--m-at-element cic-scales-traces || status=1
copy cic-epochs 01-run-seed-0--loss cic-epochs-loss || status=1
copy cic-epochs 03-run-seed-0--m-f-per-epoch cic-epochs-mf || status=1
copy cic-noise 01-claim-and-verdict cic-noise-mf || status=1
copy cic-dropout 01-across-the-grid-dropout--final cic-dropout-loss || status=1
copy cic-dropout 03-across-the-grid-dropout--settled cic-dropout-mf || status=1
copy cic-l2 01-across-the-grid-l2--final cic-l2-loss trainsize-4000 || status=1
copy cic-l2 03-across-the-grid-l2--settled cic-l2-mf trainsize-4000 || status=1
copy cic-batch 01-claim-and-verdict cic-batch-loss || status=1
copy cic-batch 01-claim-and-verdict cic-batch-equal-steps-loss equal-steps || status=1
copy forgetting-toneva 01-claim-and-verdict forgetting-toneva-removal || status=1
copy mgdl-bubbling-bed 01-claim-and-verdict--test-mse mgdl-bubbling-bed-mse || status=1
copy mgdl-bubbling-bed 02-claim-and-verdict--test-violation mgdl-bubbling-bed-violation || status=1
copy mgdl-bubbling-bed 01-claim-and-verdict--test-mse mgdl-bubbling-bed-adaptive-mse adaptive-weights || status=1
copy mgdl-bubbling-bed 01-claim-and-verdict--test-mse mgdl-bubbling-bed-noisy-mse noisy-bubble-fraction || status=1
copy mgdl-bubbling-bed 02-claim-and-verdict--test-violation mgdl-bubbling-bed-noisy-violation noisy-bubble-fraction || status=1
exit $status
