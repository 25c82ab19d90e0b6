// Class names of IDX datasets, which store labels as bare numbers. Fashion-MNIST is known by
// its content, not by where it sits: its published label sequences begin with these labels,
// so a copy in any folder (an upload lands in one named by the upload) is still recognised,
// and so is a subset taken from the start of its files. Sixty-four labels of ten classes
// agree by chance with odds of 1 in 10^64.

export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** The first labels of Fashion-MNIST's train and t10k files (Xiao, Rasul & Vollgraf 2017). */
const FASHION_MNIST_LABEL_STARTS = [
  '9003027255095579106431484302445366085216679592730333722668335055',
  '9211614657457341248025791460938833807579613767212244582284807785',
];

/** Labels needed before a file is taken for Fashion-MNIST by its content. */
const MIN_MATCHED_LABELS = 32;

/** Whether a label file begins as one of Fashion-MNIST's does (28x28 images only). */
export function isFashionMnistLabels(labels: Uint8Array, height: number, width: number): boolean {
  if (height !== 28 || width !== 28 || labels.length < MIN_MATCHED_LABELS) return false;
  const start = Array.from(labels.subarray(0, FASHION_MNIST_LABEL_STARTS[0].length), String).join('');
  return FASHION_MNIST_LABEL_STARTS.some((known) => known.startsWith(start));
}

/**
 * A names file beside IDX files: one class name per line, in label order. Blank lines at the
 * end are ignored; anything else that does not give exactly `count` distinct names is refused
 * with the reason.
 */
export function parseClassNamesFile(text: string, count: number): { ok: true; names: string[] } | { ok: false; reason: string } {
  const names = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  if (names.length !== count) return { ok: false, reason: `it lists ${names.length} names for ${count} classes` };
  if (names.some((n) => n === '')) return { ok: false, reason: 'it has an empty line among the names' };
  if (new Set(names).size !== names.length) return { ok: false, reason: 'it names a class twice' };
  return { ok: true, names };
}
