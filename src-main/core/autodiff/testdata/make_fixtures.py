# The PyTorch ground truth for modern-block.test.ts: two small networks made of the ops that
# torchvision's ViT and ConvNeXt export to, exported without constant folding, and PyTorch's
# own autograd gradients of their loss for one fixed batch.
#
# Usage: /usr/bin/python3 make_fixtures.py   (torch 1.13, onnx 1.12; writes modern_block/, tiny_vit/)
#
# tiny_vit: torchvision's VisionTransformer itself (16x16 images, 4x4 patches, 2 layers, width
# 16), exported at opset 14 as users bring it: LayerNorm decomposed into ReduceMean, Sub, Pow,
# Sqrt, Div; GELU as Erf; the packed qkv projection chunked by Slices whose bounds are computed
# from shapes; the class token Expand-ed to the batch.
#
# modern_block: a ViT-like block written for the rules' sake, on patches x [N, 4, 6]:
#   Dense patch embedding -> class token Expand + Concat -> + position embedding
#   -> LayerNorm (LayerNormalization, opset 17) -> 2-head attention (4-D batched MatMul,
#   Softmax) -> residual -> hand-written LayerNorm (ReduceMean, Sub, Pow, Sqrt, Div: what
#   torch.onnx.export emits for nn.LayerNorm at opset 14) -> MLP: GELU exact (Erf), GELU tanh
#   (Tanh, Pow), fused Gelu-20 both modes -> Where (leaky ReLU) and Max of two branches
#   -> + token mean Expand-ed back over the tokens -> + GroupNorm (InstanceNormalization inside)
#   -> [class token, amax over tokens] -> PReLU -> head.
# Dense layers keep their weight [in, out] and compute x @ w + b, so the export reads each
# weight straight into MatMul (nn.Linear on 3-D input would read it through a Transpose).
#
# Batches of modern_block and tiny_vit stay fixed (PyTorch's default export, 5 and 4).
# tiny_vit_dynamic and tiny_convnext_dynamic are exported with a symbolic batch N (dynamic_axes)
# and a batch of 3: the class token's Expand must keep N (shape inference once gave it 1, and
# the residual Add's gradient was then summed over the batch; issue 13, item 2).
#
# The fused Gelu is exported through a custom domain and renamed afterwards, and the model's
# opset raised from 17 to 20 (ReduceMean/ReduceMax take their axes as an input from 18).
#
# Files per folder: model.onnx; input.pb, labels.pb (TensorProto); golden.json: loss (mean softmax
# cross-entropy of the logits against the labels), logits0 (the first sample's logits) and,
# for every parameter (by its PyTorch name, which the export keeps), shape and the full
# gradient dLoss/dparam (flattened).
import json
import math
import os

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENS, PATCH, DIM, HEADS, HIDDEN, CLASSES, BATCH = 4, 6, 8, 2, 16, 3, 5


class FusedGelu(torch.autograd.Function):
    """F.gelu, exported as one Gelu node (opset 20) instead of its decomposition."""

    @staticmethod
    def forward(ctx, x, approximate):
        return torch.nn.functional.gelu(x, approximate=approximate)

    @staticmethod
    def symbolic(g, x, approximate):
        return g.op("graft::Gelu", x, approximate_s=approximate)


def fused_gelu(x, approximate):
    # The custom Function has no backward: PyTorch's gradients come from F.gelu itself.
    return FusedGelu.apply(x, approximate) if torch.onnx.is_in_onnx_export() else torch.nn.functional.gelu(x, approximate=approximate)


class Dense(torch.nn.Module):
    def __init__(self, fan_in, fan_out):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(fan_in, fan_out) / math.sqrt(fan_in))
        self.bias = torch.nn.Parameter(torch.randn(fan_out) * 0.1)

    def forward(self, x):
        return x @ self.weight + self.bias


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = Dense(PATCH, DIM)
        self.cls = torch.nn.Parameter(torch.randn(1, 1, DIM) * 0.5)
        self.pos = torch.nn.Parameter(torch.randn(1, TOKENS + 1, DIM) * 0.5)
        self.norm1 = torch.nn.LayerNorm(DIM)
        self.qkv = Dense(DIM, 3 * DIM)
        self.proj = Dense(DIM, DIM)
        self.norm2_weight = torch.nn.Parameter(1 + 0.2 * torch.randn(DIM))
        self.norm2_bias = torch.nn.Parameter(0.2 * torch.randn(DIM))
        self.fc1 = Dense(DIM, HIDDEN)
        self.fc2 = Dense(HIDDEN, HIDDEN)
        self.fc3 = Dense(HIDDEN, HIDDEN)
        self.fc4 = Dense(HIDDEN, DIM)
        self.branch = Dense(DIM, DIM)
        self.group_norm = torch.nn.GroupNorm(2, DIM)
        self.prelu = torch.nn.PReLU(init=0.2)
        self.head = torch.nn.Linear(2 * DIM, CLASSES)
        with torch.no_grad():
            self.group_norm.weight.add_(0.2 * torch.randn(DIM))
            self.group_norm.bias.add_(0.2 * torch.randn(DIM))
            self.norm1.weight.add_(0.2 * torch.randn(DIM))
            self.norm1.bias.add_(0.2 * torch.randn(DIM))

    def forward(self, x):
        n = x.shape[0]
        h = self.embed(x)
        h = torch.cat([self.cls.expand(n, -1, -1), h], dim=1) + self.pos
        # attention
        qkv = self.qkv(self.norm1(h)).reshape(n, TOKENS + 1, 3, HEADS, DIM // HEADS).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(DIM // HEADS), dim=-1)
        h = h + self.proj((attn @ v).transpose(1, 2).reshape(n, TOKENS + 1, DIM))
        # LayerNorm written out, as the opset-14 export decomposes it
        mean = h.mean(-1, keepdim=True)
        var = (h - mean).pow(2).mean(-1, keepdim=True)
        y = (h - mean) / torch.sqrt(var + 1e-5) * self.norm2_weight + self.norm2_bias
        # MLP with every GELU form
        y = torch.nn.functional.gelu(self.fc1(y))
        y = torch.nn.functional.gelu(self.fc2(y), approximate="tanh")
        y = fused_gelu(self.fc3(y), "none")
        y = fused_gelu(self.fc4(y), "tanh")
        y = torch.where(y > 0, y, 0.1 * y)
        h = h + torch.maximum(y, self.branch(y))
        h = h + 0.5 * h.mean(1, keepdim=True).expand_as(h)
        # GroupNorm over channels [N, C, T] exports as Reshape, InstanceNormalization, Reshape, Mul, Add
        h = h + self.group_norm(h.transpose(1, 2)).transpose(1, 2)
        pooled = torch.cat([h[:, 0], h.amax(dim=1)], dim=1)
        # PReLU on 2-D input: the export reads its slope directly (on more dims, through Unsqueeze)
        return self.head(self.prelu(pooled))


def to_opset20(model):
    """Renames graft::Gelu to the standard Gelu, and moves Reduce* axes to an input (opset 18)."""
    g = model.graph
    for node in g.node:
        if node.domain == "graft":
            node.domain = ""
        if node.op_type in ("ReduceMean", "ReduceMax", "ReduceMin") and any(a.name == "axes" for a in node.attribute):
            axes = next(a for a in node.attribute if a.name == "axes")
            name = node.name + "_axes"
            g.initializer.append(numpy_helper.from_array(np.array(list(axes.ints), dtype="int64"), name))
            node.input.append(name)
            node.attribute.remove(axes)
    del model.opset_import[:]
    model.opset_import.append(helper.make_opsetid("", 20))
    model.ir_version = 9
    return model


def write_fixture(name, model, x, labels, opset, postprocess=None, dynamic_batch=False):
    out = os.path.join(HERE, name)
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "model.onnx")
    dynamic_axes = {"input": {0: "N"}, "logits": {0: "N"}} if dynamic_batch else None
    torch.onnx.export(model, (x,), path, opset_version=opset, do_constant_folding=False, input_names=["input"],
                      output_names=["logits"], custom_opsets={"graft": 1}, dynamic_axes=dynamic_axes)
    if postprocess:
        onnx.save(postprocess(onnx.load(path)), path)
    print(name, "ops:", " ".join(sorted({n.op_type for n in onnx.load(path).graph.node})))

    logits = model(x)
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    # Names as the export spells its initializers (PyTorch names; equal ones share one initializer).
    params = {n: {"shape": list(p.shape), "grad": [float("%.8g" % v) for v in p.grad.reshape(-1).tolist()]}
              for n, p in model.named_parameters()}
    with open(os.path.join(out, "input.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x.numpy(), "input").SerializeToString())
    with open(os.path.join(out, "labels.pb"), "wb") as f:
        f.write(numpy_helper.from_array(labels.numpy(), "labels").SerializeToString())
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump({"loss": loss.item(), "logits0": logits[0].tolist(), "params": params}, f)


def tiny_vit():
    from torchvision.models.vision_transformer import VisionTransformer

    vit = VisionTransformer(image_size=16, patch_size=4, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32,
                            num_classes=CLASSES)
    with torch.no_grad():
        # Trained-looking values where torchvision starts at zero (class token, head).
        vit.class_token.normal_()
        vit.heads.head.weight.normal_(std=0.3)
        vit.heads.head.bias.normal_(std=0.1)
    return vit.eval()


def tiny_convnext():
    from torchvision.models.convnext import CNBlockConfig, ConvNeXt

    # torchvision's ConvNeXt with two tiny stages: LayerNorm2d (Permute, decomposed LayerNorm),
    # depthwise 7x7 Conv, Linear + GELU (Erf) on channels-last, layer scale, downsampling.
    net = ConvNeXt([CNBlockConfig(8, 16, 1), CNBlockConfig(16, None, 1)], num_classes=CLASSES)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if name.endswith("layer_scale"):
                p.normal_(std=0.5)  # 1e-6 in torchvision: the blocks would add nothing
            elif name.endswith("bias"):
                p.normal_(std=0.1)
    return net.eval()


def main():
    torch.manual_seed(13)
    block = Block().eval()
    write_fixture("modern_block", block, torch.randn(BATCH, TOKENS, PATCH), torch.randint(0, CLASSES, (BATCH,)), 17,
                  to_opset20)
    torch.manual_seed(14)
    vit = tiny_vit()
    write_fixture("tiny_vit", vit, torch.randn(4, 3, 16, 16), torch.randint(0, CLASSES, (4,)), 14)
    # The same ViT with a symbolic batch (dynamic_axes), as people export for training.
    torch.manual_seed(15)
    vit = tiny_vit()
    write_fixture("tiny_vit_dynamic", vit, torch.randn(3, 3, 16, 16), torch.randint(0, CLASSES, (3,)), 14,
                  dynamic_batch=True)
    torch.manual_seed(16)
    write_fixture("tiny_convnext_dynamic", tiny_convnext(), torch.randn(3, 3, 16, 16), torch.randint(0, CLASSES, (3,)),
                  14, dynamic_batch=True)


if __name__ == "__main__":
    main()
