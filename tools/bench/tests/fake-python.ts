import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A stand-in python for the bench's torch probing and runs, so these tests need no PyTorch: it
 * prints `version` for `-c …import torch…` (or fails like a python without torch when version is
 * undefined) and, run as torch_bench.py, one JSON row per --nets entry at `samplesPerSec`.
 */
export function fakePython(path: string, version: string | undefined, samplesPerSec = 1000): string {
  mkdirSync(dirname(path), { recursive: true });
  const probe = version === undefined ? `echo "ModuleNotFoundError: No module named 'torch'" >&2; exit 1` : `echo '${version}'; exit 0`;
  writeFileSync(
    path,
    `#!/bin/sh
if [ "$1" = "-c" ]; then ${probe}; fi
nets=""; threads=1
while [ $# -gt 0 ]; do
  case "$1" in
    --nets) nets="$2"; shift ;;
    --threads) threads="$2"; shift ;;
  esac
  shift
done
for net in $(echo "$nets" | tr ',' ' '); do
  echo "{\\"net\\": \\"$net\\", \\"threads\\": $threads, \\"samplesPerSec\\": ${samplesPerSec}}"
done
`,
  );
  chmodSync(path, 0o755);
  return path;
}
