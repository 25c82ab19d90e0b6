# PyTorch's ground truth for batch norm with batch statistics (batch-stats.test.ts): a network
# exported with training=TrainingMode.PRESERVE (BatchNormalization with training_mode=1 and its
# running-statistic outputs) and do_constant_folding=False, and, for one fixed batch, what
# model.train() computes: the loss, every parameter's gradient, and the running statistics
# after the step (momentum 0.1, unbiased variance); plus model.eval()'s loss and gradients.
#
# Usage: /usr/bin/python3 make_batchnorm.py OUT_DIR [small|resnet18]
#   small    (committed as testdata/batchnorm_net): Conv-BN-ReLU twice, a 1x1 Conv-BN
#            branch added back, GlobalAveragePool, Linear, BatchNorm1d on [N, C], Linear;
#            input [6, 3, 8, 8], 3 classes, symbolic batch.
#   resnet18 torchvision's ResNet-18 (random weights, statistics randomized), 5 classes, input
#            [4, 3, 32, 32]: 45 MB, so the test makes it when this Python is present.
#
# Files: model.onnx, input.pb, labels.pb (TensorProto); golden.json: train {loss, logits0,
# params: name -> {shape, grad}, running: onnx initializer name -> values after the step},
# eval {loss, params}.
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper


class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(8)
        self.branch = torch.nn.Conv2d(8, 8, 1, bias=False)
        self.bn3 = torch.nn.BatchNorm2d(8, eps=1e-3, momentum=0.2)
        self.fc1 = torch.nn.Linear(8, 6)
        self.bn4 = torch.nn.BatchNorm1d(6)
        self.fc2 = torch.nn.Linear(6, 3)

    def forward(self, x):
        h = torch.relu(self.bn1(self.conv1(x)))
        h = torch.relu(self.bn2(self.conv2(h)) + self.bn3(self.branch(h)))
        h = torch.flatten(torch.nn.functional.adaptive_avg_pool2d(h, 1), 1)
        return self.fc2(torch.relu(self.bn4(self.fc1(h))))


def randomize_bn(model):
    # Trained-looking statistics and affine parameters, so no value is a default.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.running_mean.normal_(std=0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(std=0.2)


def bn_stat_names(model, onnx_model):
    """PyTorch buffer name -> ONNX initializer name (the export keeps buffer names)."""
    inits = {i.name for i in onnx_model.graph.initializer}
    out = {}
    for name, _ in model.named_buffers():
        if name.endswith("running_mean") or name.endswith("running_var"):
            assert name in inits, name
            out[name] = name
    return out


def grads_of(model, x, labels):
    model.zero_grad()
    logits = model(x)
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    params = {n: {"shape": list(p.shape), "grad": [float("%.8g" % v) for v in p.grad.reshape(-1).tolist()]}
              for n, p in model.named_parameters()}
    return logits, loss, params


def main():
    out, which = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "small")
    torch.manual_seed(3)
    if which == "small":
        model, x, classes = Small(), torch.randn(6, 3, 8, 8) * 2 + 0.5, 3
    else:
        import torchvision
        model, x, classes = torchvision.models.resnet18(num_classes=5), torch.randn(4, 3, 32, 32), 5
    randomize_bn(model)
    labels = torch.randint(0, classes, (x.shape[0],))
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    model.train()
    torch.onnx.export(model, (x,), path, opset_version=14, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    exported = onnx.load(path)
    names = bn_stat_names(model, exported)
    # The export itself ran a forward pass in train mode: put the statistics back as exported.
    with torch.no_grad():
        stored = {i.name: numpy_helper.to_array(i) for i in exported.graph.initializer}
        for name, buf in model.named_buffers():
            if name in stored:
                buf.copy_(torch.from_numpy(stored[name].copy()))

    model.eval()
    _, eval_loss, eval_params = grads_of(model, x, labels)
    model.train()
    logits, loss, params = grads_of(model, x, labels)
    buffers = dict(model.named_buffers())
    running = {names[n]: [float("%.8g" % v) for v in buffers[n].reshape(-1).tolist()] for n in names}
    with open(os.path.join(out, "input.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x.numpy(), "input").SerializeToString())
    with open(os.path.join(out, "labels.pb"), "wb") as f:
        f.write(numpy_helper.from_array(labels.numpy(), "labels").SerializeToString())
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump({"train": {"loss": loss.item(), "logits0": logits[0].tolist(), "params": params, "running": running},
                   "eval": {"loss": eval_loss.item(), "params": eval_params}}, f)
    print(which, "ops:", " ".join(sorted({n.op_type for n in exported.graph.node})), "loss", loss.item())


if __name__ == "__main__":
    main()
