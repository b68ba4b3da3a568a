/**
 * Gradient and parameter utilities (PyTorch's `torch.nn.utils`): gradient clipping by norm or by
 * value, and flattening parameters into one vector and back.
 */
import { isGradEnabled, noGrad, Node, Tensor, tensor } from '@torchlet/autograd';
import { allocate, NDArray } from '@torchlet/ndarray';
import { shapeText } from './repr.js';

function tensorsOf(op: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  if (parameters === null || typeof parameters !== 'object' || typeof parameters[Symbol.iterator] !== 'function') {
    throw new TypeError(`${op}: expected a Tensor or an iterable of Tensors (e.g. model.parameters()), got ${parameters === null ? 'null' : typeof parameters}`);
  }
  const list = [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: element ${i} is not a Tensor (got ${p === null ? 'null' : typeof p})`);
  });
  return list;
}

/**
 * Options of {@link clipGradNorm_}.
 * @example
 * ```ts
 * clipGradNorm_(model.parameters(), 1, { normType: 'inf' });
 * ```
 */
export interface ClipGradNormOptions {
  /** The p of the p-norm (default 2); `Infinity` or `'inf'` for the largest absolute value. */
  normType?: number | 'inf';
  /** Throw when the total norm is NaN or infinite (default false: scale by it anyway). */
  errorIfNonfinite?: boolean;
}

/**
 * Rescales the gradients of `parameters` in place so that their total norm (the norm of all
 * gradients concatenated into one vector) is at most `maxNorm` (PyTorch's `clip_grad_norm_`):
 * every gradient is multiplied by `min(1, maxNorm / (total + 1e-6))`. Parameters without a
 * gradient are skipped. Returns the total norm before clipping, as a 0-d tensor (`.item()` for
 * the number), 0 when no parameter has a gradient.
 * @throws Error when `errorIfNonfinite` is set and the total norm is NaN or infinite
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm_(model.parameters(), 1).item();
 * ```
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  const op = 'clipGradNorm_';
  const grads = tensorsOf(op, parameters)
    .map((p) => p.grad)
    .filter((g): g is Tensor => g !== null);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new TypeError(`${op}: maxNorm must be a number, got ${String(maxNorm)}`);
  const normType = options.normType === 'inf' ? Infinity : (options.normType ?? 2);
  if (typeof normType !== 'number' || !(normType > 0)) throw new RangeError(`${op}: normType must be a positive number or 'inf', got ${String(options.normType)}`);
  const dtype = grads[0]?.dtype === 'float64' ? 'float64' : 'float32';
  if (grads.length === 0) return tensor(0, { dtype });
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) for (const v of g.data.denseData()) total = Math.max(total, Math.abs(v));
    if (grads.some((g) => g.data.denseData().some((v) => Number.isNaN(v)))) total = NaN;
  } else {
    let acc = 0;
    for (const g of grads) for (const v of g.data.denseData()) acc += Math.abs(v) ** normType;
    total = acc ** (1 / normType);
  }
  if ((options.errorIfNonfinite ?? false) && !Number.isFinite(total)) {
    throw new Error(
      `${op}: the total norm of order ${normType === Infinity ? 'inf' : normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
        'To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`',
    );
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  noGrad(() => {
    for (const g of grads) g.mul_(coef);
  });
  return tensor(total, { dtype });
}

/**
 * Clamps every gradient of `parameters` to `[−clipValue, clipValue]` in place (PyTorch's
 * `clip_grad_value_`). Parameters without a gradient are skipped.
 * @example
 * ```ts
 * loss.backward();
 * clipGradValue_(model.parameters(), 0.5);
 * ```
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  const op = 'clipGradValue_';
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) throw new TypeError(`${op}: clipValue must be a number, got ${String(clipValue)}`);
  const v = Math.abs(clipValue);
  noGrad(() => {
    for (const p of tensorsOf(op, parameters)) p.grad?.clamp_(-v, v);
  });
}

/**
 * Concatenates the parameters, flattened, into one 1-D tensor (PyTorch's
 * `parameters_to_vector`). Gradients flow back to the parameters (`CatBackward0`).
 * @throws TypeError when the parameters have different dtypes; Error when there are none
 * @example
 * ```ts
 * const v = parametersToVector(new Linear(3, 2).parameters());
 * v.shape; // [8]
 * ```
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const op = 'parametersToVector';
  const params = tensorsOf(op, parameters);
  if (params.length === 0) throw new Error(`${op}: expected at least one parameter`);
  const dtype = params[0]!.dtype;
  const other = params.find((p) => p.dtype !== dtype);
  if (other) throw new TypeError(`${op}: all parameters must have one dtype, got ${dtype} and ${other.dtype}`);
  const offsets: number[] = [];
  let total = 0;
  for (const p of params) {
    offsets.push(total);
    total += p.numel();
  }
  const out = allocate(dtype, total);
  params.forEach((p, i) => out.set(p.data.denseData(), offsets[i]));
  const track = isGradEnabled() && params.some((p) => p.requiresGrad);
  const node = track
    ? new Node(
        'CatBackward0',
        params,
        (g) => params.map((p, i) => (p.requiresGrad ? g.slice(0, offsets[i], offsets[i]! + p.numel()).reshape(p.shape) : null)),
        [],
      )
    : null;
  return new Tensor(new NDArray(out, dtype, [total]), { gradFn: node });
}

/**
 * Copies the consecutive slices of the 1-D `vec` into `parameters` (reshaped to each one's
 * shape), in place and without recording gradients — the inverse of {@link parametersToVector}.
 * (PyTorch rebinds each parameter's `.data` to a view of `vec`; torchlet copies, so the
 * parameters keep their own storage.)
 * @throws RangeError when `vec` is not 1-D or its length is not the parameters' total size
 * @example
 * ```ts
 * const net = new Linear(3, 2);
 * vectorToParameters(tensor(zeros([8])), net.parameters()); // every weight and bias is now 0
 * ```
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const op = 'vectorToParameters';
  if (!(vec instanceof Tensor)) throw new TypeError(`${op}: expected vec to be a Tensor, got ${vec === null ? 'null' : typeof vec}`);
  if (vec.ndim !== 1) throw new RangeError(`${op}: expected a 1-D vec, got shape ${shapeText(vec.shape)}`);
  const params = tensorsOf(op, parameters);
  const total = params.reduce((n, p) => n + p.numel(), 0);
  if (vec.numel() !== total) {
    throw new RangeError(`${op}: vec has ${vec.numel()} elements but the parameters have ${total} in all`);
  }
  noGrad(() => {
    let offset = 0;
    for (const p of params) {
      const n = p.numel();
      p.copy_(vec.detach().slice(0, offset, offset + n).reshape(p.shape));
      offset += n;
    }
  });
}
