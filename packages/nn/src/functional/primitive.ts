/**
 * Internal helpers shared by the functional ops: recording a new differentiable primitive on
 * autograd's tape, and the argument checks every op runs before computing anything.
 */
import { isGradEnabled, Node, Tensor, type BackwardFn } from '@torchlet/autograd';
import { formatShape, isFloatDType, type NDArray } from '@torchlet/ndarray';

/**
 * Wraps the result of a primitive and records it on the tape when grad mode is on and an input
 * requires grad (autograd's own `fromOp`): `backward` maps the output's gradient to one gradient per
 * input, written with differentiable ops so that gradients of gradients work; `saved` lists the
 * inputs whose values the backward reads (an in-place change to them is then caught).
 */
export function record(name: string, out: NDArray, inputs: readonly Tensor[], backward: BackwardFn, saved: readonly Tensor[] = []): Tensor {
  const track = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  return new Tensor(out, { gradFn: track ? new Node(name, inputs, backward, saved) : null });
}

/** Throws unless `t` is a Tensor. */
export function checkTensor(op: string, name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  return t;
}

/** Throws unless `t` is a float32/float64 tensor. */
export function checkFloat(op: string, name: string, t: unknown): Tensor {
  const x = checkTensor(op, name, t);
  if (!isFloatDType(x.dtype)) {
    throw new TypeError(`${op}: ${name} must be a float32 or float64 tensor, got ${x.dtype} (shape ${formatShape(x.shape)})`);
  }
  return x;
}

/** Throws unless `v` is a finite number. */
export function checkFinite(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${op}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/** Throws unless `b` has exactly the shape of `a`. */
export function checkSameShape(op: string, aName: string, a: Tensor, bName: string, b: Tensor): void {
  const same = a.ndim === b.ndim && a.shape.every((s, i) => s === b.shape[i]);
  if (!same) {
    throw new RangeError(`${op}: ${bName} has shape ${formatShape(b.shape)} but ${aName} has shape ${formatShape(a.shape)} (they must match)`);
  }
}

/** Throws unless `t` broadcasts to `shape` (NumPy rules, without growing `shape`). */
export function checkBroadcastsTo(op: string, name: string, t: Tensor, shape: readonly number[], to: string): void {
  const lead = shape.length - t.ndim;
  const ok = lead >= 0 && t.shape.every((s, i) => s === 1 || s === shape[lead + i]);
  if (!ok) {
    throw new RangeError(`${op}: ${name} of shape ${formatShape(t.shape)} does not broadcast to the ${to} shape ${formatShape(shape)}`);
  }
}
