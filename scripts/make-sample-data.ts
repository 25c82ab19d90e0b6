// Writes the sample dataset bundled in resources/datasets/fashion-mnist-5-9: Fashion-MNIST's
// classes 5-9 (the ones the bundled model never saw) as an image folder, 100 training and
// 200 test images per class, taken in file order from Debian's dataset-fashion-mnist. The
// studio uses it where that package is absent, so a first start trains offline anywhere.
//
//   npx tsx scripts/make-sample-data.ts      (needs: apt-get install dataset-fashion-mnist)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { parseIdx } from '../src-main/core/data/idx-format.js';
import { FASHION_MNIST_CLASSES } from '../src-main/node/data/index.js';
import { bundledDataDir, bundledSampleDir, FASHION_MNIST_DIR } from '../src-main/node/resources.js';

const CLASSES = [5, 6, 7, 8, 9];
const PER_CLASS = { train: 100, test: 200 };
const FILES = { train: 'train', test: 't10k' };

const read = (name: string) => parseIdx(gunzipSync(readFileSync(join(FASHION_MNIST_DIR, `${name}-ubyte.gz`))), name);

rmSync(bundledSampleDir, { recursive: true, force: true });
for (const split of ['train', 'test'] as const) {
  const images = read(`${FILES[split]}-images-idx3`);
  const labels = read(`${FILES[split]}-labels-idx1`);
  const [, h, w] = images.dims;
  for (const c of CLASSES) {
    const dir = join(bundledSampleDir, split, FASHION_MNIST_CLASSES[c]);
    mkdirSync(dir, { recursive: true });
    let written = 0;
    for (let i = 0; i < labels.dims[0] && written < PER_CLASS[split]; i++) {
      if (labels.data[i] !== c) continue;
      const px = Buffer.from(images.data.subarray(i * h * w, (i + 1) * h * w));
      await sharp(px, { raw: { width: w, height: h, channels: 1 } }).png({ compressionLevel: 9 }).toFile(join(dir, `${FILES[split]}-${String(i).padStart(5, '0')}.png`));
      written++;
    }
  }
}
writeFileSync(
  join(bundledDataDir, 'README.md'),
  `# fashion-mnist-5-9: Fashion-MNIST, classes 5-9 (a sample)

${CLASSES.map((c) => FASHION_MNIST_CLASSES[c]).join(', ')}: ${PER_CLASS.train} training and ${PER_CLASS.test} test images per
class, the first of each class in the original files (train: \`train-images-idx3\`, test:
\`t10k-images-idx3\`; file names keep the original index). Written by
\`scripts/make-sample-data.ts\` from Debian's \`dataset-fashion-mnist\`.

Fashion-MNIST: Han Xiao, Kashif Rasul, Roland Vollgraf, "Fashion-MNIST: a Novel Image Dataset
for Benchmarking Machine Learning Algorithms", 2017. Copyright (c) 2017 Zalando SE, under
the MIT licence in LICENSE-fashion-mnist beside this file. The\nREADME and the licence sit outside the image folder, which holds only the images.
`,
);
writeFileSync(
  join(bundledDataDir, 'LICENSE-fashion-mnist'),
  `The MIT License (MIT)

Copyright (c) 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`,
);
console.log(`wrote ${bundledSampleDir}`);
