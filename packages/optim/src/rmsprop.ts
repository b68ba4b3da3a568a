/** RMSprop (Hinton), with momentum, the centered variant, weight decay and maximize. */
import type { Tensor } from '@torchlet/autograd';
import { Optimizer, readBuffer, readNumber, type ParamGroup, type Params, type StateValue } from './optimizer.js';
import { checkBoolean, checkBuffer, checkKnownKeys, checkNonNegative, defined, filled, paramDType, updateParam, type FloatArray } from './util.js';

/**
 * The options of {@link RMSprop} (PyTorch's names in camelCase).
 *
 * @example
 * ```ts
 * import type { RMSpropOptions } from '@torchlet/optim';
 * const o: RMSpropOptions = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };
 * ```
 */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant of the running average of squared gradients (default 0.99). */
  alpha: number;
  /** Added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment (default false). */
  centered: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/**
 * The per-parameter state of {@link RMSprop}.
 *
 * @example
 * ```ts
 * import type { RMSpropParamState } from '@torchlet/optim';
 * const s: RMSpropParamState = { step: 0, squareAvg: new Float32Array(2), momentumBuffer: null, gradAvg: null };
 * ```
 */
export interface RMSpropParamState {
  /** Steps taken so far. */
  step: number;
  /** Running average of the squared gradient. */
  squareAvg: FloatArray;
  /** The velocity (null while momentum is 0). */
  momentumBuffer: FloatArray | null;
  /** Centered: running average of the gradient (null otherwise). */
  gradAvg: FloatArray | null;
}

const KEYS = ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize'] as const;

function resolveRMSprop(owner: string, o: Partial<RMSpropOptions>): RMSpropOptions {
  const lr = checkNonNegative(owner, 'lr', o.lr, 'learning rate');
  const eps = checkNonNegative(owner, 'eps', o.eps, 'epsilon value');
  const momentum = checkNonNegative(owner, 'momentum', o.momentum, 'momentum value');
  const weightDecay = checkNonNegative(owner, 'weightDecay', o.weightDecay, 'weight_decay value');
  const alpha = checkNonNegative(owner, 'alpha', o.alpha, 'alpha value');
  const centered = checkBoolean(owner, 'centered', o.centered);
  const maximize = checkBoolean(owner, 'maximize', o.maximize);
  return { lr, alpha, eps, weightDecay, momentum, centered, maximize };
}

/**
 * One RMSprop step for one parameter, in place on `param`'s values (bumping its version) and on
 * `state` (missing buffers are created as zeros). With `g` the gradient:
 *
 * ```
 * g ← −g                                  if maximize
 * g ← g + weightDecay·p                   if weightDecay ≠ 0
 * s ← α·s + (1 − α)·g²
 * if centered:  ḡ ← α·ḡ + (1 − α)·g;  avg ← sqrt(s − ḡ²) + eps
 * else:         avg ← sqrt(s) + eps
 * if momentum > 0:  buf ← momentum·buf + g/avg;  p ← p − lr·buf
 * else:             p ← p − lr·g/avg
 * ```
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { rmspropUpdate, type RMSpropParamState } from '@torchlet/optim';
 * const p = tensor([1, 2]);
 * const state: RMSpropParamState = { step: 0, squareAvg: new Float32Array(2), momentumBuffer: null, gradAvg: null };
 * rmspropUpdate(p, tensor([1, -1]), state, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
 * // s = 0.01·g², so p moves by lr·g/0.1: p ≈ [0.9, 2.1]
 * ```
 */
export function rmspropUpdate(param: Tensor, grad: Tensor, state: RMSpropParamState, options: Readonly<RMSpropOptions>): void {
  const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = options;
  const op = 'rmspropUpdate';
  const dtype = paramDType(op, param);
  const n = param.numel();
  checkBuffer(op, 'squareAvg', param, state.squareAvg);
  checkBuffer(op, 'momentumBuffer', param, state.momentumBuffer);
  checkBuffer(op, 'gradAvg', param, state.gradAvg);
  if (momentum > 0 && state.momentumBuffer === null) state.momentumBuffer = filled(dtype, n, 0);
  if (centered && state.gradAvg === null) state.gradAvg = filled(dtype, n, 0);
  state.step += 1;
  const sq = state.squareAvg;
  const buf = momentum > 0 ? state.momentumBuffer : null;
  const ga = centered ? state.gradAvg : null;
  updateParam(op, param, grad, (p, gr, R) => {
    const wd = R(weightDecay);
    const a = R(alpha);
    const c = R(1 - alpha);
    const e = R(eps);
    const mu = R(momentum);
    const nlr = R(-lr);
    for (let i = 0; i < p.length; i++) {
      let g = R(maximize ? -gr[i]! : gr[i]!); // a gradient of another dtype is cast, as PyTorch would
      if (weightDecay !== 0) g = R(g + wd * p[i]!);
      const s = R(R(sq[i]! * a) + R(c * g) * g);
      sq[i] = s;
      let avg: number;
      if (ga !== null) {
        const m = R(R(ga[i]! * a) + c * g);
        ga[i] = m;
        avg = R(Math.sqrt(R(s - m * m)));
      } else {
        avg = R(Math.sqrt(s));
      }
      avg = R(avg + e);
      if (buf !== null) {
        const b = R(R(buf[i]! * mu) + R(g / avg));
        buf[i] = b;
        p[i] = R(p[i]! + nlr * b);
      } else {
        p[i] = R(p[i]! + R(R(nlr * g) / avg));
      }
    }
  });
}

/**
 * RMSprop, PyTorch's `torch.optim.RMSprop`; the update is {@link rmspropUpdate}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { RMSprop } from '@torchlet/optim';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new RMSprop([w], { lr: 0.01, momentum: 0.9, centered: true });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropParamState> {
  /**
   * @param params - the parameters (any iterable of tensors), or parameter groups with their own options
   * @param options - `lr` (1e-2), `alpha` (0.99), `eps` (1e-8), `weightDecay` (0), `momentum` (0), `centered` (false), `maximize` (false)
   */
  constructor(params: Params<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    checkKnownKeys('RMSprop', options, KEYS);
    super('RMSprop', params, resolveRMSprop('RMSprop', { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...defined(options) }));
  }

  protected resolveOptions(options: Partial<RMSpropOptions>, where: string): RMSpropOptions {
    return resolveRMSprop(`RMSprop: ${where}`, options);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    for (const [p, g] of this.withGrad(group)) {
      let s = this.state.get(p);
      if (!s) {
        s = { step: 0, squareAvg: filled(paramDType('RMSprop', p), p.numel(), 0), momentumBuffer: null, gradAvg: null };
        this.state.set(p, s);
      }
      rmspropUpdate(p, g, s, group);
    }
  }

  protected parseState(raw: Readonly<Record<string, StateValue>>, param: Tensor, where: string): RMSpropParamState {
    return {
      step: readNumber(where, raw, 'step'),
      squareAvg: readBuffer(where, raw, 'squareAvg', param),
      momentumBuffer: raw.momentumBuffer === undefined ? null : readBuffer(where, raw, 'momentumBuffer', param, true),
      gradAvg: raw.gradAvg === undefined ? null : readBuffer(where, raw, 'gradAvg', param, true),
    };
  }
}
