# `graft gradients --trainable all` against PyTorch's autograd on torchvision's ViT and
# ConvNeXt-Tiny (issue 13), exported as users bring them: do_constant_folding=False and a
# dynamic batch. Random weights; the loss is mean cross-entropy on one batch of 4.
#
# Usage: /usr/bin/python3 scripts/gradients-vs-pytorch.py [WORKDIR]   (default /tmp/graft-grads)
# Needs torch 1.13, torchvision 0.14, onnx (Debian's /usr/bin/python3) and `npm ci`. The models
# are written to WORKDIR, never to the repository (ConvNeXt-Tiny is 110 MB).
#
# Per model it prints how many of PyTorch's parameters Graft returned a gradient for, and over
# those: the worst relative error of a gradient's norm, and the worst element error
# |graft - torch| - 1e-3 |torch| (the fixtures' tolerance: both must stay under 1e-3).
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BATCH, CLASSES = 4, 5


def vit():
    from torchvision.models.vision_transformer import VisionTransformer

    net = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64,
                            num_classes=CLASSES)
    with torch.no_grad():  # torchvision starts these at zero: the gradients would be trivial
        net.class_token.normal_()
        net.heads.head.weight.normal_(std=0.3)
    return net, 32


def convnext_tiny():
    from torchvision.models import convnext_tiny as make

    net = make(num_classes=CLASSES)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if name.endswith("layer_scale"):
                p.fill_(0.5)  # 1e-6 in torchvision: the blocks would add almost nothing
    return net, 64


def check(name, make, work):
    torch.manual_seed(0)
    net, size = make()
    net.eval()
    x = torch.randn(BATCH, 3, size, size)
    y = torch.randint(0, CLASSES, (BATCH,))
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    model = os.path.join(d, "model.onnx")
    torch.onnx.export(net, (x,), model, opset_version=14, do_constant_folding=False, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    with open(os.path.join(d, "input.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x.numpy(), "input").SerializeToString())
    with open(os.path.join(d, "labels.pb"), "wb") as f:
        f.write(numpy_helper.from_array(y.numpy(), "labels").SerializeToString())
    loss = torch.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    want = {n: p.grad.numpy() for n, p in net.named_parameters()}

    out = os.path.join(d, "graft")
    subprocess.run(["node", os.path.join(ROOT, "bin", "graft.js"), "gradients", "--model", model, "--input",
                    os.path.join(d, "input.pb"), "--labels", os.path.join(d, "labels.pb"), "--out", out,
                    "--trainable", "all"], check=True)
    got = {}
    for f in os.listdir(os.path.join(out, "grads")):
        t = onnx.TensorProto()
        with open(os.path.join(out, "grads", f), "rb") as fh:
            t.ParseFromString(fh.read())
        got[t.name] = numpy_helper.to_array(t)
    graft_loss = json.load(open(os.path.join(out, "loss.json")))["loss"]
    compared = [n for n in want if n in got]
    unknown = [n for n in got if n not in want]
    norm_err = max(abs(np.linalg.norm(got[n]) - np.linalg.norm(want[n])) / max(np.linalg.norm(want[n]), 1e-12)
                   for n in compared)
    elem_err = max(float(np.max(np.abs(got[n].reshape(want[n].shape) - want[n]) - 1e-3 * np.abs(want[n])))
                   for n in compared)
    count = lambda names: sum(want[n].size for n in names)
    print(json.dumps({
        "model": name, "input": [BATCH, 3, size, size],
        "loss": {"torch": loss.item(), "graft": graft_loss},
        "pytorch_parameters": len(want), "compared": len(compared),
        "parameters_compared": f"{count(compared):,} of {count(want):,}",
        "not_compared": len(want) - len(compared), "graft_only": unknown,
        "worst_norm_rel_err": float(norm_err), "worst_elem_err_over_tol": elem_err,
    }))


def main():
    work = sys.argv[1] if len(sys.argv) > 1 else "/tmp/graft-grads"
    check("vit", vit, work)
    check("convnext_tiny", convnext_tiny, work)


if __name__ == "__main__":
    main()
