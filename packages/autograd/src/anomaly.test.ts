/**
 * Anomaly detection: NaN/±Inf gradients are caught at the node that produced them, the error names
 * that node and input, nothing reaches `.grad`, the scoped and global switches restore cleanly,
 * and with the mode off (or on, with finite values) nothing changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AnomalyError, detectAnomaly, grad, isAnomalyEnabled, matmul, Node, setDetectAnomaly, tensor, type Tensor } from './index.js';

afterEach(() => setDetectAnomaly(false));

/** log(x)·0 at x = 0: MulBackward0 sends 0 to LogBackward0, which computes 0/0 = NaN. */
function nanAtLog(x: Tensor): Tensor {
  return x.log().mul(0).sum();
}

function values(t: Tensor | null): number[] {
  return Array.from(t!.data.clone().denseData());
}

describe('detectAnomaly', () => {
  it('without it, a NaN born in LogBackward0 silently reaches .grad', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    nanAtLog(x).backward();
    expect(Number.isNaN(values(x.grad)[0])).toBe(true);
  });

  it('names the node, the input, the kind and where the first bad value is', () => {
    const x = tensor([1, 0, 0], { requiresGrad: true });
    let error: unknown;
    detectAnomaly(() => {
      try {
        nanAtLog(x).backward();
      } catch (e) {
        error = e;
      }
    });
    expect(error).toBeInstanceOf(AnomalyError);
    const e = error as AnomalyError;
    expect(e.message).toMatch(/^backward: LogBackward0 produced NaN in its gradient for input 0 \(float32 \[3\]: 2 non-finite values, the first at flat index 1\)/);
    expect([e.node, e.input, e.kind, e.index, e.count]).toEqual(['LogBackward0', 0, 'NaN', 1, 2]);
    // the pass stopped before writing any .grad
    expect(x.grad).toBeNull();
  });

  it('reports the input index of a two-input node', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([0, 1], { requiresGrad: true });
    // d(a/b)/db = −a/b² = −Inf at b = 0; d/da = 1/b = +Inf too, input 0 comes first
    expect(() => detectAnomaly(() => a.div(b).sum().backward())).toThrow(/DivBackward0 produced Infinity in its gradient for input 0/);
    // with a not requiring grad, only input 1 is checked
    const c = tensor([1, 2]);
    expect(() => detectAnomaly(() => c.div(b).sum().backward())).toThrow(/DivBackward0 produced -Infinity in its gradient for input 1/);
  });

  it('checkInf: false lets ±Infinity through but still stops on NaN', () => {
    const b = tensor([0, 1], { requiresGrad: true });
    detectAnomaly(() => tensor([1, 2]).div(b).sum().backward(), { checkInf: false });
    expect(values(b.grad)[0]).toBe(-Infinity);
    const x = tensor([0, 1], { requiresGrad: true });
    expect(() => detectAnomaly(() => nanAtLog(x).backward(), { checkInf: false })).toThrow(AnomalyError);
  });

  it('catches a NaN where the backward pass creates it, deep in a finite chain', () => {
    // sqrt(0)·0 is finite forward; backward, SqrtBackward0 computes 0 / (2·sqrt(0)) = NaN
    const w = tensor([[1, 3]], { requiresGrad: true });
    const loss = () => w.mul(2).sub(2).sqrt().mul(w.sub(1)).add(1).pow(2).sum();
    let error: AnomalyError | undefined;
    try {
      detectAnomaly(() => loss().backward());
    } catch (e) {
      error = e as AnomalyError;
    }
    expect(error?.message).toMatch(/^backward: SqrtBackward0 produced NaN in its gradient for input 0 \(float32 \[1, 2\]: 1 non-finite value, the first at flat index 0\)\. Anomaly/);
    expect(error?.inForward).toBe(false);
  });

  it('a NaN already present in the forward pass is reported at the first node that sends it back, saying so', () => {
    // sqrt(−1) = NaN in the forward; PowBackward0 (2·x·g with x NaN) is the first to pass it back
    const w = tensor([[1, -1]], { requiresGrad: true });
    const loss = () => w.sqrt().add(1).pow(2).sum();
    let error: AnomalyError | undefined;
    try {
      detectAnomaly(() => loss().backward());
    } catch (e) {
      error = e as AnomalyError;
    }
    expect(error?.node).toBe('PowBackward0');
    expect(error?.inForward).toBe(true);
    expect(error?.message).toMatch(/That input already held non-finite values in the forward pass/);
  });

  it('checks grad() too, and higher-order (createGraph) passes', () => {
    const x = tensor([0, 4], { requiresGrad: true });
    expect(() => detectAnomaly(() => grad(nanAtLog(x), [x]))).toThrow(/LogBackward0/);
    const y = tensor([2], { requiresGrad: true });
    const [dy] = detectAnomaly(() => grad(y.pow(3).sum(), [y], { createGraph: true }));
    expect(values(dy!)).toEqual([12]);
  });

  it('finite passes are unchanged: same gradients as with the mode off', () => {
    const run = () => {
      const w = tensor([[0.5, -0.25], [1.5, 2]], { requiresGrad: true });
      matmul(w, w).tanh().add(2).log().sum().backward();
      return values(w.grad);
    };
    const off = run();
    expect(detectAnomaly(run)).toEqual(off);
  });

  it('detectAnomaly is scoped: restored after, after a throw, nested, and returns the value', () => {
    expect(isAnomalyEnabled()).toBe(false);
    expect(detectAnomaly(() => isAnomalyEnabled())).toBe(true);
    expect(isAnomalyEnabled()).toBe(false);
    expect(() =>
      detectAnomaly(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isAnomalyEnabled()).toBe(false);
    setDetectAnomaly(true);
    detectAnomaly(() => expect(isAnomalyEnabled()).toBe(true));
    expect(isAnomalyEnabled()).toBe(true);
  });

  it('an async fn keeps the mode on until its promise settles', async () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const p = detectAnomaly(async () => {
      await Promise.resolve();
      nanAtLog(x).backward();
    });
    await expect(p).rejects.toBeInstanceOf(AnomalyError);
    expect(isAnomalyEnabled()).toBe(false);
  });

  it('setDetectAnomaly is global; turning it off removes the check entirely', () => {
    const apply = (): unknown => Object.getOwnPropertyDescriptor(Node.prototype, 'apply')?.value;
    const plain = apply();
    setDetectAnomaly(true);
    expect(apply()).not.toBe(plain);
    const x = tensor([0, 1], { requiresGrad: true });
    expect(() => nanAtLog(x).backward()).toThrow(AnomalyError);
    setDetectAnomaly(false);
    expect(apply()).toBe(plain);
    nanAtLog(tensor([0, 1], { requiresGrad: true })).backward(); // no throw
    expect(() => setDetectAnomaly('yes' as unknown as boolean)).toThrow(TypeError);
  });
});
