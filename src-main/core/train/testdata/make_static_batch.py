# The static-batch model for relax-batch.test.ts: torchvision's MobileNetV3-Small (random
# weights, width multiplier 1/8 to keep the file small, 10 classes), exported as PyTorch exports
# by default: no dynamic_axes, so the input and output declare the traced batch of 1, and
# constant folding on. Usage: /usr/bin/python3 make_static_batch.py (torch 1.13, torchvision 0.14)
import os

import torch
from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    torch.manual_seed(0)
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_small", width_mult=0.125)
    net = MobileNetV3(setting, last_channel, num_classes=10).eval()
    out = os.path.join(HERE, "mobilenet_v3_small_static", "model.onnx")
    torch.onnx.export(net, (torch.randn(1, 3, 64, 64),), out, input_names=["input"], output_names=["logits"])


if __name__ == "__main__":
    main()
