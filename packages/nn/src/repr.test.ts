import { describe, expect, it } from 'vitest';
import { pyFloat, pyValue, shapeText } from './repr.js';

describe('Python-style formatting', () => {
  it.each([
    [0.1, '0.1'],
    [1, '1.0'],
    [1e-5, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [0.00012, '0.00012'],
    [123.25, '123.25'],
    [1e16, '1e+16'],
    [1234567890123456, '1234567890123456.0'],
    [-0.01, '-0.01'],
    [0, '0.0'],
    [-0, '-0.0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [Number.NaN, 'nan'],
  ])('pyFloat(%s) = %s', (x, s) => {
    expect(pyFloat(x)).toBe(s);
  });

  it('pyValue writes tuples, booleans, None and strings like str.format', () => {
    expect(pyValue([5, 5])).toBe('(5, 5)');
    expect(pyValue([2])).toBe('(2,)');
    expect(pyValue([2, null])).toBe('(2, None)');
    expect(pyValue(3)).toBe('3');
    expect(pyValue(0.5)).toBe('0.5');
    expect(pyValue(true)).toBe('True');
    expect(pyValue(false)).toBe('False');
    expect(pyValue(null)).toBe('None');
    expect(pyValue(undefined)).toBe('None');
    expect(pyValue('same')).toBe('same');
    expect(pyValue({ a: 1 })).toBe('{"a":1}');
    expect(shapeText([2, 3])).toBe('[2, 3]');
    expect(shapeText([])).toBe('[]');
  });
});
