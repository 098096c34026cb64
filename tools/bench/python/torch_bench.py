#!/usr/bin/env python3
"""PyTorch CPU training-throughput reference for the mgdl benchmarks.

Prints one JSON line per net on stdout; diagnostics go to stderr.

  python3 torch_bench.py --nets mlp,mcnn3,mcnn10 --threads 1 --batch 128 \
      --warmup 3 --seconds 5 --seed 0
  python3 torch_bench.py --check-params
"""

import argparse
import json
import math
import re
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

KNOWN_NETS = "mlp, mcnn<K> (K >= 1 is the width, e.g. mcnn3, mcnn10)"

# Trainable parameter counts the mgdl models must match.
EXPECTED_PARAMS = {"mlp": 407_050, "mcnn1": 540, "mcnn3": 3_868, "mcnn10": 39_330}


def make_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))


def make_mcnn(k: int) -> nn.Module:
    """Nakkiran et al. (Deep Double Descent) 5-layer CNN for 32x32x3 input."""

    def block(cin: int, cout: int, pool: bool) -> list[nn.Module]:
        # Conv bias is kept even though BatchNorm follows: the reference
        # parameter counts (540 / 3,868 / 39,330) include it.
        layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=True), nn.BatchNorm2d(cout), nn.ReLU()]
        return layers + [nn.MaxPool2d(2)] if pool else layers

    return nn.Sequential(
        *block(3, k, pool=False),
        *block(k, 2 * k, pool=True),
        *block(2 * k, 4 * k, pool=True),
        *block(4 * k, 8 * k, pool=True),
        nn.MaxPool2d(4),
        nn.Flatten(),
        nn.Linear(8 * k, 10),
    )


def build(name: str) -> tuple[nn.Module, tuple[int, ...]]:
    """Return (model, per-sample input shape) for a net name; ValueError if unknown."""
    if name == "mlp":
        return make_mlp(), (784,)
    m = re.fullmatch(r"mcnn([1-9]\d*)", name)
    if m:
        return make_mcnn(int(m.group(1))), (3, 32, 32)
    raise ValueError(f"unknown net {name!r}; known nets: {KNOWN_NETS}")


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def bench(name: str, args: argparse.Namespace) -> dict:
    # Reseed per net so each result is independent of the --nets order.
    torch.manual_seed(args.seed)
    model, shape = build(name)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(args.batch, *shape)
    y = torch.randint(0, 10, (args.batch,))

    def step() -> None:
        # set_to_none matches the torch 2.x default, so versions compare fairly.
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(args.warmup):
        step()

    steps = 0
    start = time.perf_counter()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= args.seconds and steps >= 5:
            break

    return {
        "net": name,
        "threads": args.threads,
        "batch": args.batch,
        "samplesPerSec": steps * args.batch / elapsed,
        "steps": steps,
        "torch": torch.__version__,
        "params": count_params(model),
    }


def check_params() -> int:
    ok = True
    for name, expected in EXPECTED_PARAMS.items():
        got = count_params(build(name)[0])
        print(json.dumps({"net": name, "params": got, "expected": expected}))
        if got != expected:
            print(f"param count mismatch for {name}: got {got}, expected {expected}", file=sys.stderr)
            ok = False
    return 0 if ok else 1


def positive_int(s: str) -> int:
    v = int(s)
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {v}")
    return v


def non_negative_int(s: str) -> int:
    v = int(s)
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {v}")
    return v


def positive_float(s: str) -> float:
    v = float(s)
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"must be finite and > 0, got {s}")
    return v


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nets", default="mlp,mcnn3,mcnn10", help=f"comma-separated; known: {KNOWN_NETS}")
    p.add_argument("--threads", type=positive_int, default=1)
    p.add_argument("--batch", type=positive_int, default=128)
    p.add_argument("--warmup", type=non_negative_int, default=3)
    p.add_argument("--seconds", type=positive_float, default=5.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--check-params", action="store_true", help="print and verify parameter counts, then exit")
    args = p.parse_args(argv)

    args.nets = [n.strip() for n in args.nets.split(",") if n.strip()]
    if not args.nets:
        p.error("--nets is empty")
    for name in args.nets:
        try:
            build(name)
        except ValueError as e:
            p.error(str(e))  # exits with code 2
    return args


def main() -> int:
    args = parse_args()
    if args.check_params:
        return check_params()

    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError as e:  # can only be set once per process
        print(f"note: set_num_interop_threads(1) failed: {e}", file=sys.stderr)

    for name in args.nets:
        print(json.dumps(bench(name, args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
