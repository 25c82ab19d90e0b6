# The models of Graft's compatibility table (README.md, "Compatibility"), made as users get them:
# exported from PyTorch by torch.onnx.export, or, for converters not installed here
# (paddle2onnx, tf2onnx), synthesized with onnx's helper in the style of their output.
#
# Usage: /usr/bin/python3 compat/export_models.py OUTDIR ROW_ID...
# Needs torch 1.13, torchvision 0.14 and onnx (Debian's /usr/bin/python3). Writes per row
# OUTDIR/<id>/model.onnx and, where PyTorch is the reference, a batch of 4 (input.pb,
# labels.pb) with PyTorch's gradients of the mean cross-entropy (torch_grads/*.pb, named as
# the ONNX initializers are); and OUTDIR/manifest.json describing every row written.
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CLASSES = 10
GRAD_BATCH = 4


def count_bn_folding(net, path):
    """Parameters the file should hold after PyTorch folded BatchNorms into the convs before
    them: a folded BN (one whose weight is not in the file: DenseNet's pre-activation BNs stay)
    loses its weight and bias, and its conv (torchvision's have no bias before a BN) gains one."""
    import torch.nn as nn

    names = {t.name for t in onnx.load(path).graph.initializer}
    total = sum(p.numel() for p in net.parameters())
    for name, m in net.named_modules():
        if isinstance(m, nn.BatchNorm2d) and f"{name}.weight" not in names:
            total -= m.num_features
    return total


def pretrained_like(net):
    """Random weights with no two tensors equal, as in a trained network: a fresh one has all-zero
    biases and unit BN/LN scales, which torch.onnx.export merges into one initializer each."""
    import torch
    import torch.nn as nn

    torch.manual_seed(2)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(0.02 * torch.randn_like(p))
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)


def export_torch(row, out, net, x, *, dynamic=True, fold=True, training=None, opset=14, grads=True):
    import torch

    pretrained_like(net)
    path = os.path.join(out, "model.onnx")
    kwargs = dict(opset_version=opset, do_constant_folding=fold, input_names=["input"], output_names=["logits"])
    if dynamic:
        kwargs["dynamic_axes"] = {"input": {0: "N"}, "logits": {0: "N"}}
    if training is not None:
        kwargs["training"] = training
    torch.onnx.export(net, (x[:1] if not dynamic else x,), path, **kwargs)
    row["torchParams"] = sum(p.numel() for p in net.parameters())
    if fold and training is None:
        row["foldedParams"] = count_bn_folding(net, path)
    if grads:
        # The reference gradients, in the mode the model was exported in (eval unless
        # TrainingMode.PRESERVE kept it training).
        torch.manual_seed(1)
        y = torch.randint(0, CLASSES, (x.shape[0],))
        net.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        save(out, "input.pb", x.detach().numpy(), "input")
        save(out, "labels.pb", y.numpy(), "labels")
        os.makedirs(os.path.join(out, "torch_grads"), exist_ok=True)
        for i, (name, p) in enumerate(net.named_parameters()):
            if p.grad is not None:
                save(os.path.join(out, "torch_grads"), f"{i}.pb", p.grad.numpy(), name)
        row["grads"] = True


def save(folder, file, array, name):
    with open(os.path.join(folder, file), "wb") as f:
        f.write(numpy_helper.from_array(array, name).SerializeToString())


def images(size):
    import torch

    torch.manual_seed(0)
    return torch.randn(GRAD_BATCH, 3, size, size)


# --- PyTorch exports -------------------------------------------------------------------------


def small_vit():
    import torch
    from torchvision.models.vision_transformer import VisionTransformer

    torch.manual_seed(0)
    net = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64,
                            num_classes=CLASSES)
    with torch.no_grad():  # torchvision starts these at zero: the gradients would be trivial
        net.class_token.normal_()
        net.heads.head.weight.normal_(std=0.3)
    return net.eval()


def vit(row, out, opset=14):
    export_torch(row, out, small_vit(), images(32), fold=False, opset=opset)


def vit_static(row, out):
    export_torch(row, out, small_vit(), images(32), dynamic=False, grads=False)


def vit_opset17(row, out):
    vit(row, out, opset=17)


def small_convnext(row, out):
    import torch
    from torchvision.models.convnext import CNBlockConfig, ConvNeXt

    torch.manual_seed(0)
    net = ConvNeXt([CNBlockConfig(24, 48, 1), CNBlockConfig(48, 96, 1), CNBlockConfig(96, None, 1)],
                   layer_scale=0.5, num_classes=CLASSES)
    net.eval()
    export_torch(row, out, net, images(32), fold=False)


def convnext_tiny(row, out):
    import torch
    from torchvision.models import convnext_tiny as make

    torch.manual_seed(0)
    net = make(num_classes=CLASSES)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if name.endswith("layer_scale"):
                p.fill_(0.5)
    net.eval()
    export_torch(row, out, net, images(32), fold=False)


def mobilenet_v3_static(row, out):
    import torch
    from torchvision.models import mobilenet_v3_small

    torch.manual_seed(0)
    net = mobilenet_v3_small(num_classes=CLASSES).eval()
    export_torch(row, out, net, images(64), dynamic=False, grads=False)


def resnet18_folded(row, out):
    import torch
    from torchvision.models import resnet18

    torch.manual_seed(0)
    net = resnet18(num_classes=CLASSES).eval()
    export_torch(row, out, net, images(64), grads=False)


def resnet18_bn_kept(row, out):
    import torch
    from torchvision.models import resnet18

    torch.manual_seed(0)
    net = resnet18(num_classes=CLASSES).train()
    export_torch(row, out, net, images(64), fold=False, training=torch.onnx.TrainingMode.PRESERVE)


def efficientnet_b0(row, out):
    import torch
    from torchvision.models import efficientnet_b0 as make

    torch.manual_seed(0)
    net = make(num_classes=CLASSES).eval()
    export_torch(row, out, net, images(64), grads=False)


def squeezenet(row, out):
    import torch
    from torchvision.models import squeezenet1_1

    torch.manual_seed(0)
    net = squeezenet1_1(num_classes=CLASSES).eval()
    export_torch(row, out, net, images(64), fold=False)


def densenet121(row, out):
    import torch
    from torchvision.models import densenet121 as make

    torch.manual_seed(0)
    net = make(num_classes=CLASSES).eval()
    export_torch(row, out, net, images(32), grads=False)


def lstm_bidirectional(row, out):
    import torch
    import torch.nn as nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(8, 16, num_layers=2, bidirectional=True, batch_first=True)
            self.head = nn.Linear(32, CLASSES)

        def forward(self, x):
            y, _ = self.lstm(x)
            return self.head(y[:, -1])

    torch.manual_seed(0)
    net = Net().eval()
    x = torch.randn(GRAD_BATCH, 12, 8)
    export_torch(row, out, net, x, fold=False)


# --- Converter-style files, synthesized ------------------------------------------------------


def rand(rng, *shape):
    return (rng.standard_normal(shape) * (2.0 / np.prod(shape[1:])) ** 0.5).astype(np.float32)


def finish(row, out, graph, opset, producer, params):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name=producer)
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "model.onnx"))
    row["torchParams"] = int(sum(p.size for p in params))


def paddle_style(row, out):
    """paddle2onnx (1.x) output: weights in Constant nodes named as Paddle names its variables
    (`conv2d_0.w_0`, `batch_norm_0.w_1`...), nodes named `p2o.<Op>.<i>`, a Linear as MatMul + Add
    with the weight [in, out], a softmax at the end."""
    rng = np.random.default_rng(0)
    nodes, params = [], []
    count = {}

    def node(op, inputs, outputs, **attrs):
        i = count.get(op, 0)
        count[op] = i + 1
        nodes.append(helper.make_node(op, inputs, outputs, name=f"p2o.{op}.{i}", **attrs))

    def const(name, array, param=True):
        nodes.append(helper.make_node("Constant", [], [name], name=f"p2o.Constant.{name}",
                                      value=numpy_helper.from_array(array, name)))
        if param:
            params.append(array)

    x = "x"
    channels = [3, 8, 16, 32]
    for i in range(3):
        cin, cout = channels[i], channels[i + 1]
        const(f"conv2d_{i}.w_0", rand(rng, cout, cin, 3, 3))
        node("Conv", [x, f"conv2d_{i}.w_0"], [f"conv2d_{i}.tmp_0"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
             strides=[2, 2])
        const(f"batch_norm_{i}.w_0", (1 + 0.1 * rng.standard_normal(cout)).astype(np.float32))
        const(f"batch_norm_{i}.b_0", (0.1 * rng.standard_normal(cout)).astype(np.float32))
        const(f"batch_norm_{i}.w_1", (0.1 * rng.standard_normal(cout)).astype(np.float32), param=False)
        const(f"batch_norm_{i}.w_2", (1 + 0.1 * rng.random(cout)).astype(np.float32), param=False)
        node("BatchNormalization", [f"conv2d_{i}.tmp_0"] + [f"batch_norm_{i}.{s}" for s in ("w_0", "b_0", "w_1", "w_2")],
             [f"batch_norm_{i}.tmp_2"], epsilon=1e-5)
        node("Relu", [f"batch_norm_{i}.tmp_2"], [f"relu_{i}.tmp_0"])
        x = f"relu_{i}.tmp_0"
    node("GlobalAveragePool", [x], ["pool2d_0.tmp_0"])
    node("Flatten", ["pool2d_0.tmp_0"], ["flatten_0.tmp_0"], axis=1)
    const("linear_0.w_0", rand(rng, 32, CLASSES))
    const("linear_0.b_0", np.zeros(CLASSES, np.float32))
    node("MatMul", ["flatten_0.tmp_0", "linear_0.w_0"], ["linear_0.tmp_0"])
    node("Add", ["linear_0.tmp_0", "linear_0.b_0"], ["linear_0.tmp_1"])
    node("Softmax", ["linear_0.tmp_1"], ["softmax_0.tmp_0"], axis=-1)
    graph = helper.make_graph(
        nodes, "paddle", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["p2o.DynamicDimension.0", 3, 32, 32])],
        [helper.make_tensor_value_info("softmax_0.tmp_0", TensorProto.FLOAT, ["p2o.DynamicDimension.0", CLASSES])])
    finish(row, out, graph, 11, "PaddlePaddle", params)


def tf2onnx_style(row, out, nchw_input=False):
    """tf2onnx output of a small Keras CNN: NHWC tensors, each Conv wrapped in Transposes
    (NHWC -> NCHW -> NHWC), weights as initializers named after the TF variables'
    ReadVariableOp, global pooling as ReduceMean over H and W, Dense as MatMul + Add."""
    rng = np.random.default_rng(1)
    nodes, inits, params = [], [], []
    scope = "StatefulPartitionedCall/sequential"

    def init(name, array):
        inits.append(numpy_helper.from_array(array, name))
        params.append(array)

    if nchw_input:  # tf2onnx --inputs-as-nchw: a Transpose to NHWC right after the input
        inp = helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["unk__12", 3, 32, 32])
        nodes.append(helper.make_node("Transpose", ["input_1"], ["input_1__nhwc"], name="input_1__nhwc_transpose",
                                      perm=[0, 2, 3, 1]))
        x = "input_1__nhwc"
    else:
        inp = helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["unk__12", 32, 32, 3])
        x = "input_1"
    channels = [3, 16, 32]
    for i in range(2):
        layer = f"{scope}/conv2d" + (f"_{i}" if i else "")
        w, b = f"{layer}/Conv2D/ReadVariableOp:0", f"{layer}/BiasAdd/ReadVariableOp:0"
        init(w, rand(rng, channels[i + 1], channels[i], 3, 3))
        init(b, np.zeros(channels[i + 1], np.float32))
        nodes += [
            helper.make_node("Transpose", [x], [f"{layer}/BiasAdd__{6 * i + 1}:0"], name=f"{layer}/BiasAdd__{6 * i + 1}",
                             perm=[0, 3, 1, 2]),
            helper.make_node("Conv", [f"{layer}/BiasAdd__{6 * i + 1}:0", w, b], [f"{layer}/BiasAdd:0"],
                             name=f"{layer}/BiasAdd", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2],
                             dilations=[1, 1], group=1),
            helper.make_node("Transpose", [f"{layer}/BiasAdd:0"], [f"{layer}/BiasAdd__{6 * i + 3}:0"],
                             name=f"{layer}/BiasAdd__{6 * i + 3}", perm=[0, 2, 3, 1]),
            helper.make_node("Relu", [f"{layer}/BiasAdd__{6 * i + 3}:0"], [f"{layer}/Relu:0"], name=f"{layer}/Relu"),
        ]
        x = f"{layer}/Relu:0"
    pool = f"{scope}/global_average_pooling2d/Mean"
    nodes.append(helper.make_node("ReduceMean", [x], [pool + ":0"], name=pool, axes=[1, 2], keepdims=0))
    dense = f"{scope}/dense"
    init(f"{dense}/MatMul/ReadVariableOp:0", rand(rng, 32, CLASSES))
    init(f"{dense}/BiasAdd/ReadVariableOp:0", np.zeros(CLASSES, np.float32))
    nodes += [
        helper.make_node("MatMul", [pool + ":0", f"{dense}/MatMul/ReadVariableOp:0"], [f"{dense}/MatMul:0"],
                         name=f"{dense}/MatMul"),
        helper.make_node("Add", [f"{dense}/MatMul:0", f"{dense}/BiasAdd/ReadVariableOp:0"], [f"{dense}/BiasAdd:0"],
                         name=f"{dense}/BiasAdd"),
        helper.make_node("Softmax", [f"{dense}/BiasAdd:0"], ["dense"], name=f"{dense}/Softmax", axis=-1),
    ]
    graph = helper.make_graph(nodes, "tf2onnx", [inp], [helper.make_tensor_value_info("dense", TensorProto.FLOAT,
                                                                                        ["unk__13", CLASSES])], inits)
    finish(row, out, graph, 13, "tf2onnx", params)


def tf2onnx_style_nchw(row, out):
    tf2onnx_style(row, out, nchw_input=True)


ROWS = {
    "vit": vit,
    "vit-opset17": vit_opset17,
    "vit-static": vit_static,
    "convnext-small": small_convnext,
    "convnext-tiny": convnext_tiny,
    "mobilenet-v3-static": mobilenet_v3_static,
    "resnet18-folded": resnet18_folded,
    "resnet18-bn-kept": resnet18_bn_kept,
    "efficientnet-b0": efficientnet_b0,
    "squeezenet": squeezenet,
    "densenet121": densenet121,
    "lstm-bidirectional": lstm_bidirectional,
    "paddle-style": paddle_style,
    "tf2onnx-style": tf2onnx_style,
    "tf2onnx-style-nchw": tf2onnx_style_nchw,
}


def main():
    outdir, ids = sys.argv[1], sys.argv[2:]
    manifest = {}
    for row_id in ids:
        out = os.path.join(outdir, row_id)
        os.makedirs(out, exist_ok=True)
        row = {"grads": False}
        try:
            ROWS[row_id](row, out)
        except Exception as e:  # a row that cannot be made is reported, not fatal to the rest
            row["error"] = f"{type(e).__name__}: {e}"
        manifest[row_id] = row
    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


if __name__ == "__main__":
    main()
