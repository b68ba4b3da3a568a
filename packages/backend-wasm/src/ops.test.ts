/**
 * ndarray's public ops with the wasm backend installed by setBackend (and the previous backend
 * restored after each test): the same results as with the pure-TypeScript backend.
 */
import {
  Generator,
  avgPool2d,
  avgPool2dBackward,
  conv2d,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  getBackend,
  jsBackend,
  linear,
  matmul,
  maxPool2d,
  maxPool2dBackward,
  maxPool2dWithIndices,
  randn,
  setBackend,
  type Backend,
  type NDArray,
} from '@torchlet/ndarray';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendFor, builds } from './test-helpers.js';

/** Runs `f` with `backend` installed, restoring the previous backend afterwards. */
function using<T>(backend: Backend, f: () => T): T {
  const previous = setBackend(backend);
  try {
    return f();
  } finally {
    setBackend(previous);
  }
}

function expectAllClose(actual: NDArray, expected: NDArray, rtol = 1e-4, atol = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  const a = actual.denseData();
  const e = expected.denseData();
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!))) expect.fail(`element ${i}: ${a[i]} vs ${e[i]}`);
  }
}

describe.each(builds)('public ops with the %s build installed', (build) => {
  let before: Backend;
  beforeEach(() => {
    before = getBackend();
  });
  afterEach(() => {
    // every test restores what it installed
    expect(getBackend()).toBe(before);
  });

  it('setBackend installs it, and the ops call it', async () => {
    const wasm = await backendFor(build);
    const calls: string[] = [];
    const spy: Backend = new Proxy(wasm, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver) as unknown;
        return typeof v === 'function' ? (...args: unknown[]) => (calls.push(String(key)), (v as (...a: unknown[]) => unknown).apply(target, args)) : v;
      },
    });
    const gen = new Generator(1);
    using(spy, () => {
      const x = randn([1, 2, 6, 6], { generator: gen });
      const y = conv2d(x, randn([3, 2, 3, 3], { generator: gen }));
      maxPool2d(y, 2);
      avgPool2d(y, 2);
      matmul(randn([4, 5], { generator: gen }), randn([5, 3], { generator: gen }));
    });
    expect(calls).toEqual(['conv2dForward', 'maxPool2dForward', 'avgPool2dForward', 'gemm']);
  });

  it('conv2d and its backward ops: stride, padding modes, same, dilation, groups, bias, unbatched', async () => {
    const wasm = await backendFor(build);
    const gen = new Generator(7);
    const cases = [
      { x: [2, 4, 9, 8], w: [6, 2, 3, 3], opts: { stride: 2, padding: 1, groups: 2 } },
      { x: [1, 3, 10, 10], w: [4, 3, 4, 4], opts: { padding: 'same' as const, dilation: 2 } },
      { x: [2, 3, 7, 9], w: [5, 3, 3, 2], opts: { padding: [2, 1] as [number, number], paddingMode: 'reflect' as const } },
      { x: [8, 6, 7], w: [8, 1, 3, 3], opts: { padding: 1, groups: 8, paddingMode: 'circular' as const } },
      { x: [2, 6, 5, 5], w: [4, 6, 1, 1], opts: {} },
      { x: [4, 1, 28, 28], w: [6, 1, 5, 5], opts: { padding: 2 } },
    ];
    for (const { x: xs, w: ws, opts } of cases) {
      const x = randn(xs, { generator: gen });
      const w = randn(ws, { generator: gen });
      const b = randn([ws[0]!], { generator: gen });
      const expected = conv2d(x, w, b, opts);
      const actual = using(wasm, () => conv2d(x, w, b, opts));
      expectAllClose(actual, expected);
      const dy = randn(expected.shape, { generator: gen });
      expectAllClose(using(wasm, () => conv2dBackwardInput(dy, w, x.shape, opts)), conv2dBackwardInput(dy, w, x.shape, opts));
      expectAllClose(using(wasm, () => conv2dBackwardWeight(x, dy, w.shape, opts)), conv2dBackwardWeight(x, dy, w.shape, opts));
    }
  });

  it('max and average pooling with their backward ops', async () => {
    const wasm = await backendFor(build);
    const gen = new Generator(8);
    const x = randn([2, 3, 11, 10], { generator: gen });
    const maxOpts = { stride: 2, padding: 1, dilation: 2, ceilMode: true };
    const m0 = maxPool2dWithIndices(x, 3, maxOpts);
    const m1 = using(wasm, () => maxPool2dWithIndices(x, 3, maxOpts));
    expect(m1.out.toArray()).toEqual(m0.out.toArray());
    expect(m1.indices.toArray()).toEqual(m0.indices.toArray());
    const dy = randn(m0.out.shape, { generator: gen });
    expect(using(wasm, () => maxPool2dBackward(dy, m1.indices, x.shape, 3, maxOpts)).toArray()).toEqual(maxPool2dBackward(dy, m0.indices, x.shape, 3, maxOpts).toArray());
    const avgOpts = { stride: [2, 3] as [number, number], padding: 1, ceilMode: true, countIncludePad: false };
    const a0 = avgPool2d(x, [3, 4], avgOpts);
    expect(using(wasm, () => avgPool2d(x, [3, 4], avgOpts)).toArray()).toEqual(a0.toArray());
    const dya = randn(a0.shape, { generator: gen });
    expect(using(wasm, () => avgPool2dBackward(dya, x.shape, [3, 4], avgOpts)).toArray()).toEqual(avgPool2dBackward(dya, x.shape, [3, 4], avgOpts).toArray());
  });

  it('matmul (batched, broadcast, transposed and sliced views) and linear', async () => {
    const wasm = await backendFor(build);
    const gen = new Generator(9);
    const a = randn([3, 17, 40], { generator: gen });
    const b = randn([40, 23], { generator: gen });
    expectAllClose(using(wasm, () => matmul(a, b)), matmul(a, b));
    const bt = randn([23, 40], { generator: gen }).transpose(0, 1);
    expectAllClose(using(wasm, () => matmul(a, bt)), matmul(a, bt));
    const at = randn([2, 40, 9], { generator: gen }).transpose(1, 2);
    const bb = randn([2, 40, 5], { generator: gen });
    expectAllClose(using(wasm, () => matmul(at, bb)), matmul(at, bb));
    const sliced = randn([30, 50], { generator: gen }).slice(1, 5, 45);
    const s2 = randn([40, 7], { generator: gen });
    expectAllClose(using(wasm, () => matmul(sliced, s2)), matmul(sliced, s2));
    const v = randn([40], { generator: gen });
    expectAllClose(using(wasm, () => matmul(a, v)), matmul(a, v));
    const x = randn([8, 40], { generator: gen });
    const w = randn([12, 40], { generator: gen });
    const bias = randn([12], { generator: gen });
    expectAllClose(using(wasm, () => linear(x, w, bias)), linear(x, w, bias));
  });

  it('float64 ops give the pure-TypeScript results exactly', async () => {
    const wasm = await backendFor(build);
    const gen = new Generator(10);
    const x = randn([2, 3, 6, 6], { dtype: 'float64', generator: gen });
    const w = randn([4, 3, 3, 3], { dtype: 'float64', generator: gen });
    expect(using(wasm, () => conv2d(x, w, null, { padding: 1 })).toArray()).toEqual(using(jsBackend, () => conv2d(x, w, null, { padding: 1 })).toArray());
    expect(using(wasm, () => maxPool2d(x, 2)).toArray()).toEqual(maxPool2d(x, 2).toArray());
  });
});
