"""The PyTorch side of bench/train-run.ts: the standard transfer-learning recipe a user writes.

torchvision ImageFolder + Resize/CenterCrop/ToTensor/Normalize + DataLoader, a torchvision
ResNet-18 whose weights come from the same ONNX file Graft trains (BatchNorm is folded into
the convolutions there, so here the convs get a bias and BN is Identity), a new Linear head,
requires_grad=False on the frozen parameters, SGD with momentum, cross-entropy, and the
validation set evaluated after every epoch.

    /usr/bin/python3 bench/pytorch/train_run.py --data DIR --onnx MODEL.onnx \
        --strategy feature-extraction|fine-tune:1 [--epochs 10 --batch 32 --lr 0.01 --workers 0]

Prints progress lines on stderr and one JSON object on stdout at the end.
"""
import argparse
import json
import resource
import sys
import time

T_START = time.perf_counter()

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import numpy_helper  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torchvision  # noqa: E402
from torchvision import datasets, transforms  # noqa: E402

T_IMPORTED = time.perf_counter()


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def folded_resnet18(num_classes):
    """torchvision's ResNet-18 with BatchNorm folded away: convs with bias, BN -> Identity."""
    model = torchvision.models.resnet18(num_classes=num_classes, norm_layer=nn.Identity)
    for m in model.modules():
        if isinstance(m, nn.Conv2d) and m.bias is None:
            m.bias = nn.Parameter(torch.zeros(m.out_channels))
    return model


def load_onnx_weights(model, path):
    """Copies the ONNX initializers into the model by name, all but the head (fc)."""
    inits = {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
    state = model.state_dict()
    loaded = 0
    for name, value in state.items():
        if name.startswith('fc.'):
            continue
        if name not in inits:
            raise SystemExit(f'{name} is not an initializer of {path}')
        array = inits[name]
        if tuple(array.shape) != tuple(value.shape):
            raise SystemExit(f'{name}: shape {array.shape} in the ONNX file, {tuple(value.shape)} in the model')
        value.copy_(torch.from_numpy(np.array(array, dtype=np.float32)))
        loaded += 1
    return loaded


def eval_transform(size):
    """The recipe's preprocessing: resize, centre crop, ImageNet normalisation."""
    return transforms.Compose([
        transforms.Resize(size),
        transforms.CenterCrop(size),
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ])


def calibrate(args):
    """Writes a copy of the ONNX model whose conv weights are rescaled so that every conv's
    output has zero mean and unit variance per channel on (a sample of) the training images:
    batch norm folded with statistics measured on the data, as a pretrained network's folded BN
    would be. The random-init fixture's activations otherwise grow to std ~6 at layer4 and
    plain SGD at lr 0.01 diverges on both sides, which makes the accuracy comparison void."""
    torch.set_num_threads(args.threads)
    tf = eval_transform(args.size)
    train_set = datasets.ImageFolder(f'{args.data}/train', tf)
    step = max(1, len(train_set) // args.calibration_images)
    x = torch.stack([train_set[i][0] for i in range(0, len(train_set), step)][:args.calibration_images])
    model = folded_resnet18(len(train_set.classes))
    load_onnx_weights(model, args.onnx)
    model.eval()

    class Stop(Exception):
        pass

    names = []
    for name, conv in model.named_modules():
        if not isinstance(conv, nn.Conv2d):
            continue
        seen = {}

        def hook(_m, _i, out, seen=seen):
            seen['out'] = out
            raise Stop()

        handle = conv.register_forward_hook(hook)
        try:
            with torch.no_grad():
                model(x)
        except Stop:
            pass
        handle.remove()
        out = seen['out']
        mean = out.mean(dim=(0, 2, 3))
        std = out.std(dim=(0, 2, 3)).clamp_min(1e-5)
        with torch.no_grad():
            conv.weight.div_(std.view(-1, 1, 1, 1))
            conv.bias.copy_((conv.bias - mean) / std)
        names.append(name)
    proto = onnx.load(args.onnx)
    state = model.state_dict()
    for t in proto.graph.initializer:
        if t.name in state and not t.name.startswith('fc.'):
            t.CopyFrom(numpy_helper.from_array(state[t.name].numpy().astype(np.float32), t.name))
    onnx.save(proto, args.calibrate)
    with torch.no_grad():
        feats = torch.flatten(model.avgpool(model.layer4(model.layer3(model.layer2(model.layer1(model.maxpool(model.relu(model.conv1(x)))))))), 1)
    log(f'calibrated {len(names)} convs on {len(x)} images; pooled features: mean {feats.mean().item():.3f}, std {feats.std().item():.3f}')


def unfold_bn(args):
    """Writes the (calibrated) folded model as a torchvision ResNet-18 WITH batch norm, for the
    batch-statistics rows: each conv keeps its weight, the BN after it holds the folded bias as
    beta with running mean 0, variance 1 - eps and gamma 1, so it computes what the folded model
    computes. Exported in training mode (TrainingMode.PRESERVE, opset 14, no constant folding),
    as a user exports a network to fine-tune with batch statistics."""
    inits = {t.name: numpy_helper.to_array(t) for t in onnx.load(args.onnx).graph.initializer}
    fc = inits['fc.weight'].shape[0]
    folded = folded_resnet18(fc)
    load_onnx_weights(folded, args.onnx)
    model = torchvision.models.resnet18(num_classes=fc)
    fstate = folded.state_dict()
    with torch.no_grad():
        for name, conv in model.named_modules():
            if not isinstance(conv, nn.Conv2d):
                continue
            conv.weight.copy_(fstate[f'{name}.weight'])
            bn = model.get_submodule(name.replace('downsample.0', 'downsample.1').replace('conv', 'bn'))
            bn.running_mean.zero_()
            bn.running_var.fill_(1 - bn.eps)
            bn.weight.fill_(1)
            bn.bias.copy_(fstate[f'{name}.bias'])
        model.fc.weight.copy_(torch.from_numpy(inits['fc.weight']))
        model.fc.bias.copy_(torch.from_numpy(inits['fc.bias']))
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    x = torch.randn(2, 3, args.size, args.size)
    torch.onnx.export(model, (x,), args.unfold_bn, opset_version=14, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE, input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}})
    # The export's own forward pass moved the running statistics: write the saved ones.
    proto = onnx.load(args.unfold_bn)
    for t in proto.graph.initializer:
        if t.name in saved:
            t.CopyFrom(numpy_helper.from_array(saved[t.name].numpy().astype(np.float32), t.name))
    onnx.save(proto, args.unfold_bn)
    log(f'unfolded batch norm: {sum(isinstance(m, nn.BatchNorm2d) for m in model.modules())} BatchNorm2d, exported in training mode')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True, help='folder with train/<class>/ and val/<class>/')
    ap.add_argument('--onnx', required=True, help='weights (initializer names as torchvision)')
    ap.add_argument('--strategy', default='feature-extraction', choices=['feature-extraction', 'fine-tune:1'])
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=0.01)
    ap.add_argument('--momentum', type=float, default=0.9)
    ap.add_argument('--workers', type=int, default=0)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--size', type=int, default=224)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--max-batches', type=int, default=0, help='stop each epoch after this many batches (probing only)')
    ap.add_argument('--calibrate', metavar='OUT.onnx', help='write the model with data-calibrated folded BN and exit')
    ap.add_argument('--calibration-images', type=int, default=32)
    ap.add_argument('--unfold-bn', metavar='OUT.onnx', help='write the model as a ResNet-18 with batch norm (training-mode export) and exit')
    args = ap.parse_args()
    if args.calibrate:
        calibrate(args)
        return
    if args.unfold_bn:
        unfold_bn(args)
        return

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    tf = eval_transform(args.size)
    train_set = datasets.ImageFolder(f'{args.data}/train', tf)
    val_set = datasets.ImageFolder(f'{args.data}/val', tf)
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=args.batch, shuffle=True, num_workers=args.workers)
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=args.batch, shuffle=False, num_workers=args.workers)
    num_classes = len(train_set.classes)

    model = folded_resnet18(num_classes)
    loaded = load_onnx_weights(model, args.onnx)

    # Freeze everything, then unfreeze what the strategy trains.
    for p in model.parameters():
        p.requires_grad = False
    trainable = [model.fc] if args.strategy == 'feature-extraction' else [model.layer4, model.fc]
    for module in trainable:
        for p in module.parameters():
            p.requires_grad = True
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(params, lr=args.lr, momentum=args.momentum)
    criterion = nn.CrossEntropyLoss()
    t_ready = time.perf_counter()

    epochs = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        total_loss, correct, seen = 0.0, 0, 0
        for i, (x, y) in enumerate(train_loader):
            if args.max_batches and i >= args.max_batches:
                break
            optimizer.zero_grad()
            logits = model(x)
            loss = criterion(logits, y)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
        t1 = time.perf_counter()
        model.eval()
        val_loss, val_correct, val_seen = 0.0, 0, 0
        with torch.no_grad():
            for i, (x, y) in enumerate(val_loader):
                if args.max_batches and i >= args.max_batches:
                    break
                logits = model(x)
                val_loss += criterion(logits, y).item() * len(y)
                val_correct += (logits.argmax(1) == y).sum().item()
                val_seen += len(y)
        t2 = time.perf_counter()
        e = {
            'epoch': epoch,
            'trainLoss': total_loss / seen,
            'trainAccuracy': correct / seen,
            'valLoss': val_loss / val_seen,
            'valAccuracy': val_correct / val_seen,
            'trainSeconds': t1 - t0,
            'valSeconds': t2 - t1,
        }
        epochs.append(e)
        log(f"epoch {epoch}/{args.epochs}  train loss {e['trainLoss']:.4f} acc {100 * e['trainAccuracy']:.1f}%  "
            f"val loss {e['valLoss']:.4f} acc {100 * e['valAccuracy']:.1f}%  {seen / (t1 - t0):.1f} img/s  {t2 - t0:.1f} s")

    t_end = time.perf_counter()
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    best = min(epochs, key=lambda e: e['valLoss'])
    print(json.dumps({
        'strategy': args.strategy,
        'workers': args.workers,
        'threads': args.threads,
        'torch': torch.__version__,
        'torchvision': torchvision.__version__,
        'trainSamples': len(train_set),
        'valSamples': len(val_set),
        'classes': train_set.classes,
        'loadedTensors': loaded,
        'trainableParams': sum(p.numel() for p in params),
        'importSeconds': T_IMPORTED - T_START,
        'setupSeconds': t_ready - T_IMPORTED,
        'trainSeconds': t_end - t_ready,
        'totalSeconds': t_end - T_START,
        'finalValAccuracy': epochs[-1]['valAccuracy'],
        'finalValLoss': epochs[-1]['valLoss'],
        'bestValAccuracy': best['valAccuracy'],
        'bestValLoss': best['valLoss'],
        'peakRssMB': self_kb / 1024,
        'peakRssChildrenMB': children_kb / 1024,
        'epochs': epochs,
    }), flush=True)


if __name__ == '__main__':
    main()
