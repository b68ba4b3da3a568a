/**
 * The gradients of the activations, each one fused pass over the output gradient and the saved
 * forward output (PyTorch's `sigmoid_backward`, `tanh_backward`, `threshold_backward`). Composed
 * from element-wise ops they take three passes and two temporaries; in a small CNN's training step
 * they run over every activation, so the fused form matters.
 *
 * float32 results are rounded after every operation, in PyTorch's order, so they equal what
 * float32 arithmetic gives (a product of two float32 values is exact in float64, so rounding it
 * once gives the float32 product).
 */
import { getBackend, type FloatArray } from '../backend.js';
import { allocateUninitialized, isFloatDType } from '../dtype.js';
import { NDArray } from '../ndarray.js';
import { formatShape, shapeSize, shapesEqual } from '../shape.js';

function check(op: string, grad: NDArray, output: NDArray): void {
  if (!shapesEqual(grad.shape, output.shape)) {
    throw new RangeError(`${op}: the gradient has shape ${formatShape(grad.shape)} but the output has shape ${formatShape(output.shape)}`);
  }
  if (!isFloatDType(grad.dtype) || grad.dtype !== output.dtype) {
    throw new TypeError(`${op}: expected the gradient and the output to have one float dtype, got ${grad.dtype} and ${output.dtype}`);
  }
}

/** Dense inputs, a new dense result of the same dtype, and whether it is float32. */
function operands(grad: NDArray, output: NDArray): { g: Float32Array | Float64Array; y: Float32Array | Float64Array; r: NDArray; f32: boolean } {
  const g = grad.denseData() as Float32Array | Float64Array;
  const y = output.denseData() as Float32Array | Float64Array;
  const r = new NDArray(allocateUninitialized(grad.dtype, shapeSize(grad.shape)), grad.dtype, grad.shape);
  return { g, y, r, f32: grad.dtype === 'float32' };
}

/**
 * The gradient of σ given the output gradient `grad` and the forward output `output` = σ(x):
 * `grad · (1 − output) · output`, by the current backend's `sigmoidBackward` kernel.
 * @example
 * ```ts
 * sigmoidBackward(array([1]), sigmoid(array([0]))).item(); // 0.25
 * ```
 */
export function sigmoidBackward(grad: NDArray, output: NDArray): NDArray {
  check('sigmoidBackward', grad, output);
  const { g, y, r } = operands(grad, output);
  const d = r.data as FloatArray;
  getBackend().sigmoidBackward(g, y, d, d.length);
  return r;
}

/**
 * The gradient of tanh given `grad` and the forward output `output` = tanh(x): `grad · (1 − output²)`.
 * @example
 * ```ts
 * tanhBackward(array([2]), tanh(array([0]))).item(); // 2
 * ```
 */
export function tanhBackward(grad: NDArray, output: NDArray): NDArray {
  check('tanhBackward', grad, output);
  const { g, y, r, f32 } = operands(grad, output);
  const d = r.data as Float32Array | Float64Array;
  const n = d.length;
  if (f32) for (let i = 0; i < n; i++) d[i] = g[i]! * Math.fround(1 - Math.fround(y[i]! * y[i]!));
  else for (let i = 0; i < n; i++) d[i] = g[i]! * (1 - y[i]! * y[i]!);
  return r;
}

/**
 * The gradient of ReLU given `grad` and the forward output `output` = relu(x): `grad` where
 * `output > 0`, else 0 (PyTorch's `threshold_backward(grad, output, 0)`; a NaN output passes the
 * gradient through).
 * @example
 * ```ts
 * reluBackward(array([5, 5]), relu(array([-1, 2]))).toArray(); // [0, 5]
 * ```
 */
export function reluBackward(grad: NDArray, output: NDArray): NDArray {
  check('reluBackward', grad, output);
  const { g, y, r } = operands(grad, output);
  const d = r.data as Float32Array | Float64Array;
  const n = d.length;
  for (let i = 0; i < n; i++) d[i] = y[i]! <= 0 ? 0 : g[i]!;
  return r;
}
