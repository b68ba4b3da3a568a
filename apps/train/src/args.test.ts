import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.js';

describe('torchlet-train arguments', () => {
  it('defaults to lenet with the documented options', () => {
    expect(parseArgs([])).toEqual({
      command: 'lenet',
      options: { epochs: 8, batchSize: 32, lr: 0.002, optimizer: 'adam', activation: 'relu', seed: 0, out: 'runs/lenet', resume: false, data: null, quiet: false },
    });
  });

  it('reads every option', () => {
    const parsed = parseArgs(['lenet', '--epochs', '3', '--batch-size', '16', '--optimizer', 'sgd', '--activation', 'sigmoid', '--seed', '7', '--out', 'x', '--resume', '--data', 'd', '--quiet']);
    expect(parsed).toEqual({
      command: 'lenet',
      options: { epochs: 3, batchSize: 16, lr: 0.1, optimizer: 'sgd', activation: 'sigmoid', seed: 7, out: 'x', resume: true, data: 'd', quiet: true },
    });
    expect(parseArgs(['--lr', '0.5'])).toMatchObject({ options: { lr: 0.5 } });
    expect(parseArgs(['edge'])).toEqual({ command: 'edge' });
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
  });

  it.each([
    [['--optimizer', 'rmsprop'], /unknown optimizer "rmsprop"/],
    [['--lr', '-1'], /--lr must be a positive number, got "-1"/],
    [['--lr'], /--lr needs a value/],
    [['--epochs', '0'], /--epochs must be an integer ≥ 1/],
    [['--batch-size', '2.5'], /--batch-size must be an integer ≥ 1/],
    [['--activation', 'gelu'], /unknown activation "gelu"/],
    [['--frobnicate'], /unknown option "--frobnicate"/],
    [['resnet'], /unknown command "resnet"/],
    [['edge', '--epochs', '2'], /edge takes no options/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
