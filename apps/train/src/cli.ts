/**
 * `torchlet-train` (`pnpm train` from the repository root). Today it runs the textbook's
 * cross-correlation section end to end; LeNet training arrives with @torchlet/nn and @torchlet/optim.
 */
import { manualSeed } from '@torchlet/ndarray';
import { crossCorrelationExamples, learnKernel } from './edge.js';

const USAGE = 'usage: torchlet-train [edge]';

function main(argv: readonly string[]): number {
  const [command = 'edge', ...rest] = argv;
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command !== 'edge' || rest.length > 0) {
    console.error(`torchlet-train: unknown arguments ${JSON.stringify(argv.join(' '))}\n${USAGE}`);
    return 2;
  }
  crossCorrelationExamples((text) => console.log(`${text}\n`));
  console.log('Learning the kernel back from the image and its edges (conv2d, no bias, lr 3e-2):');
  manualSeed(0);
  const w = learnKernel((line) => console.log(line));
  console.log(`\nlearned kernel: ${w.reshape(1, 2).toString()}\ntrue kernel:    tensor([[ 1., -1.]])`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
