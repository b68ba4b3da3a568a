/** Stochastic gradient descent with momentum, dampening, Nesterov, weight decay and maximize. */
import type { Tensor } from '@torchlet/autograd';
import { Optimizer, readBuffer, type ParamGroup, type Params, type StateValue } from './optimizer.js';
import { checkBoolean, checkBuffer, checkKnownKeys, defined, checkNonNegative, checkNumber, filled, paramDType, show, updateParam, type FloatArray } from './util.js';

/**
 * The options of {@link SGD} (PyTorch's names in camelCase).
 *
 * @example
 * ```ts
 * import type { SGDOptions } from '@torchlet/optim';
 * const o: SGDOptions = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 5e-4, nesterov: true, maximize: false };
 * ```
 */
export interface SGDOptions {
  /** Learning rate (required: in the options or in every group). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum: number;
  /** Dampening of the momentum (default 0). */
  dampening: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/**
 * The per-parameter state of {@link SGD}: the momentum buffer, `null` until the first step
 * with momentum (and always `null` without momentum, as PyTorch stores `None`).
 *
 * @example
 * ```ts
 * import type { SGDParamState } from '@torchlet/optim';
 * const s: SGDParamState = { momentumBuffer: null };
 * ```
 */
export interface SGDParamState {
  /** The velocity, one value per element of the parameter. */
  momentumBuffer: FloatArray | null;
}

const KEYS = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize'] as const;
const DEFAULTS: Omit<SGDOptions, 'lr'> = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };

/** Validates SGD options as PyTorch's constructor does; `lr` may be missing only when `allowNoLr`. */
function resolveSGD(owner: string, o: Partial<SGDOptions>, allowNoLr: boolean): Partial<SGDOptions> {
  const out: Partial<SGDOptions> = {
    momentum: checkNonNegative(owner, 'momentum', o.momentum, 'momentum value'),
    dampening: checkNumber(owner, 'dampening', o.dampening),
    weightDecay: checkNonNegative(owner, 'weightDecay', o.weightDecay, 'weight_decay value'),
    nesterov: checkBoolean(owner, 'nesterov', o.nesterov),
    maximize: checkBoolean(owner, 'maximize', o.maximize),
  };
  if (o.lr !== undefined || !allowNoLr) {
    if (o.lr === undefined) throw new TypeError(`${owner}: lr is required (give it in the options or in every parameter group)`);
    out.lr = checkNonNegative(owner, 'lr', o.lr, 'learning rate');
  }
  if (out.nesterov && (out.momentum! <= 0 || out.dampening !== 0)) {
    throw new RangeError(
      `${owner}: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum ${show(out.momentum)} and dampening ${show(out.dampening)}`,
    );
  }
  return out;
}

/**
 * One SGD step for one parameter, in place on `param`'s values (bumping its version) and on
 * `state.momentumBuffer`. With `g` the gradient:
 *
 * ```
 * g ← −g                          if maximize
 * g ← g + weightDecay·p           if weightDecay ≠ 0
 * if momentum ≠ 0:
 *   buf ← g                                   at the first step (buf is null)
 *   buf ← momentum·buf + (1 − dampening)·g    afterwards
 *   g ← g + momentum·buf   if nesterov, else   g ← buf
 * p ← p − lr·g
 * ```
 *
 * Each operation is rounded to the parameter's dtype, in PyTorch's order (float32 results are
 * bit-identical to PyTorch 1.13's on the reference suite). The options are not validated here;
 * {@link SGD} does.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { sgdUpdate, type SGDParamState } from '@torchlet/optim';
 * const p = tensor([1, 2]);
 * const state: SGDParamState = { momentumBuffer: null };
 * const options = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };
 * sgdUpdate(p, tensor([1, 1]), state, options); // p = [0.9, 1.9], buf = [1, 1]
 * sgdUpdate(p, tensor([1, 1]), state, options); // buf = [1.9, 1.9], p ≈ [0.71, 1.71]
 * ```
 */
export function sgdUpdate(param: Tensor, grad: Tensor, state: SGDParamState, options: Readonly<SGDOptions>): void {
  const { momentum, dampening, weightDecay, nesterov, maximize } = options;
  const dtype = paramDType('sgdUpdate', param);
  checkBuffer('sgdUpdate', 'momentumBuffer', param, state.momentumBuffer);
  const first = state.momentumBuffer === null;
  const buf = momentum !== 0 ? (state.momentumBuffer ?? filled(dtype, param.numel(), 0)) : null;
  updateParam('sgdUpdate', param, grad, (p, gr, R) => {
    const wd = R(weightDecay);
    const mu = R(momentum);
    const keep = R(1 - dampening);
    const alpha = R(-options.lr);
    if (buf === null && weightDecay === 0 && !maximize && (p instanceof Float32Array ? gr instanceof Float32Array : gr instanceof Float64Array)) {
      // plain SGD (the defaults) with a gradient of the parameter's dtype: the operations of the
      // loop below, the store into p doing its one rounding, without per-element branches or calls
      for (let i = 0; i < p.length; i++) p[i] = p[i]! + alpha * gr[i]!;
      return;
    }
    for (let i = 0; i < p.length; i++) {
      let g = R(maximize ? -gr[i]! : gr[i]!); // a gradient of another dtype is cast, as PyTorch would
      if (weightDecay !== 0) g = R(g + wd * p[i]!);
      if (buf !== null) {
        const b = first ? g : R(R(buf[i]! * mu) + keep * g);
        buf[i] = b;
        g = nesterov ? R(g + mu * b) : b;
      }
      p[i] = R(p[i]! + alpha * g);
    }
  });
  if (buf !== null) state.momentumBuffer = buf;
}

/**
 * Stochastic gradient descent (optionally with momentum), PyTorch's `torch.optim.SGD`; the
 * update is {@link sgdUpdate}. `lr` is required, as in PyTorch 1.13.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD } from '@torchlet/optim';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * for (let i = 0; i < 3; i++) {
 *   opt.zeroGrad();
 *   w.mul(w).sum().backward();
 *   opt.step();
 * }
 * ```
 */
export class SGD extends Optimizer<SGDOptions, SGDParamState> {
  /**
   * @param params - the parameters (any iterable of tensors), or parameter groups with their own options
   * @param options - `lr` (required here or in every group), `momentum`, `dampening`, `weightDecay`, `nesterov`, `maximize`
   */
  constructor(params: Params<SGDOptions>, options: Partial<SGDOptions> = {}) {
    checkKnownKeys('SGD', options, KEYS);
    super('SGD', params, resolveSGD('SGD', { ...DEFAULTS, ...defined(options) }, true));
  }

  protected resolveOptions(options: Partial<SGDOptions>, where: string): SGDOptions {
    return resolveSGD(`SGD: ${where}`, options, false) as SGDOptions;
  }

  protected updateGroup(group: ParamGroup<SGDOptions>): void {
    for (const [p, g] of this.withGrad(group)) {
      let s = this.state.get(p);
      if (!s) this.state.set(p, (s = { momentumBuffer: null }));
      sgdUpdate(p, g, s, group);
    }
  }

  protected parseState(raw: Readonly<Record<string, StateValue>>, param: Tensor, where: string): SGDParamState {
    return { momentumBuffer: readBuffer(where, raw, 'momentumBuffer', param, true) };
  }
}
