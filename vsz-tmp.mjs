import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
const s = readFileSync('/proc/self/status','utf8').match(/VmSize:\s+(\d+)/)[1];
console.log('VmSize MB after ort import', Math.round(s/1024));
