/**
 * `torchlet-train` (`pnpm train` from the repository root). Today it runs the textbook's
 * cross-correlation examples; the LeNet training job arrives with @torchlet/nn and @torchlet/optim.
 */
import { crossCorrelationExamples } from './edge.js';

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
  return 0;
}

process.exitCode = main(process.argv.slice(2));
