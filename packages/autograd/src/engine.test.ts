/**
 * The tape and the backward engine: roots and their gradients, accumulation, fan-out, freeing,
 * grad(), grad mode, hooks, retainGrad, leaves, in-place rules and version checks, deep chains,
 * printing, and tensor creation.
 */
import * as nd from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { enableGrad, grad, isGradEnabled, noGrad, setGradEnabled, tensor, Tensor } from './index.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

function values(t: Tensor | null): number[] {
  if (!t) throw new Error('expected a tensor, got null');
  return Array.from(t.data.clone().denseData());
}

describe('backward: roots and their gradients', () => {
  it('backward on a scalar seeds 1', () => {
    const w = tensor([[1, 2]], { requiresGrad: true });
    const y = w.mul(w).sum();
    expect(y.shape).toEqual([]);
    y.backward();
    expect(w.grad!.toArray()).toEqual([[2, 4]]);
    expect(w.grad!.shape).toEqual([1, 2]);
    expect(w.grad!.dtype).toBe('float32');
    expect(w.grad!.requiresGrad).toBe(false);
  });

  it('the textbook loop: backward, then an update under noGrad', () => {
    const w = tensor([[1, 2]], { requiresGrad: true });
    w.mul(w).sum().backward();
    noGrad(() => w.sub_(w.grad!.mul(0.5)));
    expect(w.toArray()).toEqual([[0, 0]]);
    expect(w.isLeaf).toBe(true);
    expect(w.requiresGrad).toBe(true);
  });

  it('a one-element non-0-d output also needs no gradient', () => {
    const x = tensor([3], { requiresGrad: true });
    x.mul(x).backward();
    expect(x.grad!.toArray()).toEqual([6]);
  });

  it('backward on a non-scalar without a gradient throws a clear error', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/implicitly only for scalar outputs.*\[3\]/);
  });

  it('a gradient of the wrong shape throws', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(() => x.mul(2).backward(tensor([1, 1]))).toThrow(/gradient has shape \[2\] but the output has shape \[3\]/);
    expect(() => x.mul(2).backward(tensor([[1, 1, 1]]))).toThrow(/shape/);
  });

  it('an explicit gradient is the upstream ∂L/∂out (vector–Jacobian product)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).backward(tensor([1, 0.5, -1]));
    expect(x.grad!.toArray()).toEqual([2, 2, -6]);
  });

  it('a number gradient fills the output shape; a float64 gradient is cast to the output dtype', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).backward(2);
    expect(x.grad!.toArray()).toEqual([6, 6]);
    const y = tensor([1, 2], { requiresGrad: true });
    y.mul(3).backward(tensor([1, 2], { dtype: 'float64' }));
    expect(y.grad!.dtype).toBe('float32');
    expect(y.grad!.toArray()).toEqual([3, 6]);
  });

  it('backward on a tensor that does not require grad throws', () => {
    const x = tensor([1, 2]);
    expect(() => x.sum().backward()).toThrow(/does not require grad/);
    const y = noGrad(() => tensor([1, 2], { requiresGrad: true }).mul(2).sum());
    expect(() => y.backward()).toThrow(/does not require grad/);
  });

  it('backward on a leaf that requires grad gives it a gradient of ones', () => {
    const x = tensor(2, { requiresGrad: true });
    x.backward();
    expect(x.grad!.item()).toBe(1);
  });

  it('gradients accumulate across two backward calls', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([3 + 2, 3 + 4]);
    x.grad = null;
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });

  it('a tensor used twice (fan-out) receives the sum of both gradients', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const a = x.mul(2);
    const b = x.exp();
    a.add(b).sum().backward();
    expect(values(x.grad)).toEqual([2 + Math.fround(Math.exp(1)), 2 + Math.fround(Math.exp(2))].map(Math.fround));
    // a diamond through a shared non-leaf: y = h·h + h with h = 3x
    const z = tensor([1, -2], f64);
    const h = z.mul(3);
    h.mul(h).add(h).sum().backward();
    expect(z.grad!.toArray()).toEqual([(2 * 3 * 1 + 1) * 3, (2 * 3 * -2 + 1) * 3]);
  });

  it('gradients only reach the leaves that require grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const c = tensor([5, 7]);
    x.mul(c).sum().backward();
    expect(x.grad!.toArray()).toEqual([5, 7]);
    expect(c.grad).toBeNull();
  });

  it('a second backward through a freed graph throws; retainGraph keeps it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);

    const x2 = tensor([1, 2], { requiresGrad: true });
    const y2 = x2.mul(x2).sum();
    y2.backward(null, { retainGraph: true });
    y2.backward();
    expect(x2.grad!.toArray()).toEqual([4, 8]);
    expect(() => y2.backward()).toThrow(/second time/);
  });

  it('a freed graph is detected through a shared subgraph, too', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.exp();
    h.sum().backward();
    expect(() => h.mul(2).sum().backward()).toThrow(/second time.*ExpBackward0/);
  });

  it('leaf gradients are fresh contiguous tensors, never aliases of other gradients', () => {
    // a broadcast (stride-0) gradient must not stay a broadcast view in .grad
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.sum().backward();
    expect(x.grad!.data.isContiguous()).toBe(true);
    noGrad(() => x.grad!.mul_(2));
    expect(x.grad!.toArray()).toEqual([2, 2, 2]);
    // add passes its gradient through unchanged: both leaves and the caller's tensor must stay separate
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const g = tensor([5, 6]);
    a.add(b).backward(g);
    a.grad!.zero_();
    expect(b.grad!.toArray()).toEqual([5, 6]);
    expect(g.toArray()).toEqual([5, 6]);
  });

  it('createGraph records the backward itself: .grad can be differentiated again', () => {
    const x = tensor([2], f64);
    x.pow(3).sum().backward(null, { createGraph: true });
    const g = x.grad!;
    expect(g.item()).toBe(12);
    expect(g.requiresGrad).toBe(true);
    const [g2] = grad(g.sum(), [x]);
    expect(g2!.item()).toBe(12); // 6x
  });
});

describe('grad()', () => {
  it('returns the gradients without touching .grad', () => {
    const x = tensor([1, 2], f64);
    const [g] = grad(x.mul(x).sum(), [x]);
    expect(g!.toArray()).toEqual([2, 4]);
    expect(x.grad).toBeNull();
  });

  it('higher order with createGraph: x³ at 3 → 27, then 18, then 6', () => {
    const x = tensor([3], f64);
    const y = x.pow(3);
    const [dy] = grad(y.sum(), [x], { createGraph: true });
    expect(dy!.item()).toBe(27);
    expect(dy!.requiresGrad).toBe(true);
    const [d2y] = grad(dy!.sum(), [x], { createGraph: true });
    expect(d2y!.item()).toBe(18);
    const [d3y] = grad(d2y!.sum(), [x]);
    expect(d3y!.item()).toBe(6);
  });

  it('allowUnused gives null for an input the outputs do not depend on; without it, throws', () => {
    const x = tensor([1, 2], f64);
    const unused = tensor([3], f64);
    const [gx, gu] = grad(x.sum(), [x, unused], { allowUnused: true });
    expect(gx!.toArray()).toEqual([1, 1]);
    expect(gu).toBeNull();
    expect(() => grad(x.mul(2).sum(), [x, unused])).toThrow(/input 1 was not used.*allowUnused/);
  });

  it('non-leaf inputs get the gradient w.r.t. themselves', () => {
    const x = tensor([1, 2], f64);
    const h = x.mul(3);
    const y = h.mul(h).sum();
    const [gh, gx] = grad(y, [h, x]);
    expect(gh!.toArray()).toEqual([6, 12]); // 2h
    expect(gx!.toArray()).toEqual([18, 36]); // 2h·3
  });

  it('several outputs with their gradOutputs', () => {
    const x = tensor([1, 2], f64);
    const [g] = grad([x.mul(2), x.mul(x).sum()], [x], { gradOutputs: [tensor([1, -1], { dtype: 'float64' }), null] });
    expect(g!.toArray()).toEqual([2 + 2, -2 + 4]);
  });

  it('an input that does not require grad, or a mismatched gradOutputs list, throws', () => {
    const x = tensor([1, 2], f64);
    expect(() => grad(x.sum(), [tensor([1])])).toThrow(/input 0 does not require grad/);
    expect(() => grad([x.sum()], [x], { gradOutputs: [null, null] })).toThrow(/2 gradients for 1 outputs/);
  });

  it('frees the graph unless retainGraph (or createGraph) is set', () => {
    const x = tensor([1, 2], f64);
    const y = x.exp().sum();
    grad(y, [x], { retainGraph: true });
    grad(y, [x]);
    expect(() => grad(y, [x])).toThrow(/second time/);
  });
});

describe('grad mode', () => {
  it('is on by default; noGrad and enableGrad nest and restore', () => {
    expect(isGradEnabled()).toBe(true);
    const x = tensor([1], { requiresGrad: true });
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      expect(x.mul(2).requiresGrad).toBe(false);
      enableGrad(() => {
        expect(isGradEnabled()).toBe(true);
        expect(x.mul(2).requiresGrad).toBe(true);
        noGrad(() => expect(isGradEnabled()).toBe(false));
        expect(isGradEnabled()).toBe(true);
      });
      expect(isGradEnabled()).toBe(false);
      setGradEnabled(true, () => expect(isGradEnabled()).toBe(true));
    });
    expect(isGradEnabled()).toBe(true);
    setGradEnabled(false, () => expect(isGradEnabled()).toBe(false));
    expect(isGradEnabled()).toBe(true);
  });

  it('returns the callback value', () => {
    expect(noGrad(() => 42)).toBe(42);
    expect(enableGrad(() => 'x')).toBe('x');
  });

  it('is restored after an exception', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(() =>
        enableGrad(() => {
          throw new Error('inner');
        }),
      ).toThrow('inner');
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
  });

  it('results computed under noGrad are outside the tape', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(y.isLeaf).toBe(true);
  });
});

describe('hooks and retainGrad', () => {
  it('a hook on a leaf sees the total gradient and can replace it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(values(g));
      return g.mul(10);
    });
    x.mul(2).add(x).sum().backward(); // fan-out: the hook runs once, on 2 + 1
    expect(seen).toEqual([[3, 3]]);
    expect(x.grad!.toArray()).toEqual([30, 30]);
  });

  it('a hook on a non-leaf changes the gradient that flows on; removal stops it', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    let calls = 0;
    const remove = h.registerHook((g) => {
      calls++;
      return g.mul(-1);
    });
    h.sum().backward(null, { retainGraph: true });
    expect(x.grad!.toArray()).toEqual([-2, -2]);
    remove();
    x.grad = null;
    h.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2]);
    expect(calls).toBe(1);
  });

  it('a hook that returns nothing only observes', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    let total = 0;
    x.registerHook((g) => {
      total = g.sum().item();
    });
    x.mul(3).sum().backward();
    expect(total).toBe(6);
    expect(x.grad!.toArray()).toEqual([3, 3]);
  });

  it('hooks need a tensor that requires grad', () => {
    expect(() => tensor([1]).registerHook(() => undefined)).toThrow(/does not require grad/);
  });

  it('retainGrad keeps .grad on a non-leaf; without it, non-leaves have no .grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3);
    const k = h.mul(h);
    h.retainGrad();
    expect(h.retainsGrad).toBe(true);
    expect(k.retainsGrad).toBe(false);
    k.sum().backward(null, { retainGraph: true });
    expect(h.grad!.toArray()).toEqual([6, 12]);
    expect(k.grad).toBeNull();
    k.sum().backward();
    expect(h.grad!.toArray()).toEqual([12, 24]); // accumulates like a leaf
    expect(x.grad!.toArray()).toEqual([36, 72]);
    expect(() => tensor([1]).retainGrad()).toThrow(/does not require grad/);
  });
});

describe('leaves, requiresGrad_ and detach', () => {
  it('requiresGrad_ turns gradients on for float tensors only', () => {
    const x = tensor([1, 2]);
    expect(x.requiresGrad).toBe(false);
    expect(x.requiresGrad_()).toBe(x);
    expect(x.requiresGrad).toBe(true);
    x.requiresGrad_(false);
    expect(x.requiresGrad).toBe(false);
    x.requiresGrad = true;
    expect(x.requiresGrad).toBe(true);
    expect(() => tensor([1, 2], { dtype: 'int32' }).requiresGrad_()).toThrow(/only float32\/float64/);
    expect(() => tensor([true]).requiresGrad_()).toThrow(TypeError);
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(/only float32\/float64/);
    expect(tensor([1], { dtype: 'float64', requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('requiresGrad cannot be turned off on a non-leaf', () => {
    const h = tensor([1], { requiresGrad: true }).mul(2);
    expect(h.isLeaf).toBe(false);
    expect(() => h.requiresGrad_(false)).toThrow(/non-leaf.*MulBackward0.*detach/);
    expect(h.requiresGrad_()).toBe(h);
  });

  it('detach shares the values but is cut from the tape', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    const d = h.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    expect(d.gradFn).toBeNull();
    expect(d.toArray()).toEqual([2, 4]);
    expect(d.data.data).toBe(h.data.data);
    h.mul(d).sum().backward(); // d is a constant: ∂/∂x = 2·d
    expect(x.grad!.toArray()).toEqual([4, 8]);
  });

  it('an in-place change through a detached alias bumps the shared version', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp();
    const before = y.version;
    y.detach().add_(1);
    expect(y.version).toBe(before + 1);
    expect(() => y.sum().backward()).toThrow(/modified by an in-place operation/);
  });
});

describe('in-place ops', () => {
  it('on a leaf that requires grad: refused under grad mode, allowed under noGrad', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(/leaf tensor that requires grad.*in-place/);
    expect(() => w.mul_(tensor([2, 2]))).toThrow(/leaf/);
    expect(() => w.zero_()).toThrow(/leaf/);
    expect(w.toArray()).toEqual([1, 2]);
    noGrad(() => {
      w.sub_(tensor([0.5, 0.5]));
      w.mul_(2);
    });
    expect(w.toArray()).toEqual([1, 3]);
    expect(w.isLeaf).toBe(true);
    expect(w.requiresGrad).toBe(true);
    expect(w.version).toBe(2);
  });

  it('a saved tensor modified in place before backward throws the version error', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp();
    y.add_(1);
    expect(() => y.sum().backward()).toThrow(/modified by an in-place operation.*version 1; expected version 0.*ExpBackward0/);

    const x2 = tensor([1, 2], { requiresGrad: true });
    const a = x2.mul(2);
    const b = a.mul(a);
    a.add_(1);
    expect(() => b.sum().backward()).toThrow(/modified by an in-place operation/);
  });

  it('an in-place change of a value the backward does not read is fine', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const a = x.mul(2);
    const b = a.add(1); // add does not save its inputs
    a.mul_(5);
    b.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });

  it('ops recorded before an in-place rebase keep their own history (edges are fixed when recorded)', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const a = x.mul(2);
    const b = a.add(1); // reads a = 2x
    a.mul_(5); // a's history is now (2x)·5, which b never saw
    b.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2]);
    // a constant that later joins the tape: earlier consumers still treat it as a constant
    const acc = tensor([1, 2]);
    const w = tensor([3, 4], { requiresGrad: true });
    const y = acc.add(w);
    acc.add_(w);
    y.sum().backward();
    expect(w.grad!.toArray()).toEqual([1, 1]);
  });

  it('on a non-leaf, the history is rebased onto the new op (correct gradients)', () => {
    const x = tensor([1, 2], f64);
    const y = x.mul(2);
    y.mul_(x); // y = 2x²
    y.add_(3);
    expect(y.gradFn!.name).toBe('AddBackward0');
    expect(y.toArray()).toEqual([5, 11]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([4, 8]); // 4x
  });

  it('on a non-leaf: clamp_, fill_ and copy_ rebase too', () => {
    const x = tensor([-2, 0.5, 3], f64);
    x.mul(1).clamp_(-1, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 0]);
    x.grad = null;
    const s = tensor([7], f64);
    const z = x.mul(2);
    z.copy_(s);
    expect(z.toArray()).toEqual([7, 7, 7]);
    z.add(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1, 1]);
    expect(s.grad!.toArray()).toEqual([3]);
    x.grad = null;
    x.mul(3).fill_(1).add(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([1, 1, 1]);
  });

  it('an operand that requires grad puts the modified tensor on the tape', () => {
    const acc = tensor([0, 0]);
    const w = tensor([1, 2], { requiresGrad: true });
    acc.add_(w);
    expect(acc.requiresGrad).toBe(true);
    expect(acc.isLeaf).toBe(false);
    acc.mul_(w);
    acc.sum().backward();
    expect(w.grad!.toArray()).toEqual([2, 4]); // d(w·w)
  });

  it('an in-place change of a view while recording is refused (the base would miss the history)', () => {
    const base = tensor([0, 0, 0]);
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => base.slice(0, 0, 2).copy_(w)).toThrow(/view/);
    const h = tensor([1, 2, 3, 4], { requiresGrad: true }).mul(1);
    expect(() => h.view(2, 2).add_(1)).toThrow(/view/);
    // outside the tape, views write through to their base
    const v = base.slice(0, 1, 3);
    v.add_(5);
    expect(base.toArray()).toEqual([0, 5, 5]);
    noGrad(() => base.slice(0, 0, 2).copy_(w));
    expect(base.toArray()).toEqual([1, 2, 5]);
  });

  it('an integer tensor cannot take the result of an op that requires grad in place', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(() => i.add_(tensor([1, 1], { requiresGrad: true }))).toThrow(/int32/);
  });

  it('every in-place write bumps the version, shared with views', () => {
    const x = tensor([1, 2, 3, 4]);
    const v = x.view(2, 2);
    expect(x.version).toBe(0);
    x.add_(1);
    v.mul_(2);
    expect(x.version).toBe(2);
    expect(v.version).toBe(2);
    expect(x.toArray()).toEqual([4, 6, 8, 10]);
  });
});

describe('deep graphs', () => {
  it('a 100,000-op chain backward does not overflow the stack', { timeout: 60_000 }, () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.mul(1);
    y.sum().backward();
    expect(x.grad!.item()).toBe(1);
  });
});

describe('printing', () => {
  it('toString is PyTorch-like, with grad_fn or requires_grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(x.toString()).toBe('tensor([1., 2.], requires_grad=True)');
    expect(x.mul(2).toString()).toBe('tensor([2., 4.], grad_fn=<MulBackward0>)');
    expect(x.mul(x).sum().toString()).toBe('tensor(5., grad_fn=<SumBackward0>)');
    expect(x.sum(0).toString()).toBe('tensor(3., grad_fn=<SumBackward1>)');
    expect(x.mean().gradFn!.name).toBe('MeanBackward0');
    expect(x.mean(0).gradFn!.name).toBe('MeanBackward1');
    expect(tensor([1.5, 2]).toString()).toBe('tensor([1.5000, 2.0000])');
    expect(String(tensor([[1, 2]], { dtype: 'float64', requiresGrad: true }).exp().gradFn!.name)).toBe('ExpBackward0');
    expect(tensor([1, 2], { dtype: 'int32' }).toString()).toBe('tensor([1, 2], dtype=int32)');
  });
});

describe('tensor() and accessors', () => {
  it('builds from nested arrays (float32 by default)', () => {
    const t = tensor([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(t.isLeaf).toBe(true);
    expect(t.requiresGrad).toBe(false);
    expect(t.grad).toBeNull();
    expect(t.gradFn).toBeNull();
  });

  it('names itself in the errors of bad data', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/^tensor: ragged nested array: expected length 2 at \[1\], got 1/);
    expect(() => tensor([1.5], { dtype: 'int32' })).toThrow(/^tensor: value 1.5 at flat index 0 is not representable as int32/);
  });

  it('builds from a typed array with a shape, keeping its dtype', () => {
    const t = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
    expect(t.shape).toEqual([3, 2]);
    expect(t.dtype).toBe('float64');
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(tensor(new Int32Array([1, 2])).shape).toEqual([2]);
    expect(tensor(new Float32Array([1, -1]), { shape: [1, 2], requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('honours the dtype option and copies NDArray / Tensor sources', () => {
    expect(tensor([1, 2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(tensor([1, -2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(tensor([true, false]).dtype).toBe('bool');
    const src = nd.array([1, 2]);
    const t = tensor(src, { dtype: 'float64' });
    expect(t.dtype).toBe('float64');
    const u = tensor(src);
    u.add_(1);
    expect(src.toArray()).toEqual([1, 2]);
    const w = tensor(u, { requiresGrad: true });
    expect(w.data.data).not.toBe(u.data.data);
    expect(w.requiresGrad).toBe(true);
  });

  it('item, numel, size, dim', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.numel()).toBe(6);
    expect(t.dim()).toBe(2);
    expect(t.ndim).toBe(2);
    expect(t.size()).toEqual([2, 3]);
    expect(t.size(0)).toBe(2);
    expect(t.size(-1)).toBe(3);
    expect(tensor(7).item()).toBe(7);
    expect(tensor(7).dim()).toBe(0);
    expect(tensor([[2.5]]).item()).toBe(2.5);
    expect(() => t.item()).toThrow();
    expect(() => t.size(2)).toThrow();
  });

  it('the data setter swaps values without touching the tape', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    w.data = nd.array([5, 6, 7]);
    expect(w.shape).toEqual([3]);
    expect(w.requiresGrad).toBe(true);
    expect(w.version).toBe(0);
  });

  it('a Tensor is what every op returns', () => {
    expect(tensor([1]).mul(2)).toBeInstanceOf(Tensor);
  });
});
