/** Adam (with AMSGrad and maximize): adaptive moment estimation. */
import type { Tensor } from '@torchlet/autograd';
import { Optimizer, readBuffer, readNumber, type ParamGroup, type Params, type StateValue } from './optimizer.js';
import { checkBoolean, checkBuffer, checkKnownKeys, checkNonNegative, checkUnitInterval, defined, filled, paramDType, show, updateParam, type FloatArray } from './util.js';

/**
 * The options of {@link Adam} and {@link AdamW} (PyTorch's names in camelCase).
 *
 * @example
 * ```ts
 * import type { AdamOptions } from '@torchlet/optim';
 * const o: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };
 * ```
 */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the running averages of the gradient and of its square (default [0.9, 0.999]). */
  betas: [beta1: number, beta2: number];
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0); AdamW: decoupled decay rate (default 1e-2). */
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad; default false). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/**
 * The per-parameter state of {@link Adam} and {@link AdamW}.
 *
 * @example
 * ```ts
 * import type { AdamParamState } from '@torchlet/optim';
 * const s: AdamParamState = { step: 0, expAvg: new Float32Array(2), expAvgSq: new Float32Array(2), maxExpAvgSq: null };
 * ```
 */
export interface AdamParamState {
  /** Steps taken so far (the bias corrections use it). */
  step: number;
  /** Running average of the gradient, `m`. */
  expAvg: FloatArray;
  /** Running average of the squared gradient, `v`. */
  expAvgSq: FloatArray;
  /** AMSGrad: the running maximum of `v` (null without AMSGrad). */
  maxExpAvgSq: FloatArray | null;
}

/** @internal */
export const ADAM_KEYS = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'] as const;

/** Validates Adam/AdamW options as PyTorch's constructors do. @internal */
export function resolveAdam(owner: string, o: Partial<AdamOptions>): AdamOptions {
  const lr = checkNonNegative(owner, 'lr', o.lr, 'learning rate');
  const eps = checkNonNegative(owner, 'eps', o.eps, 'epsilon value');
  const betas: unknown = o.betas;
  if (!Array.isArray(betas) || betas.length !== 2) throw new TypeError(`${owner}: betas must be a pair [beta1, beta2], got ${show(betas)}`);
  const beta1 = checkUnitInterval(owner, 'betas[0]', betas[0]);
  const beta2 = checkUnitInterval(owner, 'betas[1]', betas[1]);
  const weightDecay = checkNonNegative(owner, 'weightDecay', o.weightDecay, 'weight_decay value');
  const amsgrad = checkBoolean(owner, 'amsgrad', o.amsgrad);
  const maximize = checkBoolean(owner, 'maximize', o.maximize);
  return { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize };
}

/** A fresh Adam state for `param` (zeros; `step` 0). @internal */
export function newAdamState(param: Tensor, amsgrad: boolean): AdamParamState {
  const dtype = paramDType('Adam', param);
  const n = param.numel();
  return { step: 0, expAvg: filled(dtype, n, 0), expAvgSq: filled(dtype, n, 0), maxExpAvgSq: amsgrad ? filled(dtype, n, 0) : null };
}

/** Reads an Adam state back from a state dict. @internal */
export function parseAdamState(raw: Readonly<Record<string, StateValue>>, param: Tensor, where: string): AdamParamState {
  const step = readNumber(where, raw, 'step');
  return {
    step,
    expAvg: readBuffer(where, raw, 'expAvg', param),
    expAvgSq: readBuffer(where, raw, 'expAvgSq', param),
    maxExpAvgSq: raw.maxExpAvgSq === undefined ? null : readBuffer(where, raw, 'maxExpAvgSq', param, true),
  };
}

/** Adam and AdamW: `decoupled` selects AdamW's decay `p ← p·(1 − lr·weightDecay)`. @internal */
export function adamStep(op: string, param: Tensor, grad: Tensor, state: AdamParamState, options: Readonly<AdamOptions>, decoupled: boolean): void {
  const { lr, eps, weightDecay, amsgrad, maximize } = options;
  const [beta1, beta2] = options.betas;
  const dtype = paramDType(op, param);
  checkBuffer(op, 'expAvg', param, state.expAvg);
  checkBuffer(op, 'expAvgSq', param, state.expAvgSq);
  checkBuffer(op, 'maxExpAvgSq', param, state.maxExpAvgSq);
  if (amsgrad && state.maxExpAvgSq === null) state.maxExpAvgSq = filled(dtype, param.numel(), 0);
  state.step += 1;
  const step = state.step;
  const m = state.expAvg;
  const v = state.expAvgSq;
  const vmax = amsgrad ? state.maxExpAvgSq : null;
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const stepSize = lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
  updateParam(op, param, grad, (p, gr, R) => {
    const decay = R(1 - lr * weightDecay);
    const wd = R(weightDecay);
    const b1 = R(beta1);
    const b2 = R(beta2);
    const c1 = R(1 - beta1);
    const c2 = R(1 - beta2);
    const bc2 = R(biasCorrection2Sqrt);
    const e = R(eps);
    const alpha = R(-stepSize);
    for (let i = 0; i < p.length; i++) {
      if (decoupled) p[i] = R(p[i]! * decay);
      let g = R(maximize ? -gr[i]! : gr[i]!); // a gradient of another dtype is cast, as PyTorch would
      if (!decoupled && weightDecay !== 0) g = R(g + wd * p[i]!);
      const mi = R(R(m[i]! * b1) + c1 * g);
      m[i] = mi;
      let vi = R(R(v[i]! * b2) + R(c2 * g) * g);
      v[i] = vi;
      if (vmax !== null) {
        vi = Math.max(vmax[i]!, vi);
        vmax[i] = vi;
      }
      const denom = R(R(R(Math.sqrt(vi)) / bc2) + e);
      p[i] = R(p[i]! + R(R(alpha * mi) / denom));
    }
  });
}

/**
 * One Adam step for one parameter, in place on `param`'s values (bumping its version) and on
 * `state`. With `g` the gradient and `t` the step count after incrementing it:
 *
 * ```
 * g ← −g                              if maximize
 * g ← g + weightDecay·p               if weightDecay ≠ 0 (L2 penalty)
 * m ← β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g²
 * v̂max ← max(v̂max, v)                if amsgrad (then used in place of v)
 * denom ← sqrt(v) / sqrt(1 − β2^t) + eps
 * p ← p − (lr / (1 − β1^t)) · m / denom
 * ```
 *
 * The bias corrections are computed in float64 (Python floats), every tensor operation is
 * rounded to the parameter's dtype in PyTorch's order. Options are not validated here.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { adamUpdate, type AdamParamState } from '@torchlet/optim';
 * const p = tensor([1, 2]);
 * const state: AdamParamState = { step: 0, expAvg: new Float32Array(2), expAvgSq: new Float32Array(2), maxExpAvgSq: null };
 * adamUpdate(p, tensor([0.5, -3]), state, { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
 * // the first step moves each element by lr against the sign of its gradient: p ≈ [0.9, 2.1]
 * ```
 */
export function adamUpdate(param: Tensor, grad: Tensor, state: AdamParamState, options: Readonly<AdamOptions>): void {
  adamStep('adamUpdate', param, grad, state, options, false);
}

/**
 * Adam, PyTorch's `torch.optim.Adam` (with `amsgrad` and `maximize`); the update is
 * {@link adamUpdate}. Weight decay here is an L2 penalty added to the gradient: for decoupled
 * decay use {@link AdamW}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { Adam } from '@torchlet/optim';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new Adam([w], { lr: 0.01, betas: [0.9, 0.99] });
 * opt.zeroGrad();
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class Adam extends Optimizer<AdamOptions, AdamParamState> {
  /**
   * @param params - the parameters (any iterable of tensors), or parameter groups with their own options
   * @param options - `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (0), `amsgrad` (false), `maximize` (false)
   */
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    checkKnownKeys('Adam', options, ADAM_KEYS);
    super('Adam', params, resolveAdam('Adam', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...defined(options) }));
  }

  protected resolveOptions(options: Partial<AdamOptions>, where: string): AdamOptions {
    return resolveAdam(`Adam: ${where}`, options);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    for (const [p, g] of this.withGrad(group)) {
      let s = this.state.get(p);
      if (!s) this.state.set(p, (s = newAdamState(p, group.amsgrad)));
      adamUpdate(p, g, s, group);
    }
  }

  protected parseState(raw: Readonly<Record<string, StateValue>>, param: Tensor, where: string): AdamParamState {
    return parseAdamState(raw, param, where);
  }
}
