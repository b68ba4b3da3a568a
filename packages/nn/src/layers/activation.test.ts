import { tensor } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from '../index.js';
import { expectModuleGradcheck, f64, flat } from '../test-helpers.js';

const close = (a: number[], e: number[], tol = 1e-6): void => {
  expect(a).toHaveLength(e.length);
  a.forEach((v, i) => expect(Math.abs(v - e[i]!), `element ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(tol));
};

describe('activations', () => {
  it('compute PyTorch’s values', () => {
    const x = tensor([-2, 0, 1.5]);
    expect(flat(new ReLU().forward(x))).toEqual([0, 0, 1.5]);
    close(flat(new LeakyReLU().forward(x)), [-0.02, 0, 1.5]);
    close(flat(new LeakyReLU(0.2).forward(x)), [-0.4, 0, 1.5]);
    close(flat(new LeakyReLU({ negativeSlope: 0.5 }).forward(x)), [-1, 0, 1.5]);
    close(flat(new Sigmoid().forward(x)), [0.11920292, 0.5, 0.81757448]);
    close(flat(new Tanh().forward(x)), [-0.96402758, 0, 0.90514825]);
    // torch.nn.GELU()(torch.tensor([-2., 0., 1.5])) and approximate='tanh'
    close(flat(new GELU().forward(x)), [-0.04550026, 0, 1.3997892]);
    close(flat(new GELU({ approximate: 'tanh' }).forward(x)), [-0.04540231, 0, 1.39957158]);
    close(flat(new Softmax(1).forward(tensor([[1, 2, 3]]))), [0.09003057, 0.24472847, 0.66524096]);
    close(flat(new Softmax(0).forward(tensor([[1], [1]]))), [0.5, 0.5]);
    close(flat(new LogSoftmax(-1).forward(tensor([[1, 2, 3]]))), [-2.40760596, -1.40760596, -0.40760596]);
  });

  it('gradcheck in float64', () => {
    for (const m of [new ReLU(), new LeakyReLU(0.1), new Sigmoid(), new Tanh(), new GELU(), new GELU({ approximate: 'tanh' }), new Softmax(1), new LogSoftmax(0)]) {
      expectModuleGradcheck(m, f64([2, 3], { lo: -2, hi: 2 }));
    }
  });

  it('validate their arguments and inputs', () => {
    expect(() => new LeakyReLU(Number.NaN)).toThrow(/negativeSlope must be a finite number/);
    expect(() => new GELU({ approximate: 'erf' as 'none' })).toThrow(/approximate must be 'none' or 'tanh'/);
    expect(() => new Softmax(undefined as unknown as number)).toThrow(/dim must be an integer/);
    expect(() => new LogSoftmax(0.5)).toThrow(TypeError);
    expect(() => new Softmax(2).forward(tensor([[1, 2]]))).toThrow(/^Softmax\(dim=2\): /);
    expect(() => new ReLU().forward(null as never)).toThrow('ReLU(): expected the input to be a Tensor, got null');
    expect(() => new Sigmoid().forward(1 as never)).toThrow(TypeError);
    expect(() => new Tanh().forward('x' as never)).toThrow(TypeError);
    expect(() => new GELU().forward({} as never)).toThrow(TypeError);
    expect(() => new LeakyReLU().forward([1] as never)).toThrow(TypeError);
  });

  it('print like PyTorch', () => {
    expect(new ReLU().toString()).toBe('ReLU()');
    expect(new Sigmoid().toString()).toBe('Sigmoid()');
    expect(new Tanh().toString()).toBe('Tanh()');
    expect(new LeakyReLU().toString()).toBe('LeakyReLU(negative_slope=0.01)');
    expect(new LeakyReLU(1).toString()).toBe('LeakyReLU(negative_slope=1.0)');
    expect(new GELU().toString()).toBe("GELU(approximate='none')");
    expect(new GELU({ approximate: 'tanh' }).toString()).toBe("GELU(approximate='tanh')");
    expect(new Softmax(1).toString()).toBe('Softmax(dim=1)');
    expect(new LogSoftmax(-1).toString()).toBe('LogSoftmax(dim=-1)');
  });
});
