#!/bin/bash
# The GPU checks, on a machine with a GPU, from the repository root, over what
# scripts/gpu-pack.mjs packed into .gpu (and Vulkan's loader as .deb files in .gl, if the
# machine lacks it). Logs and JSON results go to $OUT. Each stage has its own time limit.
OUT=${OUT:-/tmp/gpu-out}; mkdir -p $OUT
for f in .gl/*.deb; do [ -e "$f" ] && dpkg -x "$f" /; done; ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
{ nvidia-smi -L; ls /usr/local/nvidia/share/vulkan/icd.d/; ldconfig -p | grep -i vulkan; nproc; } 2>&1 | tee $OUT/env.log
NODE=/tmp/node; xz -d -c .gpu/node.xz > $NODE; chmod +x $NODE
xz -d -c .gpu/libonnxruntime.so.1.xz > .gpu/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1
[ -z "$SKIP_CHECK" ] && echo "== gradient check" && timeout ${T1:-150} $NODE .gpu/gpu-check.mjs --fixtures .gpu/fixtures --fixtures src-main/core/autodiff/testdata --out $OUT/gpu-check.json 2>&1 | tee $OUT/gpu-check.log
echo "== resnet18 export"
timeout 120 python3 - <<'PY' 2>&1 | tail -3
import torch, torchvision
m = torchvision.models.resnet18(num_classes=5).eval()
x = torch.randn(1, 3, 224, 224)
kw = dict(input_names=['input'], output_names=['logits'], dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}}, opset_version=17)
try:
    torch.onnx.export(m, x, '/tmp/resnet18.onnx', dynamo=False, **kw)
except Exception as e:
    print('torchscript export failed:', e)
    torch.onnx.export(m, x, '/tmp/resnet18.onnx', **kw)
print('exported', torch.__version__)
PY
echo "== bench"; timeout ${T2:-240} $NODE .gpu/bench-gpu.mjs --model /tmp/resnet18.onnx --batch 32 --iters ${ITERS:-5} --warmup 2 --all-cores --out $OUT/gpu.json 2>&1 | tee $OUT/bench.log
echo "== train smoke"; timeout ${T3:-120} $NODE .gpu/gpu-train-smoke.mjs --model resources/models/fashion-cnn.onnx --data .gpu/data --epochs 2 --per-class 500 2>&1 | tee $OUT/smoke.log
