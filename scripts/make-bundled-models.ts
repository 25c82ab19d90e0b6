// Writes the models bundled in resources/models. Run with: npx tsx scripts/make-bundled-models.ts
// They are made by the studio's own builder (no downloads, no other framework), seeded, so
// the output is the same every time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel } from '../src-main/core/onnx/codec.js';
import { imageCnn } from '../src-main/core/templates/image-cnn.js';
import { bundledModelsDir } from '../src-main/node/resources.js';

const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const model = imageCnn({ channels: 1, height: 28, width: 28, classes: 10, widths: [16, 32, 64], hidden: 64, seed: 7, classNames: FASHION_CLASSES });
const path = join(bundledModelsDir, 'fashion-cnn.onnx');
writeFileSync(path, encodeModel(model));
console.log(`wrote ${path}`);
