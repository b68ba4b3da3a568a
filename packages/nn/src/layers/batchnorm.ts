import { noGrad, tensor, type Tensor } from '@torchlet/autograd';
import { ones, zeros, type FloatDType } from '@torchlet/ndarray';
import * as F from '../functional/index.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyFloat, pyValue, shapeText } from '../repr.js';
import { checkBool, checkFloatDType, checkInt, checkNumber, checkSameDType, checkTensor, withLabel } from './util.js';

/**
 * Options of {@link BatchNorm2d} (PyTorch's defaults).
 * @example
 * ```ts
 * new BatchNorm2d(16, { momentum: null, affine: false });
 * ```
 */
export interface BatchNorm2dOptions {
  /** Added to the variance for stability (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); null: cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` and shift `bias` (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true). */
  trackRunningStats?: boolean;
  /** The parameters' and statistics' dtype (default float32). */
  dtype?: FloatDType;
}

/**
 * Batch normalisation over the channels of an `(N, C, H, W)` input (PyTorch's `nn.BatchNorm2d`).
 *
 * Parameters `weight` (ones) and `bias` (zeros) when `affine`; buffers `running_mean` (zeros),
 * `running_var` (ones) and `num_batches_tracked` (an int32 0-d tensor) when `trackRunningStats`.
 * In training mode it normalises with the batch's mean and biased variance and updates the
 * running statistics (`momentum` null: a cumulative average over `num_batches_tracked` batches);
 * in eval mode it normalises with the running statistics. Computed by `F.batchNorm`.
 * @example
 * ```ts
 * const bn = new BatchNorm2d(6);
 * bn.forward(tensor(randn([4, 6, 8, 8]))); // per-channel mean 0, variance 1
 * bn.eval();                               // now uses running_mean / running_var
 * Object.keys(bn.stateDict()); // ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
 * ```
 */
export class BatchNorm2d extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'BatchNorm2d';

  /** The number of channels C. */
  readonly numFeatures: number;
  /** Added to the variance. */
  readonly eps: number;
  /** The running-average factor, or null for a cumulative average. */
  readonly momentum: number | null;
  /** Whether there are learnable `weight`/`bias`. */
  readonly affine: boolean;
  /** Whether running statistics are kept. */
  readonly trackRunningStats: boolean;

  constructor(numFeatures: number, options: BatchNorm2dOptions = {}) {
    super();
    const op = 'BatchNorm2d';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${String(options)}`);
    this.numFeatures = checkInt(op, 'numFeatures', numFeatures, 1);
    this.eps = checkNumber(op, 'eps', options.eps ?? 1e-5);
    if (this.eps < 0) throw new RangeError(`${op}: eps must be non-negative, got ${this.eps}`);
    const momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.momentum = momentum === null ? null : checkNumber(op, 'momentum', momentum);
    this.affine = checkBool(op, 'affine', options.affine ?? true);
    this.trackRunningStats = checkBool(op, 'trackRunningStats', options.trackRunningStats ?? true);
    const dtype = checkFloatDType(op, options.dtype ?? 'float32');
    const C = this.numFeatures;
    this.registerParameter('weight', this.affine ? new Parameter(ones([C], { dtype })) : null);
    this.registerParameter('bias', this.affine ? new Parameter(zeros([C], { dtype })) : null);
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', tensor(zeros([C], { dtype })));
      this.registerBuffer('running_var', tensor(ones([C], { dtype })));
      this.registerBuffer('num_batches_tracked', tensor(0, { dtype: 'int32' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
  }

  /** The scale γ `(C)`, or null when not `affine`. */
  get weight(): Parameter | null {
    return this.ownParameter('weight');
  }

  /** The shift β `(C)`, or null when not `affine`. */
  get bias(): Parameter | null {
    return this.ownParameter('bias');
  }

  /** The buffer `running_mean` `(C)`, or null without `trackRunningStats`. */
  get runningMean(): Tensor | null {
    return this.ownBuffer('running_mean');
  }

  /** The buffer `running_var` `(C)`, or null without `trackRunningStats`. */
  get runningVar(): Tensor | null {
    return this.ownBuffer('running_var');
  }

  /** The buffer `num_batches_tracked` (int32, 0-d), or null without `trackRunningStats`. */
  get numBatchesTracked(): Tensor | null {
    return this.ownBuffer('num_batches_tracked');
  }

  /**
   * Resets the running statistics: mean 0, variance 1, no batches tracked.
   * @example
   * ```ts
   * bn.resetRunningStats();
   * ```
   */
  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  /**
   * Resets the running statistics, `weight` to ones and `bias` to zeros.
   * @example
   * ```ts
   * bn.resetParameters();
   * ```
   */
  resetParameters(): void {
    this.resetRunningStats();
    noGrad(() => {
      this.weight?.fill_(1);
      this.bias?.zero_();
    });
  }

  /** `C, eps=…, momentum=…, affine=…, track_running_stats=…` as PyTorch prints it. */
  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyValue(this.affine)}, track_running_stats=${pyValue(this.trackRunningStats)}`;
  }

  protected override compute(input: Tensor): Tensor {
    const label = `${this.typeName()}(${this.numFeatures})`;
    const x = checkTensor(label, 'the input', input);
    if (x.ndim !== 4) throw new RangeError(`${label}: expected 4D input [N, ${this.numFeatures}, H, W], got ${x.ndim}D input ${shapeText(x.shape)}`);
    if (x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${label}: expected input [N, ${this.numFeatures}, H, W], got ${shapeText(x.shape)}`);
    }
    checkSameDType(label, x, this.weight ?? this.runningMean);
    let factor = this.momentum ?? 0;
    const tracked = this.numBatchesTracked;
    if (this.training && this.trackRunningStats && tracked) {
      noGrad(() => tracked.add_(1));
      factor = this.momentum === null ? 1 / tracked.item() : this.momentum;
    }
    const useRunning = !this.training || this.trackRunningStats;
    const bnTraining = this.training || (this.runningMean === null && this.runningVar === null);
    return withLabel(label, () =>
      F.batchNorm(x, useRunning ? this.runningMean : null, useRunning ? this.runningVar : null, this.weight, this.bias, {
        training: bnTraining,
        momentum: factor,
        eps: this.eps,
      }),
    );
  }
}
