import { noGrad, tensor, Tensor } from '@torchlet/autograd';
import { manualSeed, zeros } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Flatten,
  Linear,
  Module,
  ModuleList,
  Parameter,
  ReLU,
  Sequential,
  Sigmoid,
  type AnyModule,
  type StateDict,
} from './index.js';
import { flat } from './test-helpers.js';

class Scale extends Module {
  readonly s = this.registerParameter('s', new Parameter(tensor([2])));
  protected override compute(x: Tensor): Tensor {
    return x.mul(this.s);
  }
}

class Net extends Module {
  readonly features = this.registerModule('features', new Sequential(new Conv2d(1, 2, 3), new ReLU()));
  readonly bn = this.registerModule('bn', new BatchNorm2d(2));
  readonly head = this.registerModule('head', new Linear(2, 3));
  protected override compute(x: Tensor): Tensor {
    return this.head.forward(this.bn.forward(this.features.forward(x)).mean([2, 3]));
  }
}

describe('Parameter', () => {
  it('is a leaf tensor that requires grad and shares the wrapped values', () => {
    const t = tensor([1, 2]);
    const p = new Parameter(t);
    expect(p).toBeInstanceOf(Tensor);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p.data).toBe(t.data);
    expect(new Parameter(t, false).requiresGrad).toBe(false);
    expect(new Parameter().shape).toEqual([0]);
    expect(p.toString()).toBe('Parameter containing:\ntensor([1., 2.], requires_grad=True)');
  });

  it('rejects non-float values and non-tensors', () => {
    expect(() => new Parameter(tensor([1], { dtype: 'int32' }))).toThrow(/float/);
    expect(() => new Parameter([1, 2] as unknown as Tensor)).toThrow(TypeError);
  });
});

describe('Module registration', () => {
  it('registers parameters, buffers and modules by name and returns them', () => {
    const m = new Module();
    const p = m.registerParameter('w', new Parameter(tensor([1])));
    const b = m.registerBuffer('steps', tensor(0, { dtype: 'int32' }));
    const c = m.addModule('act', new ReLU());
    expect(m.namedParameters()).toEqual([['w', p]]);
    expect(m.namedBuffers()).toEqual([['steps', b]]);
    expect(m.namedChildren()).toEqual([['act', c]]);
    expect(m.getParameter('w')).toBe(p);
    expect(m.getBuffer('steps')).toBe(b);
    expect(m.getSubmodule('act')).toBe(c);
    expect(m.getSubmodule('')).toBe(m);
  });

  it('replaces a member of the same kind in place and keeps its position', () => {
    const m = new Module();
    m.registerParameter('a', new Parameter(tensor([1])));
    m.registerParameter('b', new Parameter(tensor([2])));
    const a2 = m.registerParameter('a', new Parameter(tensor([3])));
    expect(m.namedParameters().map(([n]) => n)).toEqual(['a', 'b']);
    expect(m.getParameter('a')).toBe(a2);
  });

  it('validates names and kinds with clear errors', () => {
    const m = new Module();
    m.registerParameter('w', new Parameter(tensor([1])));
    expect(() => m.registerParameter('', new Parameter())).toThrow(/can't be empty/);
    expect(() => m.registerParameter('a.b', new Parameter())).toThrow(/can't contain "."/);
    expect(() => m.registerBuffer('w', tensor([1]))).toThrow(/"w" is already a parameter of this Module/);
    expect(() => m.registerModule('w', new ReLU())).toThrow(/already a parameter/);
    expect(() => m.registerParameter('x', tensor([1]) as unknown as Parameter)).toThrow(/cannot assign a Tensor as parameter "x".*new Parameter/);
    expect(() => m.registerBuffer('p', new Parameter(tensor([1])))).toThrow(/registerParameter/);
    expect(() => m.registerModule('m', {} as AnyModule)).toThrow(TypeError);
    expect(() => m.getParameter('nope')).toThrow(/no parameter "nope"/);
    expect(() => m.getSubmodule('a.b')).toThrow(/no sub-module "a"/);
    expect(() => m.getBuffer('w')).toThrow(/no buffer "w"/);
  });

  it('null members are declared but skipped everywhere', () => {
    const lin = new Linear(2, 3, { bias: false });
    expect(lin.bias).toBeNull();
    expect(lin.namedParameters().map(([n]) => n)).toEqual(['weight']);
    expect(Object.keys(lin.stateDict())).toEqual(['weight']);
    const m = new Module();
    m.registerModule('empty', null);
    expect(m.children()).toEqual([]);
    expect(m.toString()).toBe('Module(\n  (empty): None\n)');
  });

  it('non-persistent buffers are listed but not saved', () => {
    const m = new Module();
    m.registerBuffer('cache', tensor([1]), { persistent: false });
    m.registerBuffer('kept', tensor([2]));
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['cache', 'kept']);
    expect(Object.keys(m.stateDict())).toEqual(['kept']);
  });

  it('a module without compute says so', () => {
    expect(() => new Module().forward(tensor([1]))).toThrow(/Module \[Module\] is missing the required "compute" method/);
  });
});

describe('Module traversal', () => {
  it('names everything with dotted PyTorch paths in registration order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'features.0.weight',
      'features.0.bias',
      'bn.weight',
      'bn.bias',
      'head.weight',
      'head.bias',
    ]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
    expect(net.namedModules().map(([n]) => n)).toEqual(['', 'features', 'features.0', 'features.1', 'bn', 'head']);
    expect(net.modules()).toHaveLength(6);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['features', 'bn', 'head']);
    expect(net.children()[1]).toBe(net.bn);
    expect(net.parameters()).toHaveLength(6);
    expect(net.buffers()).toHaveLength(3);
    expect(net.parameters({ recurse: false })).toHaveLength(0);
    expect(net.namedParameters({ prefix: 'model' })[0]![0]).toBe('model.features.0.weight');
    expect(net.getParameter('features.0.weight')).toBe((net.features.get(0) as Conv2d).weight);
    expect(net.getBuffer('bn.running_var')).toBe(net.bn.runningVar);
  });

  it('lists shared modules and parameters once (unless removeDuplicate is false)', () => {
    const shared = new Linear(2, 2);
    const seq = new Sequential(shared, new ReLU(), shared);
    expect(seq.parameters()).toHaveLength(2);
    expect(seq.namedParameters({ removeDuplicate: false }).map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq.modules()).toHaveLength(3);
    expect(seq.children()).toHaveLength(2);
    // the state dict keeps every key, as PyTorch's does
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  });
});

describe('Module modes and gradients', () => {
  it('train/eval propagate to every sub-module and return the module', () => {
    const net = new Net();
    expect(net.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().every((m) => !m.training)).toBe(true);
    expect(net.train()).toBe(net);
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.train(false);
    expect(net.bn.training).toBe(false);
    expect(() => net.train('yes' as unknown as boolean)).toThrow(TypeError);
  });

  it('zeroGrad sets gradients to null by default, or zeros them in place', () => {
    const lin = new Linear(3, 2);
    lin.forward(tensor([[1, 2, 3]])).sum().backward();
    const g = lin.weight.grad!;
    expect(flat(g).some((v) => v !== 0)).toBe(true);
    lin.zeroGrad({ setToNone: false });
    expect(lin.weight.grad).toBe(g);
    expect(flat(g).every((v) => v === 0)).toBe(true);
    lin.zeroGrad();
    expect(lin.weight.grad).toBeNull();
    expect(lin.bias!.grad).toBeNull();
  });

  it('requiresGrad_ freezes and unfreezes every parameter', () => {
    const net = new Net();
    net.features.requiresGrad_(false);
    expect(net.parameters().map((p) => p.requiresGrad)).toEqual([false, false, true, true, true, true]);
    net.requiresGrad_();
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
  });

  it('apply visits children first, then the module itself', () => {
    const net = new Sequential(new Linear(1, 1), new Sequential(new ReLU()));
    const seen: string[] = [];
    expect(net.apply((m) => seen.push(m.typeName()))).toBe(net);
    expect(seen).toEqual(['Linear', 'ReLU', 'Sequential', 'Sequential']);
  });

  it('to(dtype) converts float parameters, gradients and buffers in place, keeping identity', () => {
    const net = new Net();
    const w = net.head.weight;
    net.head.forward(tensor([[1, 2]])).sum().backward();
    expect(net.to('float64')).toBe(net);
    expect(net.head.weight).toBe(w);
    expect(w.dtype).toBe('float64');
    expect(w.grad!.dtype).toBe('float64');
    expect(net.bn.runningMean!.dtype).toBe('float64');
    expect(net.bn.numBatchesTracked!.dtype).toBe('int32');
    expect(net.forward(tensor(zeros([2, 1, 5, 5], { dtype: 'float64' }))).dtype).toBe('float64');
    expect(net.float().head.weight.dtype).toBe('float32');
    expect(net.double().head.bias!.dtype).toBe('float64');
    expect(() => net.to('int32' as 'float32')).toThrow(TypeError);
  });
});

describe('stateDict / loadStateDict', () => {
  it('uses PyTorch key names and shares storage with the module (detached)', () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(Object.keys(sd)).toEqual([
      'features.0.weight',
      'features.0.bias',
      'bn.weight',
      'bn.bias',
      'bn.running_mean',
      'bn.running_var',
      'bn.num_batches_tracked',
      'head.weight',
      'head.bias',
    ]);
    const nbt = sd['bn.num_batches_tracked']!;
    expect(nbt.dtype).toBe('int32');
    expect(nbt.shape).toEqual([]);
    const w = sd['head.weight']!;
    expect(w).not.toBe(net.head.weight);
    expect(w.requiresGrad).toBe(false);
    expect(w.data).toBe(net.head.weight.data);
    expect(net.stateDict({ keepVars: true })['head.weight']).toBe(net.head.weight);
    expect(Object.keys(net.stateDict({ prefix: 'model.' }))[0]).toBe('model.features.0.weight');
  });

  it('round-trips into another model in place, keeping the tensors', () => {
    manualSeed(1);
    const a = new Net();
    manualSeed(2);
    const b = new Net();
    const bw = b.head.weight;
    expect(flat(bw)).not.toEqual(flat(a.head.weight));
    expect(b.loadStateDict(a.stateDict())).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.head.weight).toBe(bw);
    expect(bw.requiresGrad).toBe(true);
    for (const [k, v] of Object.entries(a.stateDict())) expect(flat(b.stateDict()[k]!)).toEqual(flat(v));
    const x = tensor(zeros([2, 1, 5, 5]));
    a.eval();
    b.eval();
    expect(flat(b.forward(x))).toEqual(flat(a.forward(x)));
  });

  it('round-trips through JSON of tensor.toArray()', () => {
    manualSeed(3);
    const a = new Net();
    a.forward(tensor(zeros([2, 1, 5, 5]))); // moves the running stats and num_batches_tracked
    const json = JSON.stringify(Object.fromEntries(Object.entries(a.stateDict()).map(([k, t]) => [k, t.toArray()])));
    const parsed = JSON.parse(json) as Record<string, number[]>;
    const restored: StateDict = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, tensor(v)]));
    const b = new Net();
    b.loadStateDict(restored);
    expect(b.bn.numBatchesTracked!.dtype).toBe('int32');
    expect(b.bn.numBatchesTracked!.item()).toBe(1);
    for (const [k, v] of Object.entries(a.stateDict())) expect(flat(b.stateDict()[k]!), k).toEqual(flat(v));
  });

  it('accepts a Map and NDArray values, casting to each tensor dtype', () => {
    const lin = new Linear(2, 1);
    lin.loadStateDict(
      new Map<string, Tensor | ReturnType<typeof zeros>>([
        ['weight', tensor([[1, 2]], { dtype: 'float64' })],
        ['bias', zeros([1])],
      ]),
    );
    expect(lin.weight.dtype).toBe('float32');
    expect(flat(lin.weight)).toEqual([1, 2]);
    expect(flat(lin.bias!)).toEqual([0]);
  });

  it('strict loading lists every missing, unexpected and mis-shaped key, and copies nothing', () => {
    const net = new Sequential(new Conv2d(1, 6, 5), new Linear(4, 2));
    const before = flat((net.get(1) as Linear).weight);
    const sd: StateDict = {
      '0.weight': tensor(zeros([6, 1, 3, 3])),
      '1.weight': tensor(zeros([2, 4])),
      extra: tensor([1]),
    };
    let message = '';
    try {
      net.loadStateDict(sd);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(
      'Error(s) in loading state_dict for Sequential:\n' +
        '\tMissing key(s) in state_dict: "0.bias", "1.bias".\n' +
        '\tUnexpected key(s) in state_dict: "extra".\n' +
        '\tsize mismatch for 0.weight: copying a param with shape [6, 1, 3, 3] from checkpoint, the shape in current model is [6, 1, 5, 5].',
    );
    expect(flat((net.get(1) as Linear).weight)).toEqual(before);
  });

  it('non-strict loading copies the matching keys and reports the rest; mis-shaped keys still throw', () => {
    const net = new Sequential(new Linear(2, 2), new Linear(2, 1));
    const res = net.loadStateDict({ '1.weight': tensor([[5, 6]]), stray: tensor([0]) }, { strict: false });
    expect(res).toEqual({ missingKeys: ['0.weight', '0.bias', '1.bias'], unexpectedKeys: ['stray'] });
    expect(flat((net.get(1) as Linear).weight)).toEqual([5, 6]);
    expect(() => net.loadStateDict({ '1.weight': tensor([[5, 6, 7]]) }, { strict: false })).toThrow(/size mismatch for 1.weight/);
  });

  it('rejects values that are not tensors', () => {
    expect(() => new Linear(1, 1).loadStateDict({ weight: [[1]] as unknown as Tensor, bias: tensor([0]) })).toThrow(/"weight" must be a Tensor/);
    expect(() => new Linear(1, 1).loadStateDict(null as unknown as StateDict)).toThrow(TypeError);
  });

  it('loads under noGrad: parameters stay leaves and no graph is recorded', () => {
    const lin = new Linear(1, 1);
    const src = tensor([[3]], { requiresGrad: true }).mul(1);
    lin.loadStateDict({ weight: src, bias: tensor([0]) });
    expect(lin.weight.isLeaf).toBe(true);
    expect(lin.weight.gradFn).toBeNull();
    expect(flat(lin.weight)).toEqual([3]);
  });
});

describe('hooks', () => {
  it('forward pre-hooks may replace the arguments, forward hooks the output; handles remove them', () => {
    const m = new Scale();
    const calls: string[] = [];
    const h1 = m.registerForwardPreHook((mod, [x]) => {
      calls.push(`pre ${mod.typeName()}`);
      return [x.add(1)];
    });
    const h2 = m.registerForwardHook((_mod, [x], out) => {
      calls.push(`post ${x.item()}`);
      return out.neg();
    });
    expect(m.forward(tensor([1])).item()).toBe(-4);
    expect(calls).toEqual(['pre Scale', 'post 2']);
    h1.remove();
    h2.remove();
    h2.remove();
    expect(m.forward(tensor([1])).item()).toBe(2);
    expect(h1.id).not.toBe(h2.id);
  });

  it('a hook returning nothing leaves values unchanged', () => {
    const m = new Scale();
    m.registerForwardPreHook(() => undefined);
    m.registerForwardHook(() => undefined);
    expect(m.forward(tensor([3])).item()).toBe(6);
  });

  it('backward hooks see (and may replace) the gradient w.r.t. the output', () => {
    const m = new Scale();
    const seen: number[] = [];
    const h = m.registerFullBackwardHook((mod, g) => {
      seen.push(g.item());
      expect(mod).toBe(m);
      return g.mul(10);
    });
    const x = tensor([1], { requiresGrad: true });
    m.forward(x).mul(3).sum().backward();
    expect(seen).toEqual([3]);
    expect(x.grad!.item()).toBe(60); // 3 · 10 · s(2)
    expect(m.s.grad!.item()).toBe(30);
    h.remove();
    x.grad = null;
    m.forward(x).mul(3).sum().backward();
    expect(x.grad!.item()).toBe(6);
    expect(seen).toEqual([3]);
  });

  it('backward hooks on a module whose output is a leaf do not stick to the caller’s tensor', () => {
    class Pass extends Module {
      protected override compute(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new Pass();
    let n = 0;
    m.registerFullBackwardHook(() => void n++);
    const x = tensor([1], { requiresGrad: true });
    m.forward(x).sum().backward();
    x.sum().backward();
    expect(n).toBe(1);
    expect(x.grad!.item()).toBe(2);
  });

  it('hooks run on children inside a Sequential, and reject non-functions', () => {
    const relu = new ReLU();
    const net = new Sequential(new Linear(2, 2), relu);
    const shapes: number[][] = [];
    relu.registerForwardHook((_m, _a, out) => void shapes.push([...out.shape]));
    net.forward(tensor([[1, 2]]));
    expect(shapes).toEqual([[1, 2]]);
    expect(() => relu.registerForwardHook(1 as never)).toThrow(TypeError);
    expect(() => relu.registerForwardPreHook(null as never)).toThrow(TypeError);
    expect(() => relu.registerFullBackwardHook('x' as never)).toThrow(TypeError);
  });

  it('the hook machinery is bypassed under noGrad for backward hooks', () => {
    const m = new Scale();
    m.registerFullBackwardHook(() => undefined);
    const out = noGrad(() => m.forward(tensor([1])));
    expect(out.requiresGrad).toBe(false);
  });
});

describe('toString', () => {
  it('prints nested modules exactly like PyTorch', () => {
    const net = new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }),
      new Sigmoid(),
      new AvgPool2d(2, { stride: 2 }),
      new Sequential(new Flatten(), new Linear(400, 120)),
      new ModuleList([new ReLU()]),
    );
    expect(net.toString()).toBe(
      [
        'Sequential(',
        '  (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))',
        '  (1): Sigmoid()',
        '  (2): AvgPool2d(kernel_size=2, stride=2, padding=0)',
        '  (3): Sequential(',
        '    (0): Flatten(start_dim=1, end_dim=-1)',
        '    (1): Linear(in_features=400, out_features=120, bias=True)',
        '  )',
        '  (4): ModuleList(',
        '    (0): ReLU()',
        '  )',
        ')',
      ].join('\n'),
    );
    expect(String(net.get(1))).toBe('Sigmoid()');
  });

  it('prints a user module with extra lines and children', () => {
    class Block extends Module {
      constructor() {
        super();
        this.registerModule('fc', new Linear(2, 2));
      }
      override extraRepr(): string {
        return 'scale=2';
      }
    }
    expect(new Block().toString()).toBe('Block(\n  scale=2\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n)');
    expect(new Net().toString()).toBe(
      [
        'Net(',
        '  (features): Sequential(',
        '    (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))',
        '    (1): ReLU()',
        '  )',
        '  (bn): BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (head): Linear(in_features=2, out_features=3, bias=True)',
        ')',
      ].join('\n'),
    );
  });
});
