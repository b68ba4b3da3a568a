/**
 * kind "op": each suite op mapped onto torchlet's public functional API. A handler lists the
 * arguments it understands; any other argument makes the case fail as unsupported.
 */
import * as ag from '@torchlet/autograd';
import type { Tensor } from '@torchlet/autograd';
import { functional as F } from '@torchlet/nn';

type Args = Record<string, unknown>;
type Inputs = Record<string, Tensor | null>;

/** Runs one op case's forward and returns its outputs by name. */
export interface OpHandler {
  args: readonly string[];
  run(inputs: Inputs, args: Args): Record<string, Tensor>;
}

/** Thrown for what the runner cannot express; reported as `unsupported`. */
export class Unsupported extends Error {}

function need(inputs: Inputs, name: string): Tensor {
  const t = inputs[name];
  if (!t) throw new Unsupported(`missing input ${name}`);
  return t;
}

function pairOrInt(v: unknown): number | [number, number] {
  return Array.isArray(v) ? [Number(v[0]), Number(v[1])] : Number(v);
}

type Reduction = 'mean' | 'sum' | 'none';

function reduction(a: Args): { reduction?: Reduction } {
  return a.reduction === undefined ? {} : { reduction: a.reduction as Reduction };
}

function dims(v: unknown): number | number[] | null {
  if (v === null || v === undefined) return null;
  return Array.isArray(v) ? v.map(Number) : Number(v);
}

const unary = (fn: (x: Tensor) => Tensor): OpHandler => ({ args: [], run: (i) => ({ out: fn(need(i, 'input')) }) });
const binary = (fn: (x: Tensor, y: Tensor) => Tensor): OpHandler => ({ args: [], run: (i) => ({ out: fn(need(i, 'input'), need(i, 'other')) }) });

export const OPS: Record<string, OpHandler> = {
  corr2d: { args: [], run: (i) => ({ out: ag.corr2d(need(i, 'X'), need(i, 'K')) }) },
  conv2d: {
    args: ['stride', 'padding', 'dilation', 'groups', 'padding_mode'],
    run: (i, a) => ({
      out: ag.conv2d(need(i, 'input'), need(i, 'weight'), i.bias ?? null, {
        ...(a.stride !== undefined ? { stride: pairOrInt(a.stride) } : {}),
        ...(a.padding !== undefined ? { padding: typeof a.padding === 'string' ? (a.padding as 'same' | 'valid') : pairOrInt(a.padding) } : {}),
        ...(a.dilation !== undefined ? { dilation: pairOrInt(a.dilation) } : {}),
        ...(a.groups !== undefined ? { groups: Number(a.groups) } : {}),
        ...(a.padding_mode !== undefined ? { paddingMode: a.padding_mode as ag.Conv2dPaddingMode } : {}),
      }),
    }),
  },
  conv_transpose2d: {
    args: ['stride', 'padding', 'output_padding', 'groups', 'dilation'],
    run: (i, a) => ({
      out: ag.convTranspose2d(need(i, 'input'), need(i, 'weight'), i.bias ?? null, {
        ...(a.stride !== undefined ? { stride: pairOrInt(a.stride) } : {}),
        ...(a.padding !== undefined ? { padding: pairOrInt(a.padding) } : {}),
        ...(a.output_padding !== undefined ? { outputPadding: pairOrInt(a.output_padding) } : {}),
        ...(a.groups !== undefined ? { groups: Number(a.groups) } : {}),
        ...(a.dilation !== undefined ? { dilation: pairOrInt(a.dilation) } : {}),
      }),
    }),
  },
  max_pool2d: {
    args: ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode'],
    run: (i, a) => ({
      out: ag.maxPool2d(need(i, 'input'), pairOrInt(a.kernel_size), {
        ...(a.stride !== undefined && a.stride !== null ? { stride: pairOrInt(a.stride) } : {}),
        ...(a.padding !== undefined ? { padding: pairOrInt(a.padding) } : {}),
        ...(a.dilation !== undefined ? { dilation: pairOrInt(a.dilation) } : {}),
        ...(a.ceil_mode !== undefined ? { ceilMode: Boolean(a.ceil_mode) } : {}),
      }),
    }),
  },
  avg_pool2d: {
    args: ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'],
    run: (i, a) => ({
      out: ag.avgPool2d(need(i, 'input'), pairOrInt(a.kernel_size), {
        ...(a.stride !== undefined && a.stride !== null ? { stride: pairOrInt(a.stride) } : {}),
        ...(a.padding !== undefined ? { padding: pairOrInt(a.padding) } : {}),
        ...(a.ceil_mode !== undefined ? { ceilMode: Boolean(a.ceil_mode) } : {}),
        ...(a.count_include_pad !== undefined ? { countIncludePad: Boolean(a.count_include_pad) } : {}),
        ...(a.divisor_override !== undefined ? { divisorOverride: a.divisor_override === null ? null : Number(a.divisor_override) } : {}),
      }),
    }),
  },
  adaptive_avg_pool2d: {
    args: ['output_size'],
    run: (i, a) => ({ out: ag.adaptiveAvgPool2d(need(i, 'input'), pairOrInt(a.output_size)) }),
  },
  linear: { args: [], run: (i) => ({ out: ag.linear(need(i, 'input'), need(i, 'weight'), i.bias ?? null) }) },
  matmul: binary(ag.matmul),
  add: binary(ag.add),
  sub: binary(ag.sub),
  mul: binary(ag.mul),
  div: binary(ag.div),
  exp: unary(ag.exp),
  log: unary(ag.log),
  relu: unary(ag.relu),
  sigmoid: unary(ag.sigmoid),
  tanh: unary(ag.tanh),
  softmax: { args: ['dim'], run: (i, a) => ({ out: ag.softmax(need(i, 'input'), Number(a.dim)) }) },
  log_softmax: { args: ['dim'], run: (i, a) => ({ out: ag.logSoftmax(need(i, 'input'), Number(a.dim)) }) },
  sum: { args: ['dim', 'keepdim'], run: (i, a) => ({ out: ag.sum(need(i, 'input'), dims(a.dim), { keepdim: Boolean(a.keepdim) }) }) },
  mean: { args: ['dim', 'keepdim'], run: (i, a) => ({ out: ag.mean(need(i, 'input'), dims(a.dim), { keepdim: Boolean(a.keepdim) }) }) },
  reshape: { args: ['shape'], run: (i, a) => ({ out: ag.reshape(need(i, 'input'), (a.shape as number[]).map(Number)) }) },
  permute: { args: ['dims'], run: (i, a) => ({ out: ag.permute(need(i, 'input'), (a.dims as number[]).map(Number)) }) },
  transpose: { args: ['dim0', 'dim1'], run: (i, a) => ({ out: ag.transpose(need(i, 'input'), Number(a.dim0), Number(a.dim1)) }) },
  batch_norm2d: {
    args: ['training', 'momentum', 'eps'],
    run: (i, a) => {
      const runningMean = i.running_mean ?? null;
      const runningVar = i.running_var ?? null;
      const out = F.batchNorm(need(i, 'input'), runningMean, runningVar, i.weight ?? null, i.bias ?? null, {
        training: Boolean(a.training),
        ...(a.momentum !== undefined ? { momentum: Number(a.momentum) } : {}),
        ...(a.eps !== undefined ? { eps: Number(a.eps) } : {}),
      });
      // the running statistics are updated in place: they are outputs too
      return { out, ...(runningMean ? { running_mean: runningMean } : {}), ...(runningVar ? { running_var: runningVar } : {}) };
    },
  },
  mse_loss: { args: ['reduction'], run: (i, a) => ({ out: F.mseLoss(need(i, 'input'), need(i, 'target'), reduction(a)) }) },
  cross_entropy: {
    args: ['reduction', 'label_smoothing', 'ignore_index'],
    run: (i, a) => ({
      out: F.crossEntropy(need(i, 'input'), need(i, 'target'), {
        ...reduction(a),
        weight: i.weight ?? null,
        ...(a.label_smoothing !== undefined ? { labelSmoothing: Number(a.label_smoothing) } : {}),
        ...(a.ignore_index !== undefined ? { ignoreIndex: Number(a.ignore_index) } : {}),
      }),
    }),
  },
  nll_loss: {
    args: ['reduction', 'ignore_index'],
    run: (i, a) => ({
      out: F.nllLoss(need(i, 'input'), need(i, 'target'), {
        ...reduction(a),
        weight: i.weight ?? null,
        ...(a.ignore_index !== undefined ? { ignoreIndex: Number(a.ignore_index) } : {}),
      }),
    }),
  },
  binary_cross_entropy_with_logits: {
    args: ['reduction'],
    run: (i, a) => ({
      out: F.binaryCrossEntropyWithLogits(need(i, 'input'), need(i, 'target'), { ...reduction(a), weight: i.weight ?? null, posWeight: i.pos_weight ?? null }),
    }),
  },
  flatten: {
    args: ['start_dim', 'end_dim'],
    run: (i, a) => ({ out: ag.flatten(need(i, 'input'), Number(a.start_dim ?? 0), Number(a.end_dim ?? -1)) }),
  },
};
