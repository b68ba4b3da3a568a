/**
 * Anomaly detection (PyTorch's `torch.autograd.set_detect_anomaly` / `detect_anomaly`): while it
 * is on, every node of a backward pass has the gradients it returns checked for NaN (and, by
 * default, ±Infinity), and the first bad one stops the pass with an {@link AnomalyError} that
 * names the node and the input: `backward: LogBackward0 produced NaN in its gradient for input 0`.
 * Without it, a NaN born deep in the graph only shows up later, in the weights.
 *
 * It is a debugging mode: each gradient is scanned once more, so a backward pass is slower. When
 * off (the default) it costs nothing: the check is installed on `Node.prototype.apply` only while
 * the mode is on, and removed when it is turned off. The pass stops before any leaf's `.grad` is
 * written, so the gradients of the failed pass never reach the parameters.
 */
import { Node } from './node.js';
import type { Tensor } from './tensor.js';

/** Options of {@link setDetectAnomaly} and {@link detectAnomaly}. */
export interface AnomalyOptions {
  /** Also stop on ±Infinity, not only on NaN (default true). */
  checkInf?: boolean;
}

/** What {@link AnomalyError} reports about the first non-finite gradient value. */
export type AnomalyKind = 'NaN' | 'Infinity' | '-Infinity';

/** The error a backward pass throws in anomaly mode when a node returns a non-finite gradient. */
export class AnomalyError extends Error {
  /** The node that returned the gradient, e.g. `LogBackward0`. */
  readonly node: string;
  /** Which of the node's inputs the gradient was for. */
  readonly input: number;
  /** The first non-finite value found. */
  readonly kind: AnomalyKind;
  /** Its flat (row-major) index in the gradient. */
  readonly index: number;
  /** How many values of that gradient are non-finite (NaN, or ±Infinity when checked). */
  readonly count: number;

  /** Whether that input's own (forward) value already held NaN/±Inf: then the anomaly began in the forward pass. */
  readonly inForward: boolean;

  constructor(
    node: string,
    input: number,
    kind: AnomalyKind,
    index: number,
    count: number,
    shape: readonly number[],
    dtype: string,
    inForward: boolean,
  ) {
    super(
      `backward: ${node} produced ${kind} in its gradient for input ${input} ` +
        `(${dtype} [${shape.join(', ')}]: ${count} non-finite value${count === 1 ? '' : 's'}, the first at flat index ${index}). ` +
        (inForward
          ? `That input already held non-finite values in the forward pass: look for the op that computed it. `
          : '') +
        `Anomaly detection stopped the backward pass before any .grad was written.`,
    );
    this.inForward = inForward;
    this.name = 'AnomalyError';
    this.node = node;
    this.input = input;
    this.kind = kind;
    this.index = index;
    this.count = count;
  }
}

interface State {
  enabled: boolean;
  checkInf: boolean;
}

let state: State = { enabled: false, checkInf: true };
/** The unpatched `Node.prototype.apply`, while the check is installed. */
let original: Node['apply'] | null = null;

/** The first non-finite value of a gradient (its logical elements, any strides), and how many there are. */
function scan(t: Tensor, checkInf: boolean): { kind: AnomalyKind; index: number; count: number } | null {
  const values = t.data.denseData(); // a view of the storage when contiguous, else a copy
  let first = -1;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v || (checkInf && (v === Infinity || v === -Infinity))) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return null;
  const v = values[first]!;
  return { kind: v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity', index: first, count };
}

function checked(this: Node, gradOutput: Tensor): readonly (Tensor | null | undefined)[] {
  const grads = original!.call(this, gradOutput);
  if (!state.enabled) return grads;
  for (let i = 0; i < grads.length; i++) {
    const g = grads[i];
    if (!g || !this.inputRequiresGrad[i]) continue;
    const bad = scan(g, state.checkInf);
    if (bad) {
      const input = this.inputs[i];
      const inForward = input !== undefined && scan(input, true) !== null;
      throw new AnomalyError(this.name, i, bad.kind, bad.index, bad.count, g.shape, g.dtype, inForward);
    }
  }
  return grads;
}

function apply(next: State): void {
  state = next;
  if (next.enabled && original === null) {
    // kept unbound on purpose: `checked` calls it back with the node as `this`
    // eslint-disable-next-line @typescript-eslint/unbound-method
    original = Node.prototype.apply;
    Node.prototype.apply = checked;
  } else if (!next.enabled && original !== null) {
    Node.prototype.apply = original;
    original = null;
  }
}

/** True while anomaly detection is on (see {@link setDetectAnomaly}, {@link detectAnomaly}). */
export function isAnomalyEnabled(): boolean {
  return state.enabled;
}

/**
 * Turns anomaly detection on or off for every later backward pass (PyTorch's
 * `torch.autograd.set_detect_anomaly(mode)`): with it on, a node that returns a gradient holding
 * NaN (or ±Infinity, unless `checkInf: false`) stops the pass with an {@link AnomalyError} naming
 * the node and the input.
 * @example
 * ```ts
 * setDetectAnomaly(true);
 * const x = tensor([0, 1], { requiresGrad: true });
 * x.log().mul(0).sum().backward(); // throws: backward: LogBackward0 produced NaN in its gradient for input 0 (…)
 * setDetectAnomaly(false);
 * ```
 */
export function setDetectAnomaly(mode: boolean, options: AnomalyOptions = {}): void {
  if (typeof mode !== 'boolean') throw new TypeError(`setDetectAnomaly: mode must be a boolean, got ${String(mode)}`);
  apply({ enabled: mode, checkInf: options.checkInf ?? true });
}

/**
 * Runs `fn` with anomaly detection on (PyTorch's `with torch.autograd.detect_anomaly():`), then
 * restores the previous setting, even if `fn` throws. Returns what `fn` returns; when that is a
 * promise, the setting is restored once it settles (other code running meanwhile is checked too).
 * The backward passes to check must run inside `fn`.
 * @example
 * ```ts
 * detectAnomaly(() => {
 *   const loss = model.forward(x).log().mean();
 *   loss.backward(); // throws an AnomalyError naming the first node whose gradient is NaN/±Inf
 * });
 * ```
 */
export function detectAnomaly<T>(fn: () => T, options: AnomalyOptions = {}): T {
  const previous = state;
  apply({ enabled: true, checkInf: options.checkInf ?? true });
  let result: T;
  try {
    result = fn();
  } catch (e) {
    apply(previous);
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => apply(previous)) as T;
  apply(previous);
  return result;
}
