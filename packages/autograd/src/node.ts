/**
 * A node of the tape: what one op recorded to run its backward. Each differentiable op creates one
 * node for its output (`tensor.gradFn`), holding the inputs it differentiates with respect to and
 * a closure that maps the output's gradient to the inputs' gradients — written in the op's file,
 * right under its forward.
 */
import type { Tensor } from './tensor.js';

/** Maps the gradient of an op's output to the gradients of its inputs (null: no gradient). */
export type BackwardFn = (gradOutput: Tensor) => readonly (Tensor | null | undefined)[];

/** A hook on a tensor's gradient: return a tensor to replace the gradient, or nothing to keep it. */
export type GradHook = (grad: Tensor) => Tensor | void;

interface Saved {
  tensor: Tensor;
  version: number;
}

export class Node {
  /** PyTorch's name for the node, e.g. `MulBackward0` (shown by `toString()` as `grad_fn`). */
  readonly name: string;
  /** The op's tensor inputs, in order; gradients come back in the same order. */
  readonly inputs: readonly Tensor[];
  /**
   * The edges of the tape, fixed when the op ran: for each input, whether it required grad then,
   * and the node that had produced it (null for a leaf). An in-place op later rebases the input's
   * `gradFn`, but this op's gradient must still flow to the history it actually read.
   */
  readonly inputRequiresGrad: readonly boolean[];
  readonly next: readonly (Node | null)[];
  /** Hooks registered on the output tensor (run on its total gradient before it flows on). */
  readonly hooks: GradHook[] = [];
  private backwardFn: BackwardFn | null;
  private saved: Saved[];

  constructor(name: string, inputs: readonly Tensor[], backward: BackwardFn, saved: readonly Tensor[]) {
    this.name = name;
    this.inputs = inputs;
    this.inputRequiresGrad = inputs.map((t) => t.requiresGrad);
    this.next = inputs.map((t) => (t.requiresGrad ? t.gradFn : null));
    this.backwardFn = backward;
    this.saved = saved.map((tensor) => ({ tensor, version: tensor.version }));
  }

  /** Also checks `tensor` (typically the op's own output, read by its backward) for in-place changes. */
  save(tensor: Tensor): void {
    this.saved.push({ tensor, version: tensor.version });
  }

  /** Runs the backward closure after checking that no saved tensor was modified in place since. */
  apply(gradOutput: Tensor): readonly (Tensor | null | undefined)[] {
    if (!this.backwardFn) {
      throw new Error(
        `backward: trying to backward through the graph a second time (${this.name} has already been freed). ` +
          'Pass { retainGraph: true } to the first backward() if you need to backward twice.',
      );
    }
    for (const { tensor, version } of this.saved) {
      if (tensor.version !== version) {
        throw new Error(
          `backward: one of the tensors needed for gradient computation has been modified by an in-place operation: ` +
            `[${tensor.dtype} ${JSON.stringify(tensor.shape)}]${tensor.gradFn ? `, output of ${tensor.gradFn.name},` : ''} ` +
            `is at version ${tensor.version}; expected version ${version} instead (used by ${this.name}).`,
        );
      }
    }
    return this.backwardFn(gradOutput);
  }

  /** Frees the closure and saved tensors (after a backward without `retainGraph`). */
  release(): void {
    this.backwardFn = null;
    this.saved = [];
  }
}
