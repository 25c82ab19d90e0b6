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
