/** kind "interop": PyTorch-written safetensors weights loaded through @torchlet/io into a model. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { noGrad } from '@torchlet/autograd';
import { deserialize } from '@torchlet/io';
import { lenet5 } from './lenet.js';
import { Unsupported } from './ops.js';
import type { Produced } from './run.js';
import type { GoldenCase, Suite } from './suite.js';
import { toTensor } from './tensors.js';

export const INTEROP: Record<string, (c: GoldenCase, suite: Suite) => Produced> = {
  lenet5_forward: (c, suite) => {
    const file = (c.args as { weights_file?: string } | undefined)?.weights_file;
    const X = c.inputs?.X;
    const logits = c.outputs?.logits;
    if (!file || !X || !logits) throw new Unsupported('lenet5_forward layout');
    const weights = deserialize(new Uint8Array(readFileSync(join(suite.dir, file))));
    const expected = (c.state_dict ?? {}) as Record<string, number[]>;
    for (const [key, shape] of Object.entries(expected)) {
      const t = weights[key];
      if (!t || t.shape.join(',') !== shape.join(',')) throw new Error(`${file}: ${key} should have shape [${shape.join(', ')}]`);
    }
    const model = lenet5();
    model.loadStateDict(weights);
    model.eval();
    const out = noGrad(() => model.forward(toTensor(X)));
    return { pairs: [['outputs.logits', out, logits]] };
  },
};
