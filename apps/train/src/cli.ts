/**
 * `torchlet-train` (`pnpm train` from the repository root): LeNet-5 on the bundled digits by
 * default, or `edge`, the textbook's cross-correlation section.
 */
import { manualSeed } from 'torchlet';
import { parseArgs, USAGE, UsageError } from './args.js';
import { crossCorrelationExamples, learnKernel } from './edge.js';
import { trainLenet } from './train-lenet.js';

function edge(): void {
  crossCorrelationExamples((text) => console.log(`${text}\n`));
  console.log('Learning the kernel back from the image and its edges: Conv2d(1, 1, [1, 2], { bias: false }), lr 3e-2');
  manualSeed(0);
  const w = learnKernel((line) => console.log(line));
  console.log(`\nlearned kernel: ${w.reshape(1, 2).toString()}\ntrue kernel:    tensor([[ 1., -1.]])`);
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`torchlet-train: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (parsed.command === 'help') console.log(USAGE);
  else if (parsed.command === 'edge') edge();
  else {
    // the first Ctrl-C finishes the epoch in progress and its checkpoint; a second one quits at once
    const stop = new AbortController();
    process.once('SIGINT', () => {
      console.error('\nstopping after this epoch (Ctrl-C again to quit now)');
      stop.abort();
      process.once('SIGINT', () => process.exit(130));
    });
    try {
      await trainLenet(parsed.options, process.stdout, { signal: stop.signal });
    } catch (e) {
      console.error(`torchlet-train: ${(e as Error).message}`);
      return /^--(data|resume)/.test((e as Error).message) ? 2 : 1;
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
