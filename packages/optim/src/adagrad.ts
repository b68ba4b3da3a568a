/** Adagrad (Duchi et al.), with learning-rate decay, weight decay and maximize. */
import type { Tensor } from '@torchlet/autograd';
import { Optimizer, readBuffer, readNumber, type ParamGroup, type ParamGroupInput, type Params, type StateValue } from './optimizer.js';
import { checkBoolean, checkBuffer, checkKnownKeys, checkNonNegative, defined, filled, paramDType, updateParam, type FloatArray } from './util.js';

/**
 * The options of {@link Adagrad} (PyTorch's names in camelCase).
 *
 * @example
 * ```ts
 * import type { AdagradOptions } from '@torchlet/optim';
 * const o: AdagradOptions = { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };
 * ```
 */
export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Learning-rate decay: step t uses `lr / (1 + (t − 1)·lrDecay)` (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** The starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability (default 1e-10). */
  eps: number;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/**
 * The per-parameter state of {@link Adagrad}.
 *
 * @example
 * ```ts
 * import type { AdagradParamState } from '@torchlet/optim';
 * const s: AdagradParamState = { step: 0, sum: new Float32Array(2) };
 * ```
 */
export interface AdagradParamState {
  /** Steps taken so far. */
  step: number;
  /** The sum of squared gradients (from `initialAccumulatorValue`). */
  sum: FloatArray;
}

const KEYS = ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps', 'maximize'] as const;

function resolveAdagrad(owner: string, o: Partial<AdagradOptions>): AdagradOptions {
  const lr = checkNonNegative(owner, 'lr', o.lr, 'learning rate');
  const lrDecay = checkNonNegative(owner, 'lrDecay', o.lrDecay, 'lr_decay value');
  const weightDecay = checkNonNegative(owner, 'weightDecay', o.weightDecay, 'weight_decay value');
  const initialAccumulatorValue = checkNonNegative(owner, 'initialAccumulatorValue', o.initialAccumulatorValue, 'initial_accumulator_value');
  const eps = checkNonNegative(owner, 'eps', o.eps, 'epsilon value');
  const maximize = checkBoolean(owner, 'maximize', o.maximize);
  return { lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize };
}

/**
 * One Adagrad step for one parameter, in place on `param`'s values (bumping its version) and on
 * `state`. With `g` the gradient and `t` the step count after incrementing it:
 *
 * ```
 * g ← −g                               if maximize
 * g ← g + weightDecay·p                if weightDecay ≠ 0
 * clr ← lr / (1 + (t − 1)·lrDecay)
 * sum ← sum + g²
 * p ← p − clr · g / (sqrt(sum) + eps)
 * ```
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { adagradUpdate, type AdagradParamState } from '@torchlet/optim';
 * const p = tensor([1, 2]);
 * const state: AdagradParamState = { step: 0, sum: new Float32Array(2) };
 * adagradUpdate(p, tensor([3, -4]), state, { lr: 0.1, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false });
 * // sum = g², so the first step moves each element by lr: p ≈ [0.9, 2.1]
 * ```
 */
export function adagradUpdate(param: Tensor, grad: Tensor, state: AdagradParamState, options: Readonly<AdagradOptions>): void {
  const { lr, lrDecay, weightDecay, eps, maximize } = options;
  const op = 'adagradUpdate';
  checkBuffer(op, 'sum', param, state.sum);
  state.step += 1;
  const clr = lr / (1 + (state.step - 1) * lrDecay);
  const sum = state.sum;
  updateParam(op, param, grad, (p, gr, R) => {
    const wd = R(weightDecay);
    const e = R(eps);
    const alpha = R(-clr);
    for (let i = 0; i < p.length; i++) {
      let g = R(maximize ? -gr[i]! : gr[i]!); // a gradient of another dtype is cast, as PyTorch would
      if (weightDecay !== 0) g = R(g + wd * p[i]!);
      const s = R(sum[i]! + g * g);
      sum[i] = s;
      const std = R(R(Math.sqrt(s)) + e);
      p[i] = R(p[i]! + R(R(alpha * g) / std));
    }
  });
}

/**
 * Adagrad, PyTorch's `torch.optim.Adagrad`; the update is {@link adagradUpdate}. As in PyTorch,
 * the state (step 0, `sum` = `initialAccumulatorValue`) is created for every parameter when
 * the optimizer is built.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { Adagrad } from '@torchlet/optim';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new Adagrad([w], { lr: 0.1, initialAccumulatorValue: 0.1 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradParamState> {
  /**
   * @param params - the parameters (any iterable of tensors), or parameter groups with their own options
   * @param options - `lr` (1e-2), `lrDecay` (0), `weightDecay` (0), `initialAccumulatorValue` (0), `eps` (1e-10), `maximize` (false)
   */
  constructor(params: Params<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    checkKnownKeys('Adagrad', options, KEYS);
    super('Adagrad', params, resolveAdagrad('Adagrad', { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...defined(options) }));
  }

  /** Adds a parameter group and creates its parameters' state. */
  override addParamGroup(group: ParamGroupInput<AdagradOptions>): void {
    super.addParamGroup(group);
    this.initState(this.paramGroups[this.paramGroups.length - 1]!);
  }

  private initState(group: ParamGroup<AdagradOptions>): void {
    for (const p of group.params) {
      if (this.state.has(p) || (p.dtype !== 'float32' && p.dtype !== 'float64')) continue;
      this.state.set(p, { step: 0, sum: filled(p.dtype, p.numel(), group.initialAccumulatorValue) });
    }
  }

  protected resolveOptions(options: Partial<AdagradOptions>, where: string): AdagradOptions {
    return resolveAdagrad(`Adagrad: ${where}`, options);
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    for (const [p, g] of this.withGrad(group)) {
      let s = this.state.get(p);
      if (!s) this.state.set(p, (s = { step: 0, sum: filled(paramDType('Adagrad', p), p.numel(), group.initialAccumulatorValue) }));
      adagradUpdate(p, g, s, group);
    }
  }

  protected parseState(raw: Readonly<Record<string, StateValue>>, param: Tensor, where: string): AdagradParamState {
    return { step: readNumber(where, raw, 'step'), sum: readBuffer(where, raw, 'sum', param) };
  }
}
