# The static-batch models for relax-batch.test.ts, exported as PyTorch exports by default: no
# dynamic_axes, so the input and output declare the traced batch of 1.
# - torchvision's MobileNetV3-Small (random weights, width multiplier 1/8 to keep the file small,
#   10 classes), constant folding on;
# - torchvision's VisionTransformer (2 layers, 32 px, random weights), with and without constant
#   folding: the class token is expanded to the traced batch and MultiheadAttention folds the
#   batch into its views (L, N * heads, d) and (L * N, E); with PyTorch's logits for a batch of 3
#   as the truth the relaxed model must reproduce.
# Usage: /usr/bin/python3 make_static_batch.py (torch 1.13, torchvision 0.14)
import os

import torch
from onnx import numpy_helper
from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf
from torchvision.models.vision_transformer import VisionTransformer

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    torch.manual_seed(0)
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_small", width_mult=0.125)
    net = MobileNetV3(setting, last_channel, num_classes=10).eval()
    out = os.path.join(HERE, "mobilenet_v3_small_static", "model.onnx")
    torch.onnx.export(net, (torch.randn(1, 3, 64, 64),), out, input_names=["input"], output_names=["logits"])

    torch.manual_seed(0)
    vit = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64, num_classes=10).eval()
    for folded, name in ((True, "vit_static"), (False, "vit_static_unfolded")):
        os.makedirs(os.path.join(HERE, name), exist_ok=True)
        out = os.path.join(HERE, name, "model.onnx")
        torch.onnx.export(vit, (torch.randn(1, 3, 32, 32),), out, input_names=["x"], output_names=["logits"], opset_version=14, do_constant_folding=folded)
    x = torch.randn(3, 3, 32, 32)
    with torch.no_grad():
        logits = vit(x)
    for name, t in (("input", x), ("logits", logits)):
        with open(os.path.join(HERE, "vit_static", f"{name}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(t.numpy(), name).SerializeToString())


if __name__ == "__main__":
    main()
