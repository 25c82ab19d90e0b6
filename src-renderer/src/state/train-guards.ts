// Guards before Start that come with a one-click fix (the Train tab shows the button).

/** Why a run on these splits would have nothing to validate on (TrainTab offers the fix), or null. */
export function validationBlocker(splits: { val: number; test: number }): string | null {
  if (splits.val > 0 || splits.test > 0) return null;
  return NO_VALIDATION_BLOCKER;
}

export const NO_VALIDATION_BLOCKER =
  'The dataset has no validation samples: a run could not measure how well it generalises, pick its best epoch or verify its export. Hold some training samples out for validation.';

/** The validation share the one-click fix sets. */
export const FIX_VALIDATION_SHARE = 0.1;

type Dim = number | string | null;

/** A guard's words and the one click that fixes it. */
export interface Blocker {
  message: string;
  fix: { kind: 'load-adding'; spec: string; label: string } | { kind: 'data-tab'; label: string } | { kind: 'swap-head'; label: string } | { kind: 'validation'; label: string } | null;
}

const shapeText = (dims: readonly Dim[]) => dims.map((d) => (typeof d === 'number' ? String(d) : (d ?? '?'))).join('×');

/** A model reading [N, T, 2] can learn the generated adding problem of its length (samples: the engine's defaults'). */
export function addingSpecFor(shape: readonly Dim[] | null, samples: number | undefined): string | null {
  if (!shape || shape.length !== 3 || shape[2] !== 2 || typeof shape[1] !== 'number' || !samples) return null;
  return `task:adding?length=${shape[1]}&samples=${samples}`;
}

/**
 * No dataset yet: the fix is the Data tab, or for a model that reads number pairs, the adding
 * problem it was made for, one click away.
 */
export function noDataBlocker(modelInput: readonly Dim[] | null, addingSamples?: number): Blocker {
  const adding = addingSpecFor(modelInput, addingSamples);
  if (adding)
    return {
      message: 'Choose a dataset first. This model reads sequences of number pairs, as the adding problem generates them.',
      fix: { kind: 'load-adding', spec: adding, label: `Load the adding problem (${String(modelInput![1])} steps)` },
    };
  return { message: 'Choose a dataset on the Data tab first.', fix: { kind: 'data-tab', label: 'Go to the Data tab' } };
}

/**
 * Whether one sample of the dataset fits the model's input (batch dimension aside): the same
 * rank, and equal sizes wherever the model fixes one. Null when it fits.
 */
export function inputShapeBlocker(modelInput: readonly Dim[] | null, sample: readonly number[], images = false, addingSamples?: number): Blocker | null {
  if (!modelInput || modelInput.length === 0) return null;
  const wants = modelInput.slice(1);
  const fits = wants.length === sample.length && wants.every((d, i) => typeof d !== 'number' || d === sample[i]);
  if (fits) return null;
  const adding = addingSpecFor(modelInput, addingSamples);
  const gives = images ? `images (${shapeText(sample)} once resized for it)` : shapeText(sample);
  const message = `The model reads ${shapeText(wants)} per sample but this dataset gives ${gives}: the data does not fit the model, whatever the head.`;
  return {
    message: `${message} ${adding ? 'It reads sequences of number pairs, as the adding problem generates them.' : 'Choose data of that shape on the Data tab.'}`,
    fix: adding ? { kind: 'load-adding', spec: adding, label: `Load the adding problem (${String(modelInput[1])} steps)` } : { kind: 'data-tab', label: 'Go to the Data tab' },
  };
}

/** The head's outputs against the dataset's task and classes. Null when they agree. */
export function headBlocker(head: { outFeatures: number } | null, task: 'classification' | 'regression', classes: number | undefined): Blocker | null {
  if (!head || task !== 'classification' || classes === undefined || head.outFeatures === classes) return null;
  const what = head.outFeatures === 1 ? 'one value (a regression head)' : `${head.outFeatures} classes`;
  return {
    message: `The head predicts ${what} but the dataset has ${classes} classes: swap the head for ${classes} classes first.`,
    fix: { kind: 'swap-head', label: `Swap the head for ${classes} classes` },
  };
}
