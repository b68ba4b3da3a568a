/**
 * Differentiable element-wise ops. Each forward calls the @torchlet/ndarray kernel; its backward,
 * right below, is written with differentiable ops, so that gradients of gradients work too.
 * Broadcast operands get their gradient summed back to their own shape (`sumTo`).
 */
import * as nd from '@torchlet/ndarray';
import { fromOp, saveOutput, Tensor, toTensor, type TensorLike } from '../tensor.js';
import { sumTo } from './broadcast.js';

/** The raw operand for an ndarray kernel: numbers stay numbers (PyTorch's weak scalar dtype rule). */
function raw(x: TensorLike): nd.NDArray | number {
  return typeof x === 'number' ? x : x.data;
}

/** A constant tensor (no gradient) holding `mask` as the dtype of `like`. */
function constant(mask: nd.NDArray, like: Tensor): Tensor {
  return new Tensor(mask.dtype === like.dtype ? mask : mask.astype(like.dtype));
}

/** `a + b`, broadcasting. ∂/∂a = g, ∂/∂b = g (each summed to its operand's shape). */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const A = toTensor(a);
  const B = toTensor(b);
  return fromOp('AddBackward0', nd.add(raw(a), raw(b)), [A, B], (g) => [
    A.requiresGrad ? sumTo(g, A.shape) : null,
    B.requiresGrad ? sumTo(g, B.shape) : null,
  ]);
}

/** `a − b`, broadcasting. ∂/∂a = g, ∂/∂b = −g. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const A = toTensor(a);
  const B = toTensor(b);
  return fromOp('SubBackward0', nd.sub(raw(a), raw(b)), [A, B], (g) => [
    A.requiresGrad ? sumTo(g, A.shape) : null,
    B.requiresGrad ? sumTo(neg(g), B.shape) : null,
  ]);
}

/** `a · b`, broadcasting. ∂/∂a = g·b, ∂/∂b = g·a. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const A = toTensor(a);
  const B = toTensor(b);
  return fromOp(
    'MulBackward0',
    nd.mul(raw(a), raw(b)),
    [A, B],
    (g) => [A.requiresGrad ? sumTo(mul(g, b), A.shape) : null, B.requiresGrad ? sumTo(mul(g, a), B.shape) : null],
    [A, B],
  );
}

/** `a / b`, broadcasting. ∂/∂a = g/b, ∂/∂b = −g·a/b². */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const A = toTensor(a);
  const B = toTensor(b);
  return fromOp(
    'DivBackward0',
    nd.div(raw(a), raw(b)),
    [A, B],
    (g) => [
      A.requiresGrad ? sumTo(div(g, b), A.shape) : null,
      B.requiresGrad ? sumTo(neg(div(mul(g, a), mul(b, b))), B.shape) : null,
    ],
    [A, B],
  );
}

/** `a ** b`. ∂/∂a = g·b·a^(b−1), ∂/∂b = g·a^b·log a (0 where a = 0, as in PyTorch). */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const A = toTensor(a);
  const B = toTensor(b);
  const out = fromOp(
    'PowBackward0',
    nd.pow(raw(a), raw(b)),
    [A, B],
    (g) => [
      A.requiresGrad ? sumTo(typeof b === 'number' ? (b === 0 ? mul(g, 0) : mul(g, mul(pow(a, b - 1), b))) : mul(g, mul(b, pow(a, sub(b, 1)))), A.shape) : null,
      B.requiresGrad ? sumTo(mul(g, mul(out, logOrZero(A))), B.shape) : null,
    ],
    [A, B],
  );
  return saveOutput(out);
}

/** log(a) with 0 where a = 0: the factor of ∂(a^b)/∂b, which PyTorch also zeroes there. */
function logOrZero(a: Tensor): Tensor {
  const zero = constant(nd.eq(a.data, 0), a);
  return log(add(a, zero)).mul(sub(1, zero));
}

/** `−a`. */
export function neg(a: Tensor): Tensor {
  return fromOp('NegBackward0', nd.neg(a.data), [a], (g) => [neg(g)]);
}

/** `eᵃ`. ∂/∂a = g·eᵃ (the output, reused). */
export function exp(a: Tensor): Tensor {
  const out: Tensor = fromOp('ExpBackward0', nd.exp(a.data), [a], (g) => [mul(g, out)]);
  return saveOutput(out);
}

/** `log a`. ∂/∂a = g/a. */
export function log(a: Tensor): Tensor {
  return fromOp('LogBackward0', nd.log(a.data), [a], (g) => [div(g, a)], [a]);
}

/** `√a`. ∂/∂a = g/(2√a). */
export function sqrt(a: Tensor): Tensor {
  const out: Tensor = fromOp('SqrtBackward0', nd.sqrt(a.data), [a], (g) => [div(g, mul(out, 2))]);
  return saveOutput(out);
}

/** `a²`. ∂/∂a = 2a·g. */
export function square(a: Tensor): Tensor {
  return fromOp('PowBackward0', nd.square(a.data), [a], (g) => [mul(g, mul(a, 2))], [a]);
}

/** `|a|`. ∂/∂a = g·sign(a) (0 at 0). */
export function abs(a: Tensor): Tensor {
  return fromOp('AbsBackward0', nd.abs(a.data), [a], (g) => [mul(g, constant(nd.sign(a.data), a))], [a]);
}

/** `tanh a`. ∂/∂a = g·(1 − tanh²a), one fused pass ({@link tanhGrad}). */
export function tanh(a: Tensor): Tensor {
  const out: Tensor = fromOp('TanhBackward0', nd.tanh(a.data), [a], (g) => [tanhGrad(g, out)]);
  return saveOutput(out);
}

/**
 * `g·(1 − y²)`, the gradient of tanh from its output y, as one op (PyTorch's `tanh_backward`):
 * one pass instead of three. Differentiable, for gradients of gradients:
 * ∂/∂g = gg·(1 − y²), ∂/∂y = −2·gg·g·y.
 */
function tanhGrad(g: Tensor, y: Tensor): Tensor {
  if (g.dtype !== y.dtype) return mul(g, sub(1, mul(y, y)));
  return fromOp('TanhBackwardBackward0', nd.tanhBackward(g.data, y.data), [g, y], (gg) => [
    g.requiresGrad ? tanhGrad(gg, y) : null,
    y.requiresGrad ? mul(mul(gg, g), mul(y, -2)) : null,
  ], [g, y]);
}

/** The logistic function σ(a). ∂/∂a = g·σ(a)·(1 − σ(a)), one fused pass ({@link sigmoidGrad}). */
export function sigmoid(a: Tensor): Tensor {
  const out: Tensor = fromOp('SigmoidBackward0', nd.sigmoid(a.data), [a], (g) => [sigmoidGrad(g, out)]);
  return saveOutput(out);
}

/**
 * `g·(1 − y)·y`, the gradient of σ from its output y, as one op (PyTorch's `sigmoid_backward`):
 * one pass instead of three. Differentiable, for gradients of gradients:
 * ∂/∂g = gg·(1 − y)·y, ∂/∂y = gg·g·(1 − 2y).
 */
function sigmoidGrad(g: Tensor, y: Tensor): Tensor {
  if (g.dtype !== y.dtype) return mul(g, mul(y, sub(1, y)));
  return fromOp('SigmoidBackwardBackward0', nd.sigmoidBackward(g.data, y.data), [g, y], (gg) => [
    g.requiresGrad ? sigmoidGrad(gg, y) : null,
    y.requiresGrad ? mul(mul(gg, g), sub(1, mul(y, 2))) : null,
  ], [g, y]);
}

/** 2/√π, the factor of erf's derivative. */
const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * The error function `erf(a) = 2/√π ∫₀ᵃ e^(−t²) dt` (accurate to about 2 ulp in float64).
 * ∂/∂a = g·2/√π·e^(−a²).
 * @example
 * ```ts
 * const x = tensor([0, 1], { dtype: 'float64', requiresGrad: true });
 * erf(x).sum().backward(); // x.grad = [1.1283791670955126, 0.4151074974205947]
 * ```
 */
export function erf(a: Tensor): Tensor {
  return fromOp('ErfBackward0', nd.erf(a.data), [a], (g) => [mul(g, mul(exp(neg(square(a))), TWO_OVER_SQRT_PI))], [a]);
}

/** `max(a, 0)`. ∂/∂a = g where a > 0, else 0 (0 at exactly 0, as in PyTorch), one fused pass. */
export function relu(a: Tensor): Tensor {
  const out: Tensor = fromOp('ReluBackward0', nd.relu(a.data), [a], (g) => [reluGrad(g, out)]);
  return saveOutput(out);
}

/**
 * `g` where `y > 0`, else 0: the gradient of ReLU from its output y (PyTorch's
 * `threshold_backward`). Linear in g, so its own gradient is itself; y only selects (no gradient).
 */
function reluGrad(g: Tensor, y: Tensor): Tensor {
  if (g.dtype !== y.dtype || !nd.isFloatDType(y.dtype)) return mul(g, constant(nd.gt(y.data, 0), y));
  return fromOp('ThresholdBackwardBackward0', nd.reluBackward(g.data, y.data), [g], (gg) => [reluGrad(gg, y)], [y]);
}

/** Limits `a` to `[min, max]`. ∂/∂a = g where min ≤ a ≤ max, else 0. */
export function clamp(a: Tensor, min?: number | null, max?: number | null): Tensor {
  return fromOp(
    'ClampBackward1',
    nd.clamp(a.data, min, max),
    [a],
    (g) => {
      let mask = nd.full(a.shape, 1, { dtype: 'bool' }) as nd.NDArray;
      if (min !== null && min !== undefined) mask = nd.mul(mask, nd.ge(a.data, min));
      if (max !== null && max !== undefined) mask = nd.mul(mask, nd.le(a.data, max));
      return [mul(g, constant(mask, a))];
    },
    [a],
  );
}

function extremum(name: string, pick: typeof nd.maximum, better: typeof nd.gt) {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const A = toTensor(a);
    const B = toTensor(b);
    return fromOp(
      name,
      pick(raw(a), raw(b)),
      [A, B],
      (g) => {
        // ties split the gradient evenly, as PyTorch does
        const tie = nd.mul(nd.eq(raw(a), raw(b)), 0.5);
        const toA = nd.add(better(raw(a), raw(b)), tie);
        const toB = nd.add(better(raw(b), raw(a)), tie);
        return [
          A.requiresGrad ? sumTo(mul(g, constant(toA, g)), A.shape) : null,
          B.requiresGrad ? sumTo(mul(g, constant(toB, g)), B.shape) : null,
        ];
      },
      [A, B],
    );
  };
}

/** Element-wise maximum; ties send half of the gradient to each side. */
export const maximum = extremum('MaximumBackward0', nd.maximum, nd.gt);
/** Element-wise minimum; ties send half of the gradient to each side. */
export const minimum = extremum('MinimumBackward0', nd.minimum, nd.lt);

function comparison(fn: (a: nd.NDArray | number, b: nd.NDArray | number) => nd.NDArray) {
  return (a: TensorLike, b: TensorLike): Tensor => new Tensor(fn(raw(a), raw(b)));
}

/** `a == b` as a bool tensor (not differentiable). */
export const eq = comparison(nd.eq);
/** `a != b` as a bool tensor (not differentiable). */
export const ne = comparison(nd.ne);
/** `a < b` as a bool tensor (not differentiable). */
export const lt = comparison(nd.lt);
/** `a <= b` as a bool tensor (not differentiable). */
export const le = comparison(nd.le);
/** `a > b` as a bool tensor (not differentiable). */
export const gt = comparison(nd.gt);
/** `a >= b` as a bool tensor (not differentiable). */
export const ge = comparison(nd.ge);

/**
 * Picks `a` where `condition` is true, `b` elsewhere (broadcasting). The gradient goes to the
 * side that was picked.
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const A = toTensor(a);
  const B = toTensor(b);
  const c = condition.data;
  return fromOp('WhereBackward0', nd.where(c, raw(a), raw(b)), [A, B], (g) => [
    A.requiresGrad ? sumTo(where(condition, g, 0), A.shape) : null,
    B.requiresGrad ? sumTo(where(condition, 0, g), B.shape) : null,
  ]);
}
