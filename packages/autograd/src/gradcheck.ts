/**
 * Finite-difference checks of analytical gradients: the test every differentiable op passes.
 * Central differences in float64, one Jacobian column per perturbed input element, compared with
 * the rows of the analytical Jacobian obtained by backward passes (one per output element).
 */
import { formatShape, NDArray } from '@torchlet/ndarray';
import { grad } from './engine.js';
import { enableGrad, noGrad } from './grad-mode.js';
import { Tensor } from './tensor.js';

/** Options of {@link gradcheck} and {@link gradgradcheck}. */
export interface GradcheckOptions {
  /** Perturbation of each input element (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Throw a descriptive error on mismatch (default true); false returns `false` instead. */
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(fn: Fn, inputs: readonly Tensor[]): Tensor[] {
  const out = fn(...inputs);
  return out instanceof Tensor ? [out] : [...out];
}

function fail(options: GradcheckOptions, message: string): boolean {
  if (options.raiseException ?? true) throw new Error(`gradcheck: ${message}`);
  return false;
}

/**
 * Checks the gradients of `fn` w.r.t. every input that requires grad against central finite
 * differences. Inputs must be float64 (float32 differences are too coarse to mean anything).
 * Returns true when every element matches: `|analytical − numerical| ≤ atol + rtol·|numerical|`.
 * @example
 * ```ts
 * const x = tensor([[0.3, -1.2]], { dtype: 'float64', requiresGrad: true });
 * gradcheck((t) => t.sigmoid().mul(t), [x]); // true
 * ```
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const diff = inputs.filter((t) => t.requiresGrad);
  if (diff.length === 0) return fail(options, 'no input requires grad');
  for (const t of diff) {
    if (t.dtype !== 'float64') return fail(options, `inputs must be float64 for finite differences, got ${t.dtype} ${formatShape(t.shape)}`);
  }
  const outputs = outputsOf(fn, inputs).filter((o) => o.requiresGrad || o.dtype === 'float64');
  // analytical Jacobian, one row per output element: J[o][k] is a gradient per input
  const analytical: number[][][] = [];
  for (const out of outputs) {
    const n = out.numel();
    for (let k = 0; k < n; k++) {
      if (!out.requiresGrad) {
        analytical.push(diff.map((t) => new Array<number>(t.numel()).fill(0)));
        continue;
      }
      const seed = new Float64Array(n);
      seed[k] = 1;
      const g = new Tensor(new NDArray(seed, 'float64', out.shape));
      const grads = grad([out], diff, { gradOutputs: [g], retainGraph: true, allowUnused: true });
      analytical.push(diff.map((t, i) => (grads[i] ? Array.from(grads[i].data.denseData()) : new Array<number>(t.numel()).fill(0))));
    }
  }
  // numerical Jacobian, by perturbing each input element in place
  for (let i = 0; i < diff.length; i++) {
    const t = diff[i]!;
    const data = t.data;
    if (!data.isContiguous()) return fail(options, `input ${i} must be contiguous`);
    const store = data.data;
    for (let e = 0; e < t.numel(); e++) {
      const at = data.offset + e;
      const orig = store[at]!;
      const evalAt = (v: number): number[] =>
        noGrad(() => {
          store[at] = v;
          return outputsOf(fn, inputs).flatMap((o) => Array.from(o.data.denseData()));
        });
      const plus = evalAt(orig + eps);
      const minus = evalAt(orig - eps);
      store[at] = orig;
      for (let r = 0; r < plus.length; r++) {
        const numerical = (plus[r]! - minus[r]!) / (2 * eps);
        const a = analytical[r]?.[i]?.[e] ?? 0;
        if (!(Math.abs(a - numerical) <= atol + rtol * Math.abs(numerical))) {
          return fail(
            options,
            `Jacobian mismatch for output element ${r} w.r.t. input ${i} element ${e}: analytical ${a}, numerical ${numerical}`,
          );
        }
      }
    }
  }
  return true;
}

/**
 * Checks second derivatives: the gradients of `fn` (computed with `createGraph`) are themselves
 * checked with {@link gradcheck}, w.r.t. the inputs and random upstream gradients.
 */
export function gradgradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const diff = inputs.filter((t) => t.requiresGrad);
  const outputs = outputsOf(fn, inputs).filter((o) => o.requiresGrad);
  // fixed, non-trivial upstream gradients (deterministic; no randomness needed)
  const gradOutputs = outputs.map((o) => {
    const v = new Float64Array(o.numel()).map((_, k) => 0.5 + ((k * 7919) % 13) / 13);
    return new Tensor(new NDArray(v, 'float64', o.shape), { requiresGrad: true });
  });
  // the tape must run even while gradcheck evaluates finite differences under noGrad
  const first = (...args: Tensor[]): Tensor[] => enableGrad(() => {
    const xs = args.slice(0, inputs.length);
    const gs = args.slice(inputs.length);
    const outs = outputsOf(fn, xs).filter((o) => o.requiresGrad);
    const targets = xs.filter((_, i) => inputs[i]!.requiresGrad);
    return grad(outs, targets, { gradOutputs: gs, createGraph: true, allowUnused: true }).map(
      (g, i) => g ?? new Tensor(new NDArray(new Float64Array(targets[i]!.numel()), 'float64', targets[i]!.shape)),
    );
  });
  if (diff.length === 0) return fail(options, 'no input requires grad');
  return gradcheck(first, [...inputs, ...gradOutputs], options);
}
