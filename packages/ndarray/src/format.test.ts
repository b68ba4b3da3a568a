import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, array, full, ones, scalar, zeros } from './create.js';
import { formatArray } from './format.js';
import type { NDArray } from './ndarray.js';

/** Formats with PyTorch's prefix, so each expectation is exactly what PyTorch 1.13–2.x prints (our dtype names lack `torch.`). */
const torchStr = (a: NDArray, extras?: string[], threshold?: number): string =>
  formatArray(a, { prefix: 'tensor(', ...(extras ? { extras } : {}), ...(threshold === undefined ? {} : { threshold }) });

describe('formatArray: values as PyTorch prints them', () => {
  it('whole floats print as "1." and rows align under the first', () => {
    expect(torchStr(array([[1, 2], [3, 4]]))).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(torchStr(array([1, 10, 100]))).toBe('tensor([  1.,  10., 100.])');
    expect(torchStr(arange(8, undefined, 1, { dtype: 'float32' }).reshape(2, 2, 2))).toBe(
      'tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])',
    );
  });

  it('other floats get 4 decimals, right-aligned', () => {
    expect(torchStr(array([1.5, 2]))).toBe('tensor([1.5000, 2.0000])');
    expect(torchStr(array([-1.5, 2.25]))).toBe('tensor([-1.5000,  2.2500])');
    expect(torchStr(array([0.1, 0.25]))).toBe('tensor([0.1000, 0.2500])');
  });

  it('0-d arrays print the bare value', () => {
    expect(torchStr(scalar(3.5))).toBe('tensor(3.5000)');
    expect(torchStr(scalar(2))).toBe('tensor(2.)');
    expect(torchStr(scalar(-0))).toBe('tensor(-0.)');
    expect(torchStr(scalar(7, { dtype: 'int32' }))).toBe('tensor(7, dtype=int32)');
    expect(torchStr(scalar(1, { dtype: 'bool' }))).toBe('tensor(True)');
  });

  it('switches to scientific notation when magnitudes span over 1000× or leave [1e-4, 1e8]', () => {
    expect(torchStr(array([1e-5, 1]))).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(torchStr(array([0.1, 200]))).toBe('tensor([1.0000e-01, 2.0000e+02])');
    expect(torchStr(array([1e9]))).toBe('tensor([1.0000e+09])');
    expect(torchStr(array([123456789], { dtype: 'float64' }))).toBe('tensor([1.2346e+08], dtype=float64)');
    expect(torchStr(array([-2.5e-7]))).toBe('tensor([-2.5000e-07])');
    // whole numbers too: [1., 10000.] spans 10⁴
    expect(torchStr(array([1, 10000]))).toBe('tensor([1.0000e+00, 1.0000e+04])');
    // the boundaries themselves stay fixed
    expect(torchStr(array([1e8]))).toBe('tensor([100000000.])');
    expect(torchStr(array([1, 1000]))).toBe('tensor([   1., 1000.])');
    expect(torchStr(array([0.5, 500]))).toBe('tensor([  0.5000, 500.0000])');
    // a three-digit exponent widens the column
    expect(torchStr(array([1e-300, 1], { dtype: 'float64' }))).toBe('tensor([1.0000e-300,  1.0000e+00], dtype=float64)');
  });

  it('nan and inf print bare and do not widen the columns', () => {
    expect(torchStr(array([NaN, 1]))).toBe('tensor([nan, 1.])');
    expect(torchStr(array([Infinity, -Infinity, 0]))).toBe('tensor([inf, -inf, 0.])');
    expect(torchStr(array([NaN, 1.5]))).toBe('tensor([   nan, 1.5000])');
    expect(torchStr(array([NaN]))).toBe('tensor([nan])');
    expect(torchStr(array([0, 0]))).toBe('tensor([0., 0.])');
    expect(torchStr(array([Infinity, 1e-5]))).toBe('tensor([       inf, 1.0000e-05])');
  });

  it('rounds exact ties half to even, as Python formatting does', () => {
    expect(torchStr(array([0.03125, 1]))).toBe('tensor([0.0312, 1.0000])');
    expect(torchStr(array([0.09375, 1]))).toBe('tensor([0.0938, 1.0000])');
    expect(torchStr(array([-0.03125, 1]))).toBe('tensor([-0.0312,  1.0000])');
    expect(torchStr(array([1.03125, 0.0001]))).toBe('tensor([1.0312e+00, 1.0000e-04])');
    expect(torchStr(array([1, 123445]))).toBe('tensor([1.0000e+00, 1.2344e+05])');
    expect(torchStr(array([1, 123455]))).toBe('tensor([1.0000e+00, 1.2346e+05])');
  });

  it('keeps the sign of negative zero', () => {
    expect(torchStr(array([-0, 1]))).toBe('tensor([-0., 1.])');
    // zeros do not set the width, so '-0.0000' sticks out by one
    expect(torchStr(array([-0, 1.5]))).toBe('tensor([-0.0000, 1.5000])');
  });

  it('integers and bools', () => {
    expect(torchStr(array([1, -10, 100], { dtype: 'int32' }))).toBe('tensor([  1, -10, 100], dtype=int32)');
    expect(torchStr(array([0, 255], { dtype: 'uint8' }))).toBe('tensor([  0, 255], dtype=uint8)');
    expect(torchStr(array([true, false]))).toBe('tensor([ True, False])');
    expect(torchStr(array([[true], [true]]))).toBe('tensor([[True],\n        [True]])');
    expect(torchStr(array([0, 0], { dtype: 'int32' }))).toBe('tensor([0, 0], dtype=int32)');
  });
});

describe('formatArray: suffixes', () => {
  it('adds dtype= for dtypes other than float32 and bool', () => {
    expect(torchStr(array([1, 2], { dtype: 'float64' }))).toBe('tensor([1., 2.], dtype=float64)');
    expect(torchStr(array([true]))).toBe('tensor([True])');
  });

  it('prints empty arrays as [] with size= (unless 1-D) and dtype= (unless float32)', () => {
    expect(torchStr(zeros([0]))).toBe('tensor([])');
    expect(torchStr(zeros([2, 0]))).toBe('tensor([], size=(2, 0))');
    expect(torchStr(zeros([0], { dtype: 'int32' }))).toBe('tensor([], dtype=int32)');
    expect(torchStr(zeros([0, 3], { dtype: 'bool' }))).toBe('tensor([], size=(0, 3), dtype=bool)');
  });

  it('appends extras after the dtype', () => {
    expect(torchStr(array([1, 2]), ['grad_fn=<AddBackward0>'])).toBe('tensor([1., 2.], grad_fn=<AddBackward0>)');
    expect(torchStr(array([1, 2], { dtype: 'float64' }), ['requires_grad=True'])).toBe('tensor([1., 2.], dtype=float64, requires_grad=True)');
  });

  it('moves a suffix to its own line when it would pass 80 columns', () => {
    expect(torchStr(full([9], 0.5, { dtype: 'float64' }))).toBe(
      'tensor([0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000],\n       dtype=float64)',
    );
    expect(torchStr(full([8], 0.5, { dtype: 'float64' }))).toBe(
      'tensor([0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000, 0.5000],\n       dtype=float64)',
    );
    expect(torchStr(full([5], 0.5, { dtype: 'float64' }))).toBe('tensor([0.5000, 0.5000, 0.5000, 0.5000, 0.5000], dtype=float64)');
  });
});

describe('formatArray: line wrapping and elision', () => {
  it('wraps long rows at 80 columns', () => {
    expect(torchStr(arange(20, undefined, 1, { dtype: 'float32' }))).toBe(
      'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n' +
        '        14., 15., 16., 17., 18., 19.])',
    );
    expect(torchStr(arange(30, undefined, 1, { dtype: 'float32' }).reshape(2, 15))).toBe(
      'tensor([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n' +
        '         14.],\n' +
        '        [15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27., 28.,\n' +
        '         29.]])',
    );
  });

  it('elides arrays of more than 1000 elements to 3 items per edge', () => {
    expect(torchStr(arange(2000))).toBe('tensor([   0,    1,    2,  ..., 1997, 1998, 1999], dtype=int32)');
    expect(torchStr(zeros([1001]))).toBe('tensor([0., 0., 0.,  ..., 0., 0., 0.])');
    expect(torchStr(zeros([1000]))).not.toContain('...');
    const row = '[1., 1., 1.,  ..., 1., 1., 1.]';
    expect(torchStr(ones([40, 50]))).toBe(
      `tensor([${row},\n        ${row},\n        ${row},\n        ...,\n        ${row},\n        ${row},\n        ${row}])`,
    );
  });

  it('elides every long dim, with blank lines between 3-D blocks', () => {
    const s = torchStr(zeros([10, 10, 11]));
    const row = '[0., 0., 0.,  ..., 0., 0., 0.]';
    const block = (ind: string): string =>
      `[${row},\n${ind} ${row},\n${ind} ${row},\n${ind} ...,\n${ind} ${row},\n${ind} ${row},\n${ind} ${row}]`;
    const b = block('        ');
    expect(s).toBe(`tensor([${b},\n\n        ${b},\n\n        ${b},\n\n        ...,\n\n        ${b},\n\n        ${b},\n\n        ${b}])`);
  });

  it('chooses the number format from the shown values only, and honours a threshold', () => {
    const a = arange(64, undefined, 1, { dtype: 'float32' }).reshape(8, 8);
    expect(torchStr(a, undefined, 10)).toBe(
      'tensor([[ 0.,  1.,  2.,  ...,  5.,  6.,  7.],\n' +
        '        [ 8.,  9., 10.,  ..., 13., 14., 15.],\n' +
        '        [16., 17., 18.,  ..., 21., 22., 23.],\n' +
        '        ...,\n' +
        '        [40., 41., 42.,  ..., 45., 46., 47.],\n' +
        '        [48., 49., 50.,  ..., 53., 54., 55.],\n' +
        '        [56., 57., 58.,  ..., 61., 62., 63.]])',
    );
    // a hidden 0.5 does not switch the shown integers to decimals
    const b = arange(2000, undefined, 1, { dtype: 'float32' });
    b.set(0.5, 1000);
    expect(torchStr(b)).toBe('tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])');
  });

  it('formats non-contiguous views by their logical order', () => {
    const t = array([[1, 2], [3, 4]]).transpose(0, 1);
    expect(torchStr(t)).toBe('tensor([[1., 3.],\n        [2., 4.]])');
  });
});

describe('NDArray.toString', () => {
  it('uses the ndarray( prefix and indents by its length', () => {
    expect(array([[1, 2], [3, 4]]).toString()).toBe('ndarray([[1., 2.],\n         [3., 4.]])');
    expect(arange(6).reshape(2, 3).toString()).toBe('ndarray([[0, 1, 2],\n         [3, 4, 5]], dtype=int32)');
    expect(arange(20, undefined, 1, { dtype: 'float32' }).toString()).toBe(
      'ndarray([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n' + '         14., 15., 16., 17., 18., 19.])',
    );
  });
});

describe('formatArray (property)', () => {
  it('prints every element of a small array once, right-aligned, and each reads back within the printed precision', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 30 }))
      .chain(([r, c]) =>
        fc.tuple(
          fc.constant([r, c]),
          fc.array(fc.oneof(fc.float({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -50, max: 50 })), {
            minLength: r * c,
            maxLength: r * c,
          }),
        ),
      );
    fc.assert(
      fc.property(arb, ([shape, values]) => {
        const a = array(new Float32Array(values), { shape });
        const s = torchStr(a);
        expect(s.startsWith('tensor([')).toBe(true);
        expect(s.endsWith('])')).toBe(true);
        const tokens = s
          .slice('tensor('.length, -1)
          .replace(/[[\]\n]/g, ' ')
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t.length > 0);
        expect(tokens.length).toBe(a.size);
        const sci = tokens.some((t) => t.includes('e'));
        const stored = [...a.data];
        tokens.forEach((t, i) => {
          const v = stored[i]!;
          const back = Number(t.endsWith('.') ? t.slice(0, -1) : t);
          if (sci) expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.abs(v) * 5e-5 + 1e-300);
          else expect(Math.abs(back - v)).toBeLessThanOrEqual(5e-5 + Math.abs(v) * 1e-12);
        });
        // right-aligned: the cells of nonzero values all have the same padded length (the first
        // cell of a line is left out: its padding cannot be told from the indent)
        const lines = s.slice('tensor('.length, -1).split('\n');
        const cells = lines.map((line) => line.replace(/\]*,?$/, '').split(', '));
        expect(cells.flat().length).toBe(a.size);
        let k = 0;
        const widths = new Set<number>();
        for (const line of cells) {
          line.forEach((c, j) => {
            if (j > 0 && stored[k] !== 0) widths.add(c.length);
            k++;
          });
        }
        expect(widths.size).toBeLessThanOrEqual(1);
      }),
      { numRuns: 100 },
    );
  });
});
