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

KNOWN_NETS = "mlp, fcnn<W>, cnn4, mcnn<K>, textcnn, toneva-mnist, regression-mlp (W, K >= 1 are widths, e.g. fcnn10, mcnn3)"

# Trainable parameter counts the mgdl models must match.
EXPECTED_PARAMS = {
    "mlp": 407_050,
    "fcnn10": 127_210,
    "cnn4": 1_199_882,
    "mcnn1": 540,
    "mcnn3": 3_868,
    "mcnn10": 39_330,
    "textcnn": 3_056_406,
    "toneva-mnist": 21_840,
    "regression-mlp": 4_545,
}

TREC_VOCAB = 8680
TREC_LENGTH = 40


def make_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))


def make_mcnn(k: int, in_channels: int = 3, classes: int = 10) -> nn.Module:
    """Nakkiran et al. (Deep Double Descent) 5-layer CNN for 32x32 input."""

    def block(cin: int, cout: int, pool: bool) -> list[nn.Module]:
        # Conv bias is kept even though BatchNorm follows: the reference
        # parameter counts (540 / 3,868 / 39,330) include it.
        layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=True), nn.BatchNorm2d(cout), nn.ReLU()]
        return layers + [nn.MaxPool2d(2)] if pool else layers

    return nn.Sequential(
        *block(in_channels, k, pool=False),
        *block(k, 2 * k, pool=True),
        *block(2 * k, 4 * k, pool=True),
        *block(4 * k, 8 * k, pool=True),
        nn.MaxPool2d(4),
        nn.Flatten(),
        nn.Linear(8 * k, classes),
    )


def make_cnn4() -> nn.Module:
    """Four-layer CNN of the SIGUA reproduction (MNIST), dropout 0.25 in both places as in mgdl."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(),
        nn.Conv2d(32, 64, 3), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(12 * 12 * 64, 128), nn.ReLU(), nn.Dropout(0.25),
        nn.Linear(128, 10),
    )


def make_toneva_mnist() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 10, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Conv2d(10, 20, 5), nn.MaxPool2d(2), nn.ReLU(),
        nn.Flatten(), nn.Linear(320, 50), nn.ReLU(), nn.Linear(50, 10),
    )


class TextCnn(nn.Module):
    """Embedding 300; conv heights 3, 4, 5 x 100 filters; max over time; dense 300; dropout 0.5."""

    def __init__(self) -> None:
        super().__init__()
        self.embedding = nn.Embedding(TREC_VOCAB, 300)
        self.convs = nn.ModuleList(nn.Conv1d(300, 100, h) for h in (3, 4, 5))
        self.hidden = nn.Linear(300, 300)
        self.dropout = nn.Dropout(0.5)
        self.logits = nn.Linear(300, 6)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        e = self.embedding(tokens).transpose(1, 2)  # (batch, 300, length)
        pooled = [F.relu(conv(e)).amax(dim=2) for conv in self.convs]
        return self.logits(self.dropout(F.relu(self.hidden(torch.cat(pooled, dim=1)))))


def make_regression_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))


def build(name: str) -> tuple[nn.Module, tuple[int, ...]]:
    """Return (model, per-sample input shape) for a net name; ValueError if unknown."""
    fixed = {
        "mlp": (make_mlp, (784,)),
        "cnn4": (make_cnn4, (1, 28, 28)),
        "textcnn": (TextCnn, (TREC_LENGTH,)),
        "toneva-mnist": (make_toneva_mnist, (1, 28, 28)),
        "regression-mlp": (make_regression_mlp, (4,)),
    }
    if name in fixed:
        make, shape = fixed[name]
        return make(), shape
    m = re.fullmatch(r"mcnn([1-9]\d*)", name)
    if m:
        return make_mcnn(int(m.group(1))), (3, 32, 32)
    m = re.fullmatch(r"fcnn([1-9]\d*)", name)
    if m:
        w = int(m.group(1))
        return nn.Sequential(nn.Linear(784, 16 * w), nn.ReLU(), nn.Linear(16 * w, 10)), (784,)
    raise ValueError(f"unknown net {name!r}; known nets: {KNOWN_NETS}")


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def bench(name: str, args: argparse.Namespace) -> dict:
    # Reseed per net so each result is independent of the --nets order.
    torch.manual_seed(args.seed)
    model, shape = build(name)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    if name == "textcnn":
        x = torch.randint(0, TREC_VOCAB, (args.batch, *shape))
        y = torch.randint(0, 6, (args.batch,))
    else:
        x = torch.randn(args.batch, *shape)
        y = torch.randn(args.batch, 1) if name == "regression-mlp" else torch.randint(0, 10, (args.batch,))
    loss_fn = F.mse_loss if name == "regression-mlp" else F.cross_entropy

    def step() -> None:
        # set_to_none matches the torch 2.x default, so versions compare fairly.
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
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
    p.add_argument("--nets", default="mlp,fcnn10,cnn4,mcnn3,mcnn10,textcnn,toneva-mnist,regression-mlp", help=f"comma-separated; known: {KNOWN_NETS}")
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
