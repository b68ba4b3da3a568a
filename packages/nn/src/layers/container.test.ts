import { tensor, type Tensor } from '@torchlet/autograd';
import { zeros } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { Conv2d, Linear, Module, ModuleList, ReLU, Sequential, Sigmoid, Tanh, type AnyModule } from '../index.js';
import { expectModuleGradcheck, f64 } from '../test-helpers.js';

describe('Sequential', () => {
  it('runs its modules in order and names them 0, 1, …', () => {
    const fc = new Linear(2, 2);
    const net = new Sequential(fc, new ReLU());
    fc.loadStateDict({ weight: tensor([[1, 0], [0, -1]]), bias: tensor([0, 0]) });
    expect(net.forward(tensor([[3, 4]])).toArray()).toEqual([[3, 0]]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['0', '1']);
    expect(Object.keys(net.stateDict())).toEqual(['0.weight', '0.bias']);
  });

  it('takes named modules from an object or a Map', () => {
    const named = new Sequential({ conv: new Conv2d(1, 2, 3), act: new ReLU() });
    expect(Object.keys(named.stateDict())).toEqual(['conv.weight', 'conv.bias']);
    expect(named.forward(tensor(zeros([1, 1, 4, 4]))).shape).toEqual([1, 2, 2, 2]);
    expect(named.toString()).toBe('Sequential(\n  (conv): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))\n  (act): ReLU()\n)');
    const fromMap = new Sequential(new Map<string, AnyModule>([['2', new ReLU()], ['1', new Tanh()]]));
    expect(fromMap.namedChildren().map(([n]) => n)).toEqual(['2', '1']);
    expect(new Sequential().length).toBe(0);
    expect(new Sequential().forward(tensor([1])).toArray()).toEqual([1]);
  });

  it('indexes, iterates and slices like PyTorch', () => {
    const a = new Linear(2, 2);
    const b = new ReLU();
    const c = new Sigmoid();
    const net = new Sequential(a, b, c);
    expect(net.length).toBe(3);
    expect(net.get(0)).toBe(a);
    expect(net.at(-1)).toBe(c);
    expect(net.get(-3)).toBe(a);
    expect([...net]).toEqual([a, b, c]);
    const tail = net.slice(1);
    expect([...tail]).toEqual([b, c]);
    expect(tail.namedChildren().map(([n]) => n)).toEqual(['1', '2']);
    expect([...net.slice(0, -1)]).toEqual([a, b]);
    expect(() => net.get(3)).toThrow('Sequential.get: index 3 is out of range for 3 modules');
    expect(() => net.get(-4)).toThrow(RangeError);
    expect(() => net.get(1.5)).toThrow(TypeError);
  });

  it('append, extend and insert renumber', () => {
    const net = new Sequential(new Linear(2, 2));
    const relu = new ReLU();
    expect(net.append(relu)).toBe(net);
    net.extend([new Linear(2, 2), new Tanh()]);
    expect(net.length).toBe(4);
    const s = new Sigmoid();
    net.insert(1, s);
    expect(net.namedChildren().map(([n, m]) => `${n}:${m.typeName()}`)).toEqual(['0:Linear', '1:Sigmoid', '2:ReLU', '3:Linear', '4:Tanh']);
    net.insert(-1, new ReLU());
    expect(net.get(4).typeName()).toBe('ReLU');
    net.insert(net.length, new ReLU());
    expect(net.length).toBe(7);
    expect(() => new Sequential({ a: new ReLU() }).insert(0, new Tanh())).toThrow(/only numbered Sequentials/);
    expect(() => net.insert(99, new ReLU())).toThrow(RangeError);
  });

  it('rejects non-modules', () => {
    expect(() => new Sequential(new ReLU(), 3 as unknown as AnyModule)).toThrow('Sequential: argument 1 is not a Module (got number)');
    expect(() => new Sequential({ a: 'x' as unknown as AnyModule })).toThrow(/"a" is not a Module/);
    expect(() => new Sequential(null as unknown as AnyModule)).toThrow(TypeError);
    expect(() => new Sequential().append({} as AnyModule)).toThrow(TypeError);
  });

  it('errors from a layer inside name that layer', () => {
    const net = new Sequential(new Linear(4, 3), new Linear(2, 1));
    expect(() => net.forward(tensor(zeros([1, 4])))).toThrow('Linear(in_features=2, out_features=1): expected input [..., 2], got [1, 3]');
  });

  it('gradchecks in float64', () => {
    expectModuleGradcheck(new Sequential(new Linear(3, 2), new Tanh(), new Linear(2, 2)), f64([2, 3]));
  });
});

describe('ModuleList', () => {
  class Deep extends Module {
    readonly blocks = this.registerModule('blocks', new ModuleList([new Linear(2, 2), new Linear(2, 2)]));
    protected override compute(x: Tensor): Tensor {
      let h = x;
      for (const b of this.blocks) h = b.forward(h).tanh();
      return h;
    }
  }

  it('registers its modules so that the owner sees their parameters', () => {
    const deep = new Deep();
    expect(Object.keys(deep.stateDict())).toEqual(['blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias']);
    expect(deep.forward(tensor([[1, 2]])).shape).toEqual([1, 2]);
    expectModuleGradcheck(new Deep(), f64([1, 2]));
  });

  it('is a typed, indexable, mutable list', () => {
    const list = new ModuleList([new Linear(2, 3)]);
    expect(list.get(0).outFeatures).toBe(3);
    list.append(new Linear(3, 4)).extend([new Linear(4, 5)]);
    expect(list.length).toBe(3);
    expect(list.at(-1).outFeatures).toBe(5);
    list.set(1, new Linear(3, 6));
    expect(list.get(1).outFeatures).toBe(6);
    list.insert(0, new Linear(1, 2));
    expect([...list].map((m) => m.outFeatures)).toEqual([2, 3, 6, 5]);
    expect(list.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2', '3']);
    expect(new ModuleList().length).toBe(0);
    expect(() => list.get(4)).toThrow(RangeError);
    expect(() => list.set(9, new Linear(1, 1))).toThrow(RangeError);
    expect(() => new ModuleList(5 as unknown as AnyModule[])).toThrow(/iterable of modules/);
  });

  it('is not callable, and prints like PyTorch 1.13', () => {
    const list = new ModuleList([new ReLU(), new ReLU()]);
    expect(() => list.forward(tensor([1]))).toThrow(/ModuleList is not callable/);
    expect(list.toString()).toBe('ModuleList(\n  (0): ReLU()\n  (1): ReLU()\n)');
  });
});
