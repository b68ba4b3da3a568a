/** Command-line options of `torchlet-train`, parsed and validated (bad input exits 2 with the usage). */

export const USAGE = `usage: torchlet-train [lenet|edge] [options]
  lenet (default)      train LeNet-5 on the bundled digits (or --data DIR of MNIST IDX files)
  edge                 the textbook's cross-correlation section: edges, then learning the kernel
options (lenet):
  --epochs N           passes over the training set (default 8)
  --batch-size N       samples per step (default 32)
  --lr X               learning rate (default 0.002 for adam, 0.1 for sgd)
  --optimizer NAME     adam (default) or sgd (with momentum 0.9)
  --activation NAME    relu (default) or sigmoid (the textbook's LeNet)
  --seed N             seed of the initial weights, the split and the shuffling (default 0)
  --out DIR            run folder for the checkpoint, metrics.csv, curves.svg, … (default runs/lenet)
  --resume             continue from the checkpoint in --out
  --data DIR           read MNIST IDX files from DIR instead of the bundled digits
  --quiet              print only the final summary`;

/** Validated options of the lenet command. */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'adam' | 'sgd';
  activation: 'relu' | 'sigmoid';
  seed: number;
  out: string;
  resume: boolean;
  data: string | null;
  quiet: boolean;
}

/** A parsed command line. */
export type Command = { command: 'help' } | { command: 'edge' } | { command: 'lenet'; options: TrainOptions };

/** Thrown for bad arguments; the CLI prints the message and the usage and exits 2. */
export class UsageError extends Error {}

function integer(flag: string, text: string, min: number): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return v;
}

/** Parses `argv` (without node and the script). */
export function parseArgs(argv: readonly string[]): Command {
  const args = [...argv];
  let command = 'lenet';
  if (args[0] !== undefined && !args[0].startsWith('-')) command = args.shift()!;
  if (args.includes('--help') || args.includes('-h')) return { command: 'help' };
  if (command === 'edge') {
    if (args.length) throw new UsageError(`edge takes no options, got ${args.join(' ')}`);
    return { command: 'edge' };
  }
  if (command !== 'lenet') throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const o: TrainOptions = { epochs: 8, batchSize: 32, lr: NaN, optimizer: 'adam', activation: 'relu', seed: 0, out: 'runs/lenet', resume: false, data: null, quiet: false };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--epochs':
        o.epochs = integer(flag, value(), 1);
        break;
      case '--batch-size':
        o.batchSize = integer(flag, value(), 1);
        break;
      case '--lr': {
        const text = value();
        o.lr = Number(text);
        if (!Number.isFinite(o.lr) || o.lr <= 0) throw new UsageError(`--lr must be a positive number, got ${JSON.stringify(text)}`);
        break;
      }
      case '--optimizer': {
        const v = value();
        if (v !== 'adam' && v !== 'sgd') throw new UsageError(`unknown optimizer ${JSON.stringify(v)} (expected adam or sgd)`);
        o.optimizer = v;
        break;
      }
      case '--activation': {
        const v = value();
        if (v !== 'relu' && v !== 'sigmoid') throw new UsageError(`unknown activation ${JSON.stringify(v)} (expected relu or sigmoid)`);
        o.activation = v;
        break;
      }
      case '--seed':
        o.seed = integer(flag, value(), 0);
        break;
      case '--out':
        o.out = value();
        break;
      case '--data':
        o.data = value();
        break;
      case '--resume':
        o.resume = true;
        break;
      case '--quiet':
        o.quiet = true;
        break;
      default:
        throw new UsageError(`unknown option ${JSON.stringify(flag)}`);
    }
  }
  if (Number.isNaN(o.lr)) o.lr = o.optimizer === 'adam' ? 0.002 : 0.1;
  return { command: 'lenet', options: o };
}
