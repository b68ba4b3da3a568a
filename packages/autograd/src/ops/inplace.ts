/**
 * In-place ops (PyTorch's trailing underscore). Under `noGrad`, or on tensors outside the tape,
 * they write straight into the storage. On the tape they follow PyTorch's rules: a leaf that
 * requires grad cannot be modified (that would corrupt its gradient), a view of a tensor on the
 * tape is refused, and any other tensor gets its history rebased onto the new op. Every write
 * bumps the version counter, so a backward that needs the old values fails loudly.
 */
import * as nd from '@torchlet/ndarray';
import { isGradEnabled } from '../grad-mode.js';
import { Tensor, toTensor, type TensorLike } from '../tensor.js';
import { add, clamp, div, mul, sub } from './elementwise.js';
import { sumTo } from './broadcast.js';
import { fromOp } from '../tensor.js';

function onTape(t: Tensor, other: TensorLike | null): boolean {
  return isGradEnabled() && (t.requiresGrad || (other instanceof Tensor && other.requiresGrad));
}

function checkWritable(op: string, t: Tensor): void {
  if (t.isLeaf && t.requiresGrad) {
    throw new Error(
      `${op}: a leaf tensor that requires grad is being used in an in-place operation; wrap the update in noGrad(() => …)`,
    );
  }
  // (only called on the tape: the base would not see the new history, so its gradient would be lost)
  if (t.base) {
    throw new Error(
      `${op}: in-place modification of a view is not supported while recording gradients (the view or the operand requires grad); modify a clone() instead`,
    );
  }
  if (!nd.isFloatDType(t.dtype)) {
    throw new TypeError(`${op}: a ${t.dtype} tensor cannot hold the result of an operation that requires grad`);
  }
}

/**
 * Applies `op(previous, other)` in place. On the tape, `previous` stands for the tensor's old
 * value (a copy, so the backward reads what the forward saw) and the result's history becomes
 * this tensor's.
 */
function rebase<T extends Tensor>(
  name: string,
  t: T,
  other: TensorLike | null,
  outOfPlace: (previous: Tensor) => Tensor,
  raw: () => void,
): T {
  if (!onTape(t, other)) {
    raw();
    t.bumpVersion();
    return t;
  }
  checkWritable(name, t);
  const previous = new Tensor(t.data.clone(), { gradFn: t.gradFn });
  const result = outOfPlace(previous);
  if (!nd.shapesEqual(result.shape, t.shape)) {
    throw new RangeError(`${name}: the result has shape ${nd.formatShape(result.shape)}, which does not fit in place into ${nd.formatShape(t.shape)}`);
  }
  t.data.copy_(result.data);
  t.gradFn = result.gradFn;
  t.bumpVersion();
  return t;
}

function rawOperand(x: TensorLike): nd.NDArray | number {
  return typeof x === 'number' ? x : x.data;
}

/** `t += other` in place. */
export function add_<T extends Tensor>(t: T, other: TensorLike): T {
  return rebase('add_', t, other, (p) => add(p, other), () => t.data.add_(rawOperand(other)));
}

/** `t −= other` in place. */
export function sub_<T extends Tensor>(t: T, other: TensorLike): T {
  return rebase('sub_', t, other, (p) => sub(p, other), () => t.data.sub_(rawOperand(other)));
}

/** `t ·= other` in place. */
export function mul_<T extends Tensor>(t: T, other: TensorLike): T {
  return rebase('mul_', t, other, (p) => mul(p, other), () => t.data.mul_(rawOperand(other)));
}

/** `t /= other` in place. */
export function div_<T extends Tensor>(t: T, other: TensorLike): T {
  return rebase('div_', t, other, (p) => div(p, other), () => t.data.div_(rawOperand(other)));
}

/** Clamps in place. */
export function clamp_<T extends Tensor>(t: T, min?: number | null, max?: number | null): T {
  return rebase('clamp_', t, null, (p) => clamp(p, min, max), () => t.data.clamp_(min, max));
}

/** Writes `value` everywhere; on the tape the old value gets a zero gradient. */
export function fill_<T extends Tensor>(t: T, value: number): T {
  return rebase(
    'fill_',
    t,
    null,
    (p) => fromOp('FillBackward0', nd.fullLike(p.data, value), [p], (g) => [mul(g, 0)]),
    () => t.data.fill_(value),
  );
}

/** Copies `src` (broadcast, cast) into `t`; on the tape the gradient goes to `src`. */
export function copy_<T extends Tensor>(t: T, src: TensorLike): T {
  const S = toTensor(src);
  return rebase(
    'copy_',
    t,
    src,
    (p) =>
      fromOp(
        'CopyBackwards',
        nd.zerosLike(p.data).copy_(S.data),
        [p, S],
        (g) => [mul(g, 0), S.requiresGrad ? sumTo(g, S.shape) : null],
      ),
    () => t.data.copy_(rawOperand(src)),
  );
}

