// Parameters and optimizer state that stay in GPU memory between training steps. On the CPU
// the step writes its updates into preallocated host tensors (train-state.ts); on a GPU that
// would copy every parameter to the host and back each step (ResNet-18's 11.7 M weights and
// their momentum: ~90 MB each way). Instead the session returns the updated values as
// 'gpu-buffer' tensors (onnxruntime's IO binding) and the next step takes them as inputs.
// An epoch's last step writes into host tensors instead (train-state.ts), so evaluation,
// checkpoints and export read current host values without a separate download.
import type * as ort from 'onnxruntime-node';

export class DeviceTensors {
  /** Step input name -> its current value on the device (absent until the first step). */
  private current = new Map<string, ort.Tensor>();
  /** @param updates step output name -> the step input it replaces */
  constructor(private readonly updates: ReadonlyMap<string, string>) {}

  /** The outputs a session must keep on the device. */
  get outputs(): string[] {
    return [...this.updates.keys()];
  }

  /** The device value of an input, or null before the first step (feed the host copy then). */
  feed(input: string): ort.Tensor | null {
    return this.current.get(input) ?? null;
  }

  /** After a step: its updated outputs become the next step's inputs; the old buffers are freed. */
  take(out: Record<string, ort.Tensor>): void {
    for (const [output, input] of this.updates) {
      const next = out[output];
      const prev = this.current.get(input);
      if (prev && prev !== next && prev.location === 'gpu-buffer') prev.dispose();
      this.current.set(input, next);
    }
  }

  /** Frees the device buffers (host values are authoritative again, e.g. after a resume). */
  reset(): void {
    for (const t of this.current.values()) if (t.location === 'gpu-buffer') t.dispose();
    this.current.clear();
  }
}
