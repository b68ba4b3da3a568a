/** AdamW: Adam with decoupled weight decay (Loshchilov & Hutter). */
import type { Tensor } from '@torchlet/autograd';
import { ADAM_KEYS, adamStep, newAdamState, parseAdamState, resolveAdam, type AdamOptions, type AdamParamState } from './adam.js';
import { Optimizer, type ParamGroup, type Params, type StateValue } from './optimizer.js';
import { checkKnownKeys, defined } from './util.js';

/**
 * One AdamW step for one parameter, in place on `param`'s values (bumping its version) and on
 * `state`: first the decoupled decay, then Adam's rule without the L2 penalty
 * (`t` is the step count after incrementing it):
 *
 * ```
 * p ← p · (1 − lr·weightDecay)
 * g ← −g                              if maximize
 * m ← β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g²
 * v̂max ← max(v̂max, v)                if amsgrad (then used in place of v)
 * p ← p − (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + eps)
 * ```
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { adamwUpdate, type AdamParamState } from '@torchlet/optim';
 * const p = tensor([1, 2]);
 * const state: AdamParamState = { step: 0, expAvg: new Float32Array(2), expAvgSq: new Float32Array(2), maxExpAvgSq: null };
 * adamwUpdate(p, tensor([0.5, -3]), state, { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false, maximize: false });
 * // p ≈ [1·0.999 − 0.1, 2·0.999 + 0.1]
 * ```
 */
export function adamwUpdate(param: Tensor, grad: Tensor, state: AdamParamState, options: Readonly<AdamOptions>): void {
  adamStep('adamwUpdate', param, grad, state, options, true);
}

/**
 * AdamW, PyTorch's `torch.optim.AdamW`: Adam whose weight decay shrinks the parameters directly
 * instead of adding an L2 term to the gradient; `weightDecay` defaults to 1e-2. The update is
 * {@link adamwUpdate}.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { AdamW } from '@torchlet/optim';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new AdamW([w], { lr: 0.01, weightDecay: 0.05 });
 * w.mul(w).sum().backward();
 * opt.step();
 * ```
 */
export class AdamW extends Optimizer<AdamOptions, AdamParamState> {
  /**
   * @param params - the parameters (any iterable of tensors), or parameter groups with their own options
   * @param options - `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (1e-2), `amsgrad` (false), `maximize` (false)
   */
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    checkKnownKeys('AdamW', options, ADAM_KEYS);
    super('AdamW', params, resolveAdam('AdamW', { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...defined(options) }));
  }

  protected resolveOptions(options: Partial<AdamOptions>, where: string): AdamOptions {
    return resolveAdam(`AdamW: ${where}`, options);
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    for (const [p, g] of this.withGrad(group)) {
      let s = this.state.get(p);
      if (!s) this.state.set(p, (s = newAdamState(p, group.amsgrad)));
      adamwUpdate(p, g, s, group);
    }
  }

  protected parseState(raw: Readonly<Record<string, StateValue>>, param: Tensor, where: string): AdamParamState {
    return parseAdamState(raw, param, where);
  }
}
