#!/usr/bin/env python3
"""PyTorch CPU reference for mgdl's kernel GFLOP/s bench: the same products at the same shapes.

Reads the kernels as JSON on stdin (tfjs layouts: matmul [m,k]x[k,n], conv2d NHWC x and [kh,kw,c,f]
filter; converted to PyTorch's NCHW / [f,c,kh,kw] here) and prints one JSON line per kernel and mode
with the median seconds per call.

  echo '{"threads":1,"seconds":1,"kernels":[...]}' | python3 kernel_flops.py
"""

import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def tensors(kernel):
    gen = torch.Generator().manual_seed(1)
    if kernel["op"] == "matmul":
        return torch.randn(kernel["a"], generator=gen) * 0.1, torch.randn(kernel["b"], generator=gen) * 0.1
    n, h, w, c = kernel["a"]
    kh, kw, c2, f = kernel["b"]
    return torch.randn(n, c, h, w, generator=gen) * 0.1, torch.randn(f, c2, kh, kw, generator=gen) * 0.1


def forward_fn(kernel):
    if kernel["op"] == "matmul":
        return torch.matmul
    padding = kernel["padding"]
    return lambda x, w: F.conv2d(x, w, padding=padding)


def seconds_per_call(kernel, mode, seconds):
    a, b = tensors(kernel)
    forward = forward_fn(kernel)
    if mode == "train":
        a.requires_grad_(True)
        b.requires_grad_(True)

    def call():
        if mode == "forward":
            with torch.no_grad():
                forward(a, b)
        else:
            out = forward(a, b)
            torch.autograd.grad(out, (a, b), torch.ones_like(out))

    call()
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < seconds and len(times) < 1000):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    for kernel in spec["kernels"]:
        for mode in spec["modes"]:
            print(json.dumps({"name": kernel["name"], "mode": mode, "seconds": seconds_per_call(kernel, mode, spec["seconds"])}), flush=True)


if __name__ == "__main__":
    main()
