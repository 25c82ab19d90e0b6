# The PyTorch ground truth for weights-behind-ops.test.ts: models whose weights reach their op
# through Slice/Concat/Unsqueeze/Transpose/Expand when exported without constant folding,
# and PyTorch's own gradients of their loss for one fixed batch.
#
# Usage: /usr/bin/python3 make_weights_behind_ops.py [OUT_DIR]   (torch 1.13, onnx 1.12)
#
# lstm_bidir: a bidirectional 2-layer nn.LSTM (batch_first) and a Linear on its mean over time.
#   The export reorders each W/R/B's gates (ifgo -> iofc) with Slices and Concats, and stacks
#   the two directions with Unsqueeze and Concat: no LSTM input is an initializer.
# attention_tokens: a class token Expand-ed to the batch and Concat-ed to the tokens, a
#   position embedding added, nn.MultiheadAttention (in_proj_weight read through Transpose,
#   sliced into q, k, v), LayerNorm, and a Linear head on the class token.
# Both export a symbolic batch N (dynamic_axes), opset 13.
#
# Files per folder: model.onnx; input.pb, labels.pb (TensorProto); golden.json: loss (mean
# softmax cross-entropy), logits0, and per parameter (PyTorch name = initializer name) shape
# and the full gradient, flattened.
import json
import os
import sys

import torch
from onnx import numpy_helper

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
CLASSES = 3


class BiLstm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(4, 8, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = torch.nn.Linear(16, CLASSES)

    def forward(self, x):
        y, _ = self.lstm(x)
        # The mean over time: with the last step alone the reverse direction's R would get no gradient.
        return self.fc(y.mean(1))


class AttentionTokens(torch.nn.Module):
    def __init__(self, tokens=4, dim=8):
        super().__init__()
        self.cls = torch.nn.Parameter(torch.randn(1, 1, dim))
        self.pos = torch.nn.Parameter(0.5 * torch.randn(1, tokens + 1, dim))
        self.att = torch.nn.MultiheadAttention(dim, 2, batch_first=True)
        self.norm = torch.nn.LayerNorm(dim)
        self.fc = torch.nn.Linear(dim, CLASSES)
        with torch.no_grad():
            self.att.in_proj_bias.normal_(std=0.1)  # zero in PyTorch: its gradient would say little
            self.norm.weight.add_(0.2 * torch.randn(dim))

    def forward(self, x):
        h = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1) + self.pos
        y, _ = self.att(h, h, h, need_weights=False)
        return self.fc(self.norm(h + y)[:, 0])


def write(name, model, x, labels):
    out = os.path.join(OUT, name)
    os.makedirs(out, exist_ok=True)
    model.eval()
    torch.onnx.export(model, (x,), os.path.join(out, "model.onnx"), opset_version=13, do_constant_folding=False,
                      input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    logits = model(x)
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    params = {n: {"shape": list(p.shape), "grad": [float("%.8g" % v) for v in p.grad.reshape(-1).tolist()]}
              for n, p in model.named_parameters()}
    with open(os.path.join(out, "input.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x.numpy(), "input").SerializeToString())
    with open(os.path.join(out, "labels.pb"), "wb") as f:
        f.write(numpy_helper.from_array(labels.numpy(), "labels").SerializeToString())
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump({"loss": loss.item(), "logits0": logits[0].tolist(), "params": params,
                   "numel": sum(p.numel() for p in model.parameters())}, f)


def main():
    torch.manual_seed(13)
    write("lstm_bidir", BiLstm(), torch.randn(3, 5, 4), torch.tensor([0, 2, 1]))
    write("attention_tokens", AttentionTokens(), torch.randn(3, 4, 8), torch.tensor([1, 0, 2]))


if __name__ == "__main__":
    main()
