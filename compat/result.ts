// What one row's checks found (compat/check-row.ts), as the table renders it.

export interface Outcome {
  ok: boolean;
  /** The first line of the error, when it failed. */
  error?: string;
}

export interface RunOutcome extends Outcome {
  cache?: string;
  trainableParams?: number;
  steps?: number;
  exportVerified?: boolean;
  exportMaxAbsDiff?: number;
}

export interface GradientOutcome extends Outcome {
  /** PyTorch's parameters with a gradient, and how many of them Graft's gradient matched. */
  torchTensors: number;
  matched: number;
  /** Of those Graft returned, ones outside the tolerance (name: why). */
  mismatched: string[];
}

export interface RowResult {
  id: string;
  /** The model could not be made (Python's error). */
  madeError?: string;
  opens: Outcome & { totalParams?: number; topBlocks?: string[] };
  /** PyTorch's parameters (by their ONNX names) that Graft does not count as parameters. */
  uncounted?: string[];
  referenceParams?: number;
  foldedParams?: number;
  featureExtraction?: RunOutcome;
  fineTune?: RunOutcome;
  gradients?: GradientOutcome;
}
