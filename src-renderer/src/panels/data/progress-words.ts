// The engine's progress on a dataset in words, in the run view's vocabulary ("done / total unit"):
// "Scanning animals: 3 / 5 class folders, 1,240 images found".
import type { DatasetProgress } from '../../../../src-main/api/contract.js';

const count = (n: number) => n.toLocaleString('en-US');
const megabytes = (n: number) => (n / 1e6).toFixed(n < 1e7 ? 1 : 0);

/** `name` is the dataset's name as the page shows it (an upload's folder is "Dropped files"). */
export function datasetProgressWords(p: DatasetProgress, name: string): string {
  const file = p.file ?? name;
  const of = p.total === null ? `${count(p.done)} ${p.unit}` : `${count(p.done)} / ${count(p.total)} ${p.unit}`;
  switch (p.stage) {
    case 'scanning':
      return `Scanning ${name}: ${of}, ${count(p.found ?? 0)} images found`;
    case 'checking':
      return `Checking the images of ${name} (size and format): ${of}`;
    case 'reading':
      return p.total === null ? `Reading ${file}…` : `Reading ${file}: ${of}`;
    case 'parsing': {
      const bytes = p.total === null ? `${megabytes(p.done)} MB` : `${megabytes(p.done)} / ${megabytes(p.total)} MB`;
      return `Parsing ${file}: ${bytes}, ${count(p.found ?? 0)} rows`;
    }
    case 'tabulating':
      return `Reading the values in ${file}: ${of}`;
    case 'sampling':
      return `Drawing the preview samples: ${count(p.done)} / ${count(p.total ?? p.done)}`;
  }
}
