/**
 * The PyTorch reference cases of golden/conv2d.json, pool.json, batch_norm.json and loss.json,
 * run through the modules: each module is built from the case's args, its weights and buffers are
 * copied in with loadStateDict, and forward + backward (with the case's upstream gradient) must
 * match PyTorch's outputs and gradients within the case's tolerance. Error cases must throw
 * somewhere on that path.
 */
import type { Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  BCEWithLogitsLoss,
  Conv2d,
  CrossEntropyLoss,
  MaxPool2d,
  MSELoss,
  NLLLoss,
  type AnyModule,
  type Loss,
  type LossReduction,
  type Size2,
  type StateDict,
} from './index.js';
import { expectCloseGolden, fromGolden, loadGolden, type GoldenCase, type Tol } from './test-helpers.js';

type Padding = Size2 | 'same' | 'valid';
type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

const size = (v: unknown): Size2 => v as Size2;

function tolFor(c: GoldenCase, key: string): Tol {
  return c.tol_overrides?.[key] ?? c.tol!;
}

/** Builds the layer of a case and loads its weights; returns the layer. */
function buildConv(c: GoldenCase): Conv2d {
  const a = c.args;
  const weight = c.inputs.weight!;
  const bias = c.inputs.bias ?? null;
  const groups = a.groups as number;
  const [outChannels, perGroup, kh, kw] = weight.shape as [number, number, number, number];
  const conv = new Conv2d(perGroup * groups, outChannels, [kh, kw], {
    stride: size(a.stride),
    padding: a.padding as Padding,
    dilation: size(a.dilation),
    groups,
    bias: bias !== null,
    paddingMode: a.padding_mode as PaddingMode,
  });
  conv.loadStateDict(bias ? { weight: fromGolden(weight), bias: fromGolden(bias) } : { weight: fromGolden(weight) });
  return conv;
}

function buildPool(c: GoldenCase): AnyModule {
  const a = c.args;
  const stride = a.stride === null ? null : size(a.stride);
  switch (c.op) {
    case 'max_pool2d':
      return new MaxPool2d(size(a.kernel_size), { stride, padding: size(a.padding), dilation: size(a.dilation), ceilMode: a.ceil_mode as boolean });
    case 'avg_pool2d':
      return new AvgPool2d(size(a.kernel_size), {
        stride,
        padding: size(a.padding),
        ceilMode: a.ceil_mode as boolean,
        countIncludePad: a.count_include_pad as boolean,
        divisorOverride: a.divisor_override as number | null,
      });
    case 'adaptive_avg_pool2d':
      return new AdaptiveAvgPool2d(a.output_size as number | [number, number]);
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

/** Forward + backward through `layer`, compared with the case. */
function check(c: GoldenCase, layer: AnyModule, params: Record<string, Tensor | null>): void {
  const input = fromGolden(c.inputs.input!, 'input' in c.grads!);
  const out = layer.forward(input) as Tensor;
  expectCloseGolden('outputs.out', out, c.outputs!.out!, tolFor(c, 'outputs.out'));
  out.backward(fromGolden(c.grad_outputs!.out!));
  const grads: Record<string, Tensor | null> = { input: input.grad };
  for (const [name, p] of Object.entries(params)) grads[name] = p?.grad ?? null;
  for (const [name, expected] of Object.entries(c.grads!)) {
    expectCloseGolden(`grads.${name}`, grads[name] ?? null, expected, tolFor(c, `grads.${name}`));
  }
  // exactly the inputs PyTorch differentiated have gradients
  for (const [name, g] of Object.entries(grads)) if (!(name in c.grads!)) expect(g, `grads.${name}`).toBeNull();
}

describe('golden conv2d through nn.Conv2d', () => {
  const cases = loadGolden('conv2d');
  const ok = cases.filter((c) => !c.expect_error);
  const errors = cases.filter((c) => c.expect_error);

  it('has the expected cases', () => {
    expect(ok.length).toBeGreaterThanOrEqual(81);
    expect(errors.length).toBeGreaterThanOrEqual(11);
  });

  it.each(ok.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const conv = buildConv(c);
    expect(conv.weight.requiresGrad).toBe(true);
    check(c, conv, { weight: conv.weight, bias: conv.bias });
  });

  it.each(errors.map((c) => [c.id, c] as const))('%s throws', (_id, c) => {
    expect(() => {
      const conv = buildConv(c);
      conv.forward(fromGolden(c.inputs.input!));
    }).toThrow();
  });
});

describe('golden pooling through nn.MaxPool2d / AvgPool2d / AdaptiveAvgPool2d', () => {
  const cases = loadGolden('pool');
  const ok = cases.filter((c) => !c.expect_error);
  const errors = cases.filter((c) => c.expect_error);

  it('has the expected cases', () => {
    expect(ok.length).toBeGreaterThanOrEqual(25);
    expect(errors.length).toBeGreaterThanOrEqual(3);
  });

  it.each(ok.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    check(c, buildPool(c), {});
  });

  it.each(errors.map((c) => [c.id, c] as const))('%s throws', (_id, c) => {
    expect(() => buildPool(c).forward(fromGolden(c.inputs.input!))).toThrow();
  });
});

function buildBatchNorm(c: GoldenCase): BatchNorm2d {
  const { inputs, args } = c;
  const bn = new BatchNorm2d(inputs.input!.shape[1]!, {
    eps: args.eps as number,
    momentum: args.momentum as number,
    affine: inputs.weight !== null,
    trackRunningStats: inputs.running_mean !== null,
  });
  const sd: StateDict = {};
  for (const key of ['weight', 'bias', 'running_mean', 'running_var']) {
    const t = inputs[key];
    if (t) sd[key] = fromGolden(t);
  }
  const { missingKeys, unexpectedKeys } = bn.loadStateDict(sd, { strict: false });
  expect(unexpectedKeys).toEqual([]);
  expect(missingKeys).toEqual(inputs.running_mean ? ['num_batches_tracked'] : []);
  return bn.train(args.training as boolean);
}

describe('golden batch_norm2d through nn.BatchNorm2d', () => {
  const cases = loadGolden('batch_norm');

  it.each(cases.filter((c) => !c.expect_error).map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const bn = buildBatchNorm(c);
    check(c, bn, { weight: bn.weight, bias: bn.bias });
    for (const key of ['running_mean', 'running_var'] as const) {
      const expected = c.outputs![key];
      const actual = key === 'running_mean' ? bn.runningMean : bn.runningVar;
      if (expected) expectCloseGolden(`outputs.${key}`, actual, expected, tolFor(c, `outputs.${key}`));
      else if (actual) expectCloseGolden(`unchanged ${key}`, actual, c.inputs[key]!, { rtol: 0, atol: 0 });
    }
    if (bn.numBatchesTracked) expect(bn.numBatchesTracked.item()).toBe(c.args.training ? 1 : 0);
  });

  it.each(cases.filter((c) => c.expect_error).map((c) => [c.id, c] as const))('%s throws', (_id, c) => {
    expect(() => buildBatchNorm(c).forward(fromGolden(c.inputs.input!))).toThrow();
  });
});

function buildLoss(c: GoldenCase): Loss {
  const { args, inputs } = c;
  const reduction = args.reduction as LossReduction;
  const weight = inputs.weight ? fromGolden(inputs.weight) : null;
  switch (c.op) {
    case 'mse_loss':
      return new MSELoss({ reduction });
    case 'cross_entropy':
      return new CrossEntropyLoss({ reduction, weight, ignoreIndex: args.ignore_index as number, labelSmoothing: args.label_smoothing as number });
    case 'nll_loss':
      return new NLLLoss({ reduction, weight, ignoreIndex: args.ignore_index as number });
    case 'binary_cross_entropy_with_logits':
      return new BCEWithLogitsLoss({ reduction, weight, posWeight: inputs.pos_weight ? fromGolden(inputs.pos_weight) : null });
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

describe('golden losses through the loss modules', () => {
  const cases = loadGolden('loss');

  it.each(cases.filter((c) => !c.expect_error).map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const loss = buildLoss(c);
    if (c.inputs.weight) expect(Object.keys(loss.stateDict())).toContain('weight');
    const input = fromGolden(c.inputs.input!, true);
    const target = fromGolden(c.inputs.target!, 'target' in c.grads!);
    const out = loss.forward(input, target);
    expectCloseGolden('outputs.out', out, c.outputs!.out!, tolFor(c, 'outputs.out'));
    out.backward(fromGolden(c.grad_outputs!.out!));
    expectCloseGolden('grads.input', input.grad, c.grads!.input!, tolFor(c, 'grads.input'));
    if (c.grads!.target) expectCloseGolden('grads.target', target.grad, c.grads!.target, tolFor(c, 'grads.target'));
  });

  it.each(cases.filter((c) => c.expect_error).map((c) => [c.id, c] as const))('%s throws', (_id, c) => {
    expect(() => buildLoss(c).forward(fromGolden(c.inputs.input!), fromGolden(c.inputs.target!))).toThrow();
  });
});
