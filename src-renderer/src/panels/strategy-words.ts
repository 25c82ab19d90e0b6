// The training strategies in words, for the places where one is chosen (Train tab, Model
// toolbar): what each does and when to choose it.

/** What each strategy does and when to choose it, in a sentence, where the choice is made. */
export const STRATEGY_WORDS: Record<'feature-extraction' | 'fine-tune' | 'full' | 'scratch', string> = {
  'feature-extraction':
    'Feature extraction: the pretrained layers stay frozen and only the new head learns. Fastest (frozen features are computed once and cached), and the safe choice for small datasets that look like what the model was trained on.',
  'fine-tune':
    'Fine-tuning: the head and the last stage learn, everything earlier stays frozen. Adapts the most specific features to your data; use it when feature extraction plateaus and you have a few hundred images per class.',
  full: 'Full fine-tune: every layer learns, starting from the pretrained weights, with a smaller learning rate. Best with plenty of data or data unlike the original; slowest.',
  scratch: 'From scratch: the weights are re-initialised and everything trains. The baseline that shows what pretraining is worth; it needs far more data and epochs.',
};
