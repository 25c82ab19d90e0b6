// The rows of the compatibility table: which model, made how (compat/export_models.py makes
// each one under its id), fed what, and what else to try. Rows marked `slow` run only with
// GRAFT_COMPAT=1 (and always under `npm run compat`).

export type InputKind = 'image' | 'sequence';

export interface CompatRow {
  id: string;
  family: string;
  exporter: string;
  input: InputKind;
  slow: boolean;
  /** Extra `graft gradients` flags (e.g. the batch-norm mode the reference was computed in). */
  gradientArgs?: string[];
  /** Said in the notes whatever happens. */
  note?: string;
}

const SYNTH = 'synthesized with onnx.helper in the style of';

export const ROWS: CompatRow[] = [
  { id: 'vit', family: 'ViT (torchvision VisionTransformer, 2 layers, 32 px)', exporter: 'torch.onnx.export, opset 14, no folding', input: 'image', slow: false },
  { id: 'convnext-small', family: 'ConvNeXt (torchvision CNBlocks, 3 stages of 1, 32 px)', exporter: 'torch.onnx.export, opset 14, no folding', input: 'image', slow: false },
  { id: 'mobilenet-v3-static', family: 'MobileNetV3-Small (torchvision, 64 px)', exporter: 'torch.onnx.export defaults: batch fixed at 1, BN folded', input: 'image', slow: false },
  { id: 'vit-static', family: 'ViT (as above)', exporter: 'torch.onnx.export defaults: batch fixed at 1, constant folding', input: 'image', slow: false },
  { id: 'lstm-bidirectional', family: 'LSTM, 2 layers, bidirectional, + Linear (12 steps of 8)', exporter: 'torch.onnx.export, opset 14, no folding', input: 'sequence', slow: false },
  { id: 'paddle-style', family: 'small CNN, weights in Constant nodes (`conv2d_0.w_0`, ...)', exporter: 'paddle2onnx style (synthesized)', input: 'image', slow: false, note: `${SYNTH} paddle2onnx 1.x (not installed here)` },
  { id: 'tf2onnx-style', family: 'small Keras CNN, NHWC input, Transpose-wrapped convs', exporter: 'tf2onnx style (synthesized)', input: 'image', slow: false, note: `${SYNTH} tf2onnx (not installed here)` },
  { id: 'tf2onnx-style-nchw', family: 'the same, with `--inputs-as-nchw`', exporter: 'tf2onnx style (synthesized)', input: 'image', slow: false, note: `${SYNTH} tf2onnx (not installed here)` },
  { id: 'resnet18-folded', family: 'ResNet-18 (torchvision, 64 px)', exporter: 'torch.onnx.export, BN folded, dynamic batch', input: 'image', slow: true },
  { id: 'resnet18-bn-kept', family: 'ResNet-18 (torchvision, 64 px), exported in train mode', exporter: 'torch.onnx.export, TrainingMode.PRESERVE, no folding', input: 'image', slow: true, gradientArgs: ['--batchnorm', 'batch'], note: "gradients compared with model.train()'s (`--batchnorm batch`)" },
  { id: 'efficientnet-b0', family: 'EfficientNet-B0 (torchvision, 64 px)', exporter: 'torch.onnx.export, BN folded, dynamic batch', input: 'image', slow: true },
  { id: 'convnext-tiny', family: 'ConvNeXt-Tiny (torchvision, 32 px)', exporter: 'torch.onnx.export, opset 14, no folding', input: 'image', slow: true },
  { id: 'vit-opset17', family: 'ViT (as above)', exporter: 'torch.onnx.export, opset 17 (LayerNormalization nodes, as recent exporters write)', input: 'image', slow: true },
  { id: 'squeezenet', family: 'SqueezeNet 1.1 (torchvision, 64 px; a Conv head)', exporter: 'torch.onnx.export, no folding', input: 'image', slow: true },
  { id: 'densenet121', family: 'DenseNet-121 (torchvision, 32 px)', exporter: 'torch.onnx.export, BN folded, dynamic batch', input: 'image', slow: true },
];

/** The rows a run covers: all of them with GRAFT_COMPAT=1 (or `all`), else the quick ones. */
export function rowsToRun(all: boolean): CompatRow[] {
  return ROWS.filter((r) => all || !r.slow);
}
