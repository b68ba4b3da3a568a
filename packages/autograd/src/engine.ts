/**
 * The backward pass: a reverse walk of the tape in topological order. Iterative throughout
 * (a chain of 100,000 ops does not touch the call stack), gradients summed where a tensor fans
 * out, leaf gradients accumulated into `.grad` once per pass, hooks applied to totals.
 */
import { add as ndAdd, formatShape, ones, shapesEqual } from '@torchlet/ndarray';
import { setGradEnabled } from './grad-mode.js';
import type { Node } from './node.js';
import { Tensor, toTensor, type BackwardOptions, type TensorLike } from './tensor.js';

interface Pass {
  /** total gradient flowing into each node, i.e. w.r.t. the tensor that node produced */
  nodeGrads: Map<Node, Tensor>;
  /** total gradient of each leaf reached */
  leafGrads: Map<Tensor, Tensor>;
}

/** Sums two gradients; recorded on the tape only when building a higher-order graph. */
function accumulate(a: Tensor | undefined, b: Tensor, createGraph: boolean): Tensor {
  if (!a) return b;
  return createGraph ? a.add(b) : new Tensor(ndAdd(a.data, b.data));
}

function rootGradient(op: string, root: Tensor, given: TensorLike | null, index: number): Tensor {
  if (!root.requiresGrad) {
    throw new Error(`${op}: element ${index} of the outputs does not require grad and has no gradFn (nothing to differentiate)`);
  }
  if (given === null) {
    if (root.numel() !== 1) {
      throw new Error(
        `${op}: a gradient can be created implicitly only for scalar outputs; this output has shape ${formatShape(root.shape)}, pass a gradient of that shape`,
      );
    }
    return new Tensor(ones(root.shape, { dtype: root.dtype }));
  }
  const g = toTensor(given);
  if (typeof given !== 'number' && !shapesEqual(g.shape, root.shape)) {
    throw new Error(`${op}: gradient has shape ${formatShape(g.shape)} but the output has shape ${formatShape(root.shape)}`);
  }
  if (typeof given === 'number') return new Tensor(ones(root.shape, { dtype: root.dtype }).mul_(given));
  return g.dtype === root.dtype ? g : new Tensor(g.data.astype(root.dtype));
}

/** Runs one backward pass from `roots`; returns the totals reached (for {@link grad}). */
function execute(roots: readonly Tensor[], rootGrads: readonly Tensor[], createGraph: boolean, retainGraph: boolean): Pass {
  const pass: Pass = { nodeGrads: new Map(), leafGrads: new Map() };
  // 1. discover the reachable nodes and count, for each, the edges that lead into it
  const deps = new Map<Node, number>();
  const stack: Node[] = [];
  for (const r of roots) {
    if (r.gradFn && !deps.has(r.gradFn)) {
      deps.set(r.gradFn, 0);
      stack.push(r.gradFn);
    }
  }
  const visited: Node[] = [];
  while (stack.length) {
    const node = stack.pop()!;
    visited.push(node);
    for (const next of node.next) {
      if (!next) continue;
      const seen = deps.has(next);
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen) stack.push(next);
    }
  }
  // 2. seed the roots
  roots.forEach((r, i) => {
    const g = rootGrads[i]!;
    if (r.gradFn) pass.nodeGrads.set(r.gradFn, accumulate(pass.nodeGrads.get(r.gradFn), g, createGraph));
    else pass.leafGrads.set(r, accumulate(pass.leafGrads.get(r), g, createGraph));
  });
  // 3. reverse topological walk (Kahn): a node runs once every consumer has sent its gradient
  const ready: Node[] = [...deps.keys()].filter((n) => deps.get(n) === 0);
  setGradEnabled(createGraph, () => {
    while (ready.length) {
      const node = ready.pop()!;
      let g = pass.nodeGrads.get(node);
      if (g) {
        for (const hook of node.hooks) g = hook(g) ?? g;
        pass.nodeGrads.set(node, g);
      }
      const grads = g ? node.apply(g) : [];
      node.inputs.forEach((input, i) => {
        const next = node.next[i] ?? null;
        let gi = grads[i];
        if (gi && node.inputRequiresGrad[i]) {
          if (!shapesEqual(gi.shape, input.shape)) {
            throw new Error(
              `backward: ${node.name} returned a gradient of shape ${formatShape(gi.shape)} for input ${i} of shape ${formatShape(input.shape)} (a bug in that op)`,
            );
          }
          if (gi.dtype !== input.dtype) gi = createGraph ? gi : new Tensor(gi.data.astype(input.dtype));
          if (next) pass.nodeGrads.set(next, accumulate(pass.nodeGrads.get(next), gi, createGraph));
          else pass.leafGrads.set(input, accumulate(pass.leafGrads.get(input), gi, createGraph));
        }
        if (next) {
          const left = deps.get(next)! - 1;
          deps.set(next, left);
          if (left === 0) ready.push(next);
        }
      });
    }
  });
  if (!retainGraph) for (const node of visited) node.release();
  return pass;
}

function normalizeRoots(op: string, outputs: Tensor | readonly Tensor[], gradOutputs: readonly (TensorLike | null)[] | TensorLike | null | undefined) {
  const roots = outputs instanceof Tensor ? [outputs] : [...outputs];
  const given = gradOutputs === undefined || gradOutputs === null ? roots.map(() => null) : Array.isArray(gradOutputs) ? gradOutputs : [gradOutputs];
  if (given.length !== roots.length) {
    throw new Error(`${op}: got ${given.length} gradients for ${roots.length} outputs`);
  }
  return { roots, grads: roots.map((r, i) => rootGradient(op, r, (given[i] ?? null) as TensorLike | null, i)) };
}

/** `tensor.backward()`'s engine: accumulates into the `.grad` of every leaf reached. */
export function runBackward(outputs: readonly Tensor[], gradients: readonly (TensorLike | null)[], options: BackwardOptions): void {
  const createGraph = options.createGraph ?? false;
  const { roots, grads } = normalizeRoots('backward', outputs, gradients);
  const pass = execute(roots, grads, createGraph, options.retainGraph ?? createGraph);
  setGradEnabled(createGraph, () => {
    for (const [leaf, total] of pass.leafGrads) {
      let g = total;
      for (const hook of leaf.hooksForLeaf) g = hook(g) ?? g;
      // a fresh contiguous copy: g may alias the caller's gradient, another leaf's gradient, or be a
      // stride-0 broadcast view, and `.grad` is updated in place (zero_, optimizers)
      const add = createGraph ? g : new Tensor(g.data.clone());
      leaf.grad = leaf.grad ? accumulate(leaf.grad, add, createGraph) : add;
    }
  });
}

/** Options of {@link grad}. */
export interface GradOptions extends BackwardOptions {
  /** ∂L/∂output for each output (default: ones, for scalar outputs only). */
  gradOutputs?: readonly (TensorLike | null)[] | TensorLike | null;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/**
 * The gradients of `outputs` w.r.t. `inputs`, returned instead of accumulated into `.grad`
 * (PyTorch's `torch.autograd.grad`). With `createGraph`, the results are themselves on the tape,
 * so they can be differentiated again (higher-order gradients).
 * @example
 * ```ts
 * const x = tensor([3], { requiresGrad: true });
 * const y = x.pow(3);
 * const [dy] = grad(y.sum(), [x], { createGraph: true }); // 3x² = 27
 * const [d2y] = grad(dy!.sum(), [x]);                     // 6x = 18
 * ```
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const createGraph = options.createGraph ?? false;
  const { roots, grads } = normalizeRoots('grad', outputs, options.gradOutputs);
  const targets = inputs instanceof Tensor ? [inputs] : [...inputs];
  targets.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`grad: input ${i} does not require grad`);
  });
  const pass = execute(roots, grads, createGraph, options.retainGraph ?? createGraph);
  return targets.map((t, i) => {
    const g = t.gradFn ? pass.nodeGrads.get(t.gradFn) : pass.leafGrads.get(t);
    if (g) return createGraph ? g : g.detach();
    if (options.allowUnused) return null;
    throw new Error(`grad: input ${i} was not used to compute the outputs; pass { allowUnused: true } to get null for it`);
  });
}
