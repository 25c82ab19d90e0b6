"""One training step of torchvision's ResNet-18 (forward + backward + SGD momentum update),
timed the way bench/train-step.ts times Graft's compiled step. Prints one JSON object.

Two architectures:
  standard  torchvision resnet18(num_classes=5) with its BatchNorm layers, model.train()
            (the plain PyTorch transfer-learning recipe)
  folded    the same network with BatchNorm folded away: every conv has a bias and the BN
            layers are Identity. This is the architecture of the ONNX fixture Graft trains.

Three trainable sets: head (fc), layer4 + head, all. Frozen parameters get
requires_grad=False, so autograd prunes the backward pass exactly as the recipe does.

Standalone it times each configuration in turn; with --serve, bench/train-step.ts drives it
step by step, interleaved with Graft's steps.

  /usr/bin/python3 bench/pytorch/train_step.py [--serve] [--batch 16] [--size 224] [--warmup 2] [--iters 5]
      [--threads 2] [--lr 1e-4] [--archs standard,folded] [--configs head,layer4+head,all]
"""
import argparse
import gc
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torchvision

CONFIGS = {
    "head": lambda name: name.startswith("fc."),
    "layer4+head": lambda name: name.startswith("fc.") or name.startswith("layer4."),
    "all": lambda name: True,
}


def fold_bn(model: nn.Module) -> nn.Module:
    """Replaces each Conv2d (no bias) + BatchNorm2d pair by a Conv2d with bias, BN -> Identity.
    Weights are the BN-folded ones (eval statistics), as in the ONNX export."""
    model.eval()
    pairs = [("conv1", "bn1")]
    for lname in ("layer1", "layer2", "layer3", "layer4"):
        for i, _ in enumerate(getattr(model, lname)):
            pre = f"{lname}.{i}"
            pairs += [(f"{pre}.conv1", f"{pre}.bn1"), (f"{pre}.conv2", f"{pre}.bn2")]
            if getattr(model, lname)[i].downsample is not None:
                pairs.append((f"{pre}.downsample.0", f"{pre}.downsample.1"))

    def get(path):
        m = model
        for p in path.split("."):
            m = m[int(p)] if p.isdigit() else getattr(m, p)
        return m

    def put(path, new):
        parent_path, _, leaf = path.rpartition(".")
        parent = get(parent_path) if parent_path else model
        if leaf.isdigit():
            parent[int(leaf)] = new
        else:
            setattr(parent, leaf, new)

    with torch.no_grad():
        for cpath, bpath in pairs:
            conv, bn = get(cpath), get(bpath)
            scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
            fused = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                              conv.padding, conv.dilation, conv.groups, bias=True)
            fused.weight.copy_(conv.weight * scale.reshape(-1, 1, 1, 1))
            fused.bias.copy_(bn.bias - bn.running_mean * scale)
            put(cpath, fused)
            put(bpath, nn.Identity())
    return model


def build(arch: str) -> nn.Module:
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=5)
    if arch == "folded":
        model = fold_bn(model)
    model.train()
    return model


def make_step(arch: str, config: str, batch: int, size: int, lr: float):
    """The model, optimizer and fixed batch of one configuration; returns (step, trainable)."""
    model = build(arch)
    select = CONFIGS[config]
    for name, p in model.named_parameters():
        p.requires_grad_(select(name))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(1)
    x = torch.randn(batch, 3, size, size, generator=g)
    y = torch.randint(0, 5, (batch,), generator=g)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step, sum(p.numel() for p in params)


def timed(step):
    t0 = time.perf_counter()
    loss = step()
    return time.perf_counter() - t0, loss


def run(arch: str, config: str, batch: int, size: int, warmup: int, iters: int, lr: float) -> dict:
    step, trainable = make_step(arch, config, batch, size, lr)
    for _ in range(warmup):
        step()
    times, losses = [], []
    for _ in range(iters):
        t, loss = timed(step)
        times.append(t)
        losses.append(loss)
    med = statistics.median(times)
    return {
        "arch": arch,
        "config": config,
        "trainableParams": trainable,
        "medianStepMs": med * 1000,
        "minStepMs": min(times) * 1000,
        "stepsMs": [t * 1000 for t in times],
        "imagesPerSec": batch / med,
        "losses": losses,
    }


def serve(a):
    """Line protocol for bench/train-step.ts, which interleaves these steps with its own so
    that both sides see the same load from the rest of the machine. One JSON object a line:
      {"cmd": "setup", "key": k, "arch": ..., "config": ...} -> {"trainableParams": n}
      {"cmd": "step", "key": k}                             -> {"ms": t, "loss": l}
      {"cmd": "drop", "key": k}                             -> {}
    """
    steps = {}
    print(json.dumps({"torch": torch.__version__, "torchvision": torchvision.__version__,
                      "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        msg = json.loads(line)
        try:
            if msg["cmd"] == "setup":
                step, trainable = make_step(msg["arch"], msg["config"], a.batch, a.size, a.lr)
                steps[msg["key"]] = step
                reply = {"trainableParams": trainable}
            elif msg["cmd"] == "step":
                t, loss = timed(steps[msg["key"]])
                reply = {"ms": t * 1000, "loss": loss}
            elif msg["cmd"] == "drop":
                steps.pop(msg["key"], None)
                gc.collect()
                reply = {}
            else:
                reply = {"error": f"unknown command {msg['cmd']}"}
        except Exception as e:  # report, keep serving
            reply = {"error": repr(e)}
        print(json.dumps(reply), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--archs", default="standard,folded")
    ap.add_argument("--configs", default="head,layer4+head,all")
    ap.add_argument("--serve", action="store_true", help="line protocol on stdin/stdout (see serve)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.serve:
        return serve(a)
    results = []
    for arch in a.archs.split(","):
        for config in a.configs.split(","):
            r = run(arch, config, a.batch, a.size, a.warmup, a.iters, a.lr)
            print(f"[pytorch] {arch:8s} {config:12s} {r['imagesPerSec']:6.2f} images/s", file=sys.stderr, flush=True)
            results.append(r)
    print(json.dumps({
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "threads": torch.get_num_threads(),
        "batch": a.batch,
        "size": a.size,
        "warmup": a.warmup,
        "iters": a.iters,
        "lr": a.lr,
        "results": results,
    }))


if __name__ == "__main__":
    main()
