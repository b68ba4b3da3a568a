import { tensor, type Tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { Adagrad, Adam, RMSprop, SGD, type OptimizerStateDict, type SGDOptions } from './index.js';
import { grad64, param64, values } from './test-helpers.js';

const leaf = (v: number[]): Tensor => tensor(v, { requiresGrad: true });

describe('Optimizer: parameters and groups', () => {
  it('accepts any iterable of tensors as one group', () => {
    const a = leaf([1]);
    const b = leaf([2]);
    function* gen(): Generator<Tensor> {
      yield a;
      yield b;
    }
    const opt = new SGD(gen(), { lr: 0.1 });
    expect(opt.paramGroups).toHaveLength(1);
    expect(opt.paramGroups[0]!.params).toEqual([a, b]);
    expect(new SGD(new Set([a, b]), { lr: 0.1 }).paramGroups[0]!.params).toEqual([a, b]);
  });

  it('fills each group with the defaults and keeps its own options', () => {
    const a = leaf([1]);
    const b = leaf([2]);
    const opt = new SGD([{ params: [a] }, { params: b, lr: 0.01, momentum: 0 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.defaults).toEqual({ lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    const [g0, g1] = opt.paramGroups;
    expect(g0).toEqual({ params: [a], lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    expect(g1).toMatchObject({ params: [b], lr: 0.01, momentum: 0 });
  });

  it('updates each group with its own options', () => {
    const a = param64([1]);
    const b = param64([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    a.grad = grad64([1]);
    b.grad = grad64([1]);
    opt.step();
    expect(values(a)).toEqual([0.9]);
    expect(values(b)).toEqual([0.5]);
    opt.paramGroups[0]!.lr = 1; // what a scheduler does
    opt.step();
    expect(values(a)[0]).toBeCloseTo(-0.1, 15);
  });

  it('adds parameter groups with the defaults', () => {
    const a = param64([1]);
    const b = param64([1]);
    const opt = new Adam([a], { lr: 0.01, betas: [0.8, 0.9] });
    opt.addParamGroup({ params: [b], lr: 0.1 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.1, betas: [0.8, 0.9], eps: 1e-8, amsgrad: false });
    b.grad = grad64([1]);
    opt.step();
    expect(values(b)[0]).toBeCloseTo(0.9, 6);
    expect(values(a)).toEqual([1]);
  });

  it('rejects bad parameter lists and groups', () => {
    const a = leaf([1]);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/SGD: got an empty parameter list/);
    expect(() => new SGD(a as unknown as Tensor[], { lr: 0.1 })).toThrow(/SGD: params must be an iterable of Tensors or of parameter groups, got Tensor of shape \[1\]/);
    expect(() => new SGD([a, { params: [a] }] as unknown as Tensor[], { lr: 0.1 })).toThrow(/got a mix/);
    expect(() => new SGD([a, a], { lr: 0.1 })).toThrow(/SGD: parameter group 0: params\[1\] appears twice in the group/);
    expect(() => new SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 })).toThrow(/some parameters appear in more than one parameter group/);
    expect(() => new SGD([[1, 2]] as unknown as Tensor[], { lr: 0.1 })).toThrow(/a parameter group must be an object with params/);
    expect(() => new SGD([{ params: [1] }] as unknown as Tensor[], { lr: 0.1 })).toThrow(/params\[0\] must be a Tensor, got 1/);
    const nonLeaf = a.mul(2);
    expect(() => new SGD([nonLeaf], { lr: 0.1 })).toThrow(/SGD: parameter group 0: params\[0\] is not a leaf tensor \(computed by MulBackward0\)/);
    const opt = new SGD([a], { lr: 0.1 });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(/more than one parameter group/);
    expect(() => opt.addParamGroup({ params: [leaf([1])], lr: -1 })).toThrow(/SGD: parameter group 1: invalid learning rate -1/);
    expect(opt.paramGroups).toHaveLength(1);
  });

  it('accepts a non-leaf tensor that retains its grad, as PyTorch', () => {
    const h = leaf([1]).mul(2);
    h.retainGrad();
    expect(() => new SGD([h], { lr: 0.1 })).not.toThrow();
  });
});

describe('Optimizer: zeroGrad and step', () => {
  it('sets the gradients to null by default, or to zeros', () => {
    const a = leaf([1, 2]);
    const b = leaf([3]);
    const opt = new SGD([a, b], { lr: 0.1 });
    a.mul(a).sum().backward();
    const g = a.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(a.grad).toBe(g);
    expect(a.grad!.toArray()).toEqual([0, 0]);
    expect(b.grad).toBeNull();
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('detaches a gradient that has a history before zeroing it', () => {
    const a = leaf([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = a.mul(3); // a gradient with a history (as createGraph leaves)
    opt.zeroGrad({ setToNone: false });
    expect(a.grad.gradFn).toBeNull();
    expect(a.grad.toArray()).toEqual([0, 0]);
    expect(values(a)).toEqual([1, 2]);
  });

  it('runs a closure with grad mode on and returns its loss', () => {
    const w = leaf([1, -1]);
    const opt = new SGD([w], { lr: 0.25 });
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = w.mul(w).sum();
      l.backward();
      return l;
    });
    expect(loss!.item()).toBe(2);
    expect(values(w)).toEqual([0.5, -0.5]);
    expect(opt.step()).toBeUndefined();
  });

  it('updates a non-contiguous parameter through its view', () => {
    const base = tensor([[1, 2], [3, 4]]);
    const w = base.transpose(0, 1).requiresGrad_();
    const opt = new SGD([w], { lr: 1 });
    w.grad = tensor([[1, 2], [3, 4]]);
    opt.step();
    expect(w.toArray()).toEqual([[0, 1], [-1, 0]]);
    expect(base.toArray()).toEqual([[0, -1], [1, 0]]);
  });

  it('computes float64 parameters in float64 and float32 ones in float32', () => {
    const a = param64([1]);
    const b = leaf([1]);
    const opt = new SGD([a, b], { lr: 0.1 });
    a.grad = grad64([1 / 3]);
    b.grad = tensor([1 / 3]);
    opt.step();
    expect(values(a)).toEqual([1 - 0.1 * (1 / 3)]);
    expect(values(b)).toEqual([Math.fround(1 + Math.fround(-0.1) * Math.fround(1 / 3))]);
  });

  it('rejects a gradient of the wrong shape', () => {
    const a = leaf([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.grad = tensor([1, 2, 3]);
    expect(() => opt.step()).toThrow(/the gradient has shape \[3\] but the parameter has shape \[2\]/);
  });
});

describe('Optimizer: state dict', () => {
  function trained(): { opt: Adam; a: Tensor; b: Tensor } {
    const a = leaf([1, 2]);
    const b = leaf([3]);
    const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1, amsgrad: true });
    a.grad = tensor([0.5, -0.25]);
    opt.step();
    return { opt, a, b };
  }

  it('is plain data: indices, options, numbers and arrays', () => {
    const { opt } = trained();
    const d = opt.stateDict();
    expect(d.paramGroups).toEqual([
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [0] },
      { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [1] },
    ]);
    expect(Object.keys(d.state)).toEqual(['0']);
    const s = d.state['0']!;
    expect(s.step).toBe(1);
    expect(Array.isArray(s.expAvg)).toBe(true);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('is a copy: later steps do not change it', () => {
    const { opt, a } = trained();
    const d = opt.stateDict();
    const before = JSON.stringify(d);
    opt.paramGroups[0]!.betas[0] = 0.5;
    a.grad = tensor([1, 1]);
    opt.step();
    expect(JSON.stringify(d)).toBe(before);
  });

  it('loads back through JSON into a fresh optimizer', () => {
    const { opt, a, b } = trained();
    const saved = JSON.parse(JSON.stringify(opt.stateDict())) as OptimizerStateDict;
    const fresh = new Adam([{ params: [a] }, { params: [b] }]);
    fresh.loadStateDict(saved);
    expect(fresh.paramGroups.map((g) => [g.lr, g.amsgrad])).toEqual([[0.1, true], [0.5, true]]);
    expect(fresh.paramGroups[0]!.params).toEqual([a]);
    const s = fresh.state.get(a)!;
    expect(s.step).toBe(1);
    expect(s.expAvg).toBeInstanceOf(Float32Array);
    expect(s.expAvg).toEqual(opt.state.get(a)!.expAvg);
    expect(fresh.state.has(b)).toBe(false);
    expect(fresh.stateDict()).toEqual(opt.stateDict());
  });

  it('keeps scheduler entries of the groups', () => {
    const a = leaf([1]);
    const opt = new SGD([a], { lr: 0.1 });
    opt.paramGroups[0]!.initialLr = 0.1;
    const d = opt.stateDict();
    expect(d.paramGroups[0]!.initialLr).toBe(0.1);
    const fresh = new SGD([a], { lr: 1 });
    fresh.loadStateDict(d);
    expect(fresh.paramGroups[0]!.initialLr).toBe(0.1);
  });

  it('rejects state dicts that do not fit', () => {
    const { opt, a, b } = trained();
    const d = opt.stateDict();
    const other = new Adam([a, b]);
    expect(() => other.loadStateDict(d)).toThrow(/Adam\.loadStateDict: the state dict has 2 parameter groups but the optimizer has 1/);
    const sizes = new Adam([{ params: [a, b] }, { params: [leaf([0])] }]);
    expect(() => sizes.loadStateDict(d)).toThrow(/saved parameter group 0 has 1 parameters but the optimizer's has 2/);
    const fresh = new Adam([{ params: [a] }, { params: [b] }]);
    const short = { ...d, state: { 0: { ...d.state['0']!, expAvg: [1] } } };
    expect(() => fresh.loadStateDict(short)).toThrow(/Adam\.loadStateDict: parameter 0: state expAvg must be an array of 2 numbers/);
    const badStep = { ...d, state: { 0: { ...d.state['0']!, step: 'one' } } } as unknown as OptimizerStateDict;
    expect(() => fresh.loadStateDict(badStep)).toThrow(/state step must be a number/);
    const badOpt = { ...d, paramGroups: [{ ...d.paramGroups[0]!, lr: -1 }, d.paramGroups[1]!] };
    expect(() => fresh.loadStateDict(badOpt)).toThrow(/Adam: saved parameter group 0: invalid learning rate -1/);
    const unknown = { ...d, state: { 7: d.state['0']! } };
    expect(() => fresh.loadStateDict(unknown)).toThrow(/state for parameter 7, which no group holds/);
    expect(() => fresh.loadStateDict(null as never)).toThrow(/expected \{ state, paramGroups \}/);
    // nothing was half-loaded
    expect(fresh.state.size).toBe(0);
    expect(fresh.paramGroups[0]!.lr).toBe(1e-3);
  });

  it('round-trips the state of every optimizer', () => {
    const makers = [
      (p: Tensor[]) => new SGD(p, { lr: 0.1, momentum: 0.9 } satisfies Partial<SGDOptions>),
      (p: Tensor[]) => new RMSprop(p, { momentum: 0.5, centered: true }),
      (p: Tensor[]) => new Adagrad(p, { lrDecay: 0.1 }),
    ];
    for (const make of makers) {
      const a = leaf([1, 2]);
      const opt = make([a]);
      a.grad = tensor([0.5, -0.5]);
      opt.step();
      const d = JSON.parse(JSON.stringify(opt.stateDict())) as OptimizerStateDict;
      const fresh = make([a]);
      fresh.loadStateDict(d);
      expect(fresh.stateDict()).toEqual(opt.stateDict());
    }
  });
});
