/**
 * The textbook's own convolutional layer (Dive into Deep Learning, §7.2 "Convolutions for
 * Images"), written as a user-defined {@link Module}: a worked example of subclassing — register
 * the parameters in the constructor, implement `compute`, call `forward`.
 *
 * ```python
 * class Conv2D(nn.Module):
 *     def __init__(self, kernel_size):
 *         super().__init__()
 *         self.weight = nn.Parameter(torch.rand(kernel_size))
 *         self.bias = nn.Parameter(torch.zeros(1))
 *     def forward(self, x):
 *         return corr2d(x, self.weight) + self.bias
 * ```
 */
import { corr2d, type Tensor } from '@torchlet/autograd';
import { rand, zeros } from '@torchlet/ndarray';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { intPair, type Size2 } from '../layers/util.js';

/**
 * The textbook's 2-D convolutional layer: `corr2d(x, weight) + bias` on a single-channel
 * `(H, W)` image, with `weight` `(kh, kw)` drawn uniformly from [0, 1) (the default generator)
 * and a scalar `bias` `(1)` starting at 0.
 * @example
 * ```ts
 * import { tensor, noGrad } from '@torchlet/autograd';
 * import { Conv2D } from '@torchlet/nn';
 * const X = tensor([[1, 1, 0, 0, 0, 0, 1, 1]]).expand(6, 8).contiguous();
 * const Y = tensor([[0, 1, 0, 0, 0, -1, 0]]).expand(6, 7).contiguous();
 * const conv = new Conv2D([1, 2]);
 * for (let i = 0; i < 100; i++) {
 *   conv.zeroGrad();
 *   const loss = conv.forward(X).sub(Y).pow(2).sum();
 *   loss.backward();
 *   noGrad(() => conv.parameters().forEach((p) => p.sub_(p.grad!.mul(0.01))));
 * }
 * conv.weight.toArray(); // close to [[1, -1]]
 * ```
 */
export class Conv2D extends Module {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Conv2D';

  /** The kernel `(kh, kw)`. */
  readonly weight: Parameter;
  /** The scalar bias `(1)`. */
  readonly bias: Parameter;

  constructor(kernelSize: Size2) {
    super();
    const shape = intPair('Conv2D', 'kernelSize', kernelSize, 1);
    this.weight = this.registerParameter('weight', new Parameter(rand(shape)));
    this.bias = this.registerParameter('bias', new Parameter(zeros([1])));
  }

  protected override compute(x: Tensor): Tensor {
    return corr2d(x, this.weight).add(this.bias);
  }
}
