import { Tensor } from '@torchlet/autograd';
import { NDArray, zeros } from '@torchlet/ndarray';

/**
 * A tensor that is a module's learnable weight (PyTorch's `nn.Parameter`): a leaf that requires
 * grad by default. Registering one on a {@link Module} (with `registerParameter`) makes it show up
 * in `parameters()` and `stateDict()`.
 *
 * Like PyTorch, the parameter shares the values of the tensor or array it wraps (no copy).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { Parameter } from '@torchlet/nn';
 * const w = new Parameter(tensor([[1, 2], [3, 4]]));
 * w.requiresGrad; // true
 * w.toString();   // 'Parameter containing:\ntensor([[1., 2.],\n        [3., 4.]], requires_grad=True)'
 * ```
 */
export class Parameter extends Tensor {
  /** Makes the type nominal: a plain Tensor is not a Parameter (registerParameter checks it at run time too). */
  readonly #parameter = true;

  /**
   * @param data - the values (shared, not copied); an empty float32 tensor when omitted
   * @param requiresGrad - whether gradients are computed for it (default true)
   */
  constructor(data?: Tensor | NDArray, requiresGrad = true) {
    const values = data === undefined ? zeros([0]) : data instanceof Tensor ? data.data : data;
    if (!(values instanceof NDArray)) {
      throw new TypeError(`Parameter: expected a Tensor or an NDArray, got ${values === null ? 'null' : typeof values}`);
    }
    super(values, { requiresGrad });
  }

  /** PyTorch's text: `Parameter containing:` then the tensor. */
  override toString(): string {
    void this.#parameter;
    return `Parameter containing:\n${super.toString()}`;
  }
}
