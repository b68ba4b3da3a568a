/**
 * Batch normalisation (PyTorch's `F.batch_norm`), composed from autograd's differentiable ops so
 * that gradients flow through the batch mean and variance exactly; the running statistics are
 * updated in place, outside the tape.
 */
import { add, mean, mul, noGrad, pow, sub, variance, type Tensor } from '@torchlet/autograd';
import { formatShape } from '@torchlet/ndarray';
import { checkFinite, checkFloat } from './primitive.js';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Normalise with the batch statistics and update the running ones (default false: use the running statistics). */
  training?: boolean | undefined;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number | undefined;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number | undefined;
}

function checkParam(name: string, t: Tensor | null, channels: number, input: Tensor): void {
  if (t === null) return;
  checkFloat('batchNorm', name, t);
  if (t.numel() !== channels) {
    throw new RangeError(
      `batchNorm: ${name} has ${t.numel()} elements (shape ${formatShape(t.shape)}) but the input has ${channels} channels (input shape ${formatShape(input.shape)})`,
    );
  }
}

/**
 * Batch normalisation over the channel dim 1 of an `(N, C, …)` input (`(N, C)`, `(N, C, L)`,
 * `(N, C, H, W)`, …), PyTorch's `F.batch_norm`:
 *
 * `out = (x − μ) / √(σ² + eps) · weight + bias`, per channel (`weight`/`bias` of length C; null
 * means 1 / 0).
 *
 * - `training: true`: `μ` and the **biased** variance `σ²` are taken over every dim but 1
 *   (`n = N·H·W…` values per channel); gradients flow through both. When given, `runningMean` and
 *   `runningVar` are updated **in place**, outside the tape:
 *   `runningMean ← (1 − momentum)·runningMean + momentum·μ`,
 *   `runningVar ← (1 − momentum)·runningVar + momentum·σ²·n/(n − 1)` (the **unbiased** variance).
 * - `training: false` (default): `μ`, `σ²` are `runningMean`, `runningVar`.
 *
 * @param input - `(N, C, …)` float tensor
 * @param runningMean - `(C)` buffer, or null (allowed only in training)
 * @param runningVar - `(C)` buffer, or null (allowed only in training)
 * @param weight - `(C)` scale γ, or null (default)
 * @param bias - `(C)` shift β, or null (default)
 * @param options - `training` (default false), `momentum` (default 0.1), `eps` (default 1e-5)
 * @throws RangeError when the input has fewer than 2 dims, a parameter or buffer does not have C
 * elements, training sees one value per channel (`n = 1`), evaluation lacks running statistics, or
 * `eps` is negative or `momentum`/`eps` is not finite; TypeError for non-float tensors
 * @example
 * ```ts
 * const x = randn([8, 3, 4, 4]);
 * const rm = zeros([3]), rv = ones([3]);
 * const y = batchNorm(tensor(x), tensor(rm), tensor(rv), null, null, { training: true });
 * // y has zero mean and unit (biased) variance per channel; the running stats moved by 10%
 * ```
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: BatchNormOptions = {},
): Tensor {
  checkFloat('batchNorm', 'input', input);
  if (input.ndim < 2) throw new RangeError(`batchNorm: expected an input of shape (N, C, …) with at least 2 dims, got shape ${formatShape(input.shape)}`);
  const training = options.training ?? false;
  if (typeof training !== 'boolean') throw new TypeError(`batchNorm: training must be a boolean, got ${typeof training}`);
  const momentum = checkFinite('batchNorm', 'momentum', options.momentum ?? 0.1);
  const eps = checkFinite('batchNorm', 'eps', options.eps ?? 1e-5);
  if (eps < 0) throw new RangeError(`batchNorm: eps must be non-negative, got ${eps}`);
  const C = input.shape[1]!;
  checkParam('runningMean', runningMean, C, input);
  checkParam('runningVar', runningVar, C, input);
  checkParam('weight', weight, C, input);
  checkParam('bias', bias, C, input);
  // the shape that broadcasts a per-channel vector against the input: [1, C, 1, …]
  const channelShape = input.shape.map((s, i) => (i === 1 ? s : 1));
  const reduced = input.shape.map((_, i) => i).filter((i) => i !== 1);

  let mu: Tensor;
  let sigma2: Tensor;
  if (training) {
    const n = input.numel() / C;
    if (n <= 1) {
      throw new RangeError(`batchNorm: expected more than 1 value per channel when training, got input shape ${formatShape(input.shape)} (n = ${n})`);
    }
    mu = mean(input, reduced, { keepdim: true });
    sigma2 = variance(input, reduced, { unbiased: false, keepdim: true });
    noGrad(() => {
      if (runningMean) runningMean.copy_(add(mul(mu.reshape(runningMean.shape), momentum), mul(runningMean, 1 - momentum)));
      if (runningVar) runningVar.copy_(add(mul(sigma2.reshape(runningVar.shape), (momentum * n) / (n - 1)), mul(runningVar, 1 - momentum)));
    });
  } else {
    if (!runningMean || !runningVar) {
      throw new RangeError(
        `batchNorm: evaluation (training: false) needs runningMean and runningVar, got ${runningMean ? 'a' : 'no'} runningMean and ${runningVar ? 'a' : 'no'} runningVar`,
      );
    }
    mu = runningMean.reshape(channelShape);
    sigma2 = runningVar.reshape(channelShape);
  }
  // (x − μ)·scale + bias, with the per-channel scale = weight/√(σ² + eps) computed on C values only
  let scale = pow(add(sigma2, eps), -0.5);
  if (weight) scale = mul(scale, weight.reshape(channelShape));
  const out = mul(sub(input, mu), scale);
  return bias ? add(out, bias.reshape(channelShape)) : out;
}
