#!/usr/bin/env python3
"""The PyTorch twin of one mgdl experiment cell, for `npm run bench:cell`.

Trains on the data the bench exported (the cell's own training subset with its label noise, and
its test set, normalised as the cell's batcher does), with the same batch size, epochs and Adam,
and does the same per-epoch work as the cell: per-sample correctness, loss and margin recorded at
every presentation, the test set evaluated in batches of 500, a checkpoint (weights, optimizer,
recorded history) written; then forgetting counts from the history. Prints one JSON line with
where the time went.

  python3 cell_bench.py --data DIR --model fcnn4 --epochs 40 --batch 128 --lr 1e-3 \
      --threads 1 --dir SCRATCH
"""

import argparse
import json
import os
import re
import sys
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

from torch_bench import make_mcnn, positive_float, positive_int


def build(name: str, shape: list[int], classes: int) -> nn.Module:
    m = re.fullmatch(r"(fcnn|mcnn)([1-9]\d*)", name)
    if not m:
        raise ValueError(f"unknown model {name!r}; known: fcnn<W>, mcnn<K>")
    width = int(m.group(2))
    if m.group(1) == "mcnn":
        return make_mcnn(width, in_channels=shape[2], classes=classes)
    return nn.Sequential(nn.Flatten(), nn.Linear(int(np.prod(shape)), 16 * width), nn.ReLU(), nn.Linear(16 * width, classes))


def load(data: str, split: str, shape: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.from_numpy(np.fromfile(os.path.join(data, f"{split}-x.f32"), dtype=np.float32).reshape(-1, *shape))
    y = torch.from_numpy(np.fromfile(os.path.join(data, f"{split}-y.i32"), dtype=np.int32).astype(np.int64))
    # NHWC as exported; convolutions take NCHW.
    return (x.permute(0, 3, 1, 2).contiguous() if len(shape) == 3 else x), y


def per_sample(logits: torch.Tensor, y: torch.Tensor, loss: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Correctness, loss and margin (gold logit minus the largest other) of each sample."""
    gold = logits.gather(1, y[:, None])[:, 0]
    others = logits.scatter(1, y[:, None], float("-inf")).amax(dim=1)
    return logits.argmax(dim=1) == y, loss, gold - others


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--epochs", type=positive_int, required=True)
    p.add_argument("--batch", type=positive_int, default=128)
    p.add_argument("--lr", type=positive_float, default=1e-3)
    p.add_argument("--threads", type=positive_int, default=1)
    p.add_argument("--eval-batch", type=positive_int, default=500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dir", required=True, help="scratch folder for the checkpoint")
    args = p.parse_args()

    start = time.perf_counter()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    meta = json.load(open(os.path.join(args.data, "meta.json")))
    shape = meta["sampleShape"]
    x, y = load(args.data, "train", shape)
    test_x, test_y = load(args.data, "test", shape)
    model = build(args.model, shape, meta["classes"])
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    n = len(y)
    correct = np.zeros((args.epochs, n), dtype=np.uint8)
    losses = np.zeros((args.epochs, n), dtype=np.float32)
    margins = np.zeros((args.epochs, n), dtype=np.float32)
    rng = np.random.default_rng(args.seed)
    times = {"setup": time.perf_counter() - start, "steps": 0.0, "evaluation": 0.0, "checkpoint": 0.0}
    accuracy = 0.0

    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        model.train()
        order = torch.from_numpy(rng.permutation(n))
        for first in range(0, n, args.batch):
            idx = order[first : first + args.batch]
            logits = model(x[idx])
            loss = F.cross_entropy(logits, y[idx], reduction="none")
            opt.zero_grad(set_to_none=True)
            loss.mean().backward()
            opt.step()
            hit, value, margin = per_sample(logits.detach(), y[idx], loss.detach())
            correct[epoch, idx.numpy()] = hit.numpy()
            losses[epoch, idx.numpy()] = value.numpy()
            margins[epoch, idx.numpy()] = margin.numpy()
        t1 = time.perf_counter()
        model.eval()
        hits = 0
        with torch.no_grad():
            for first in range(0, len(test_y), args.eval_batch):
                logits = model(test_x[first : first + args.eval_batch])
                hits += int((logits.argmax(dim=1) == test_y[first : first + args.eval_batch]).sum())
        accuracy = hits / len(test_y)
        t2 = time.perf_counter()
        state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch + 1, "correct": correct[: epoch + 1]}
        torch.save(state, os.path.join(args.dir, "checkpoint.pt"))
        t3 = time.perf_counter()
        times["steps"] += t1 - t0
        times["evaluation"] += t2 - t1
        times["checkpoint"] += t3 - t2

    t4 = time.perf_counter()
    # Forgetting events: a presentation misclassified right after a correct one.
    forgotten = ((correct[:-1] == 1) & (correct[1:] == 0)).sum(axis=0)
    never_learned = int((correct.max(axis=0) == 0).sum())
    times["wrapUp"] = time.perf_counter() - t4
    times["total"] = time.perf_counter() - start
    print(json.dumps({"torch": torch.__version__, "threads": args.threads, "epochs": args.epochs, "testAccuracy": accuracy, "forgettingEvents": int(forgotten.sum()), "neverLearned": never_learned, **times}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
