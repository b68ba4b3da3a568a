import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, array, full, zeros } from './create.js';
import { inferShape, NDArray, type NestedArray } from './ndarray.js';

// ---------------------------------------------------------------- naive reference machinery

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < shape.length; i++) f = f * shape[i]! + idx[i]!;
  return f;
}

function unravel(f: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = f % shape[i]!;
    f = Math.floor(f / shape[i]!);
  }
  return idx;
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Every multi-index of `shape` in row-major order. */
function allIndices(shape: readonly number[]): number[][] {
  const n = numel(shape);
  const out: number[][] = [];
  for (let f = 0; f < n; f++) out.push(unravel(f, shape));
  return out;
}

/** Builds nested arrays from a function of the multi-index. */
function nested(shape: readonly number[], at: (idx: number[]) => number, prefix: number[] = []): NestedArray {
  if (prefix.length === shape.length) return at(prefix);
  const out: NestedArray[] = [];
  for (let i = 0; i < shape[prefix.length]!; i++) out.push(nested(shape, at, [...prefix, i]));
  return out;
}

/** A view in the reference: its shape and where each of its elements lives in the base (a multi-index). */
interface Ref {
  shape: number[];
  map: (idx: number[]) => number[];
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

const ref = {
  permute(r: Ref, perm: number[]): Ref {
    return {
      shape: perm.map((d) => r.shape[d]!),
      map: (idx) => {
        const old = new Array<number>(perm.length);
        perm.forEach((d, i) => (old[d] = idx[i]!));
        return r.map(old);
      },
    };
  },
  /** keeps positions `keep` of dim `d` (a Python-style slice computed with Array.prototype.slice) */
  take(r: Ref, d: number, keep: number[]): Ref {
    const shape = [...r.shape];
    shape[d] = keep.length;
    return {
      shape,
      map: (idx) => {
        const o = [...idx];
        o[d] = keep[idx[d]!]!;
        return r.map(o);
      },
    };
  },
  select(r: Ref, d: number, i: number): Ref {
    return { shape: r.shape.filter((_, k) => k !== d), map: (idx) => r.map([...idx.slice(0, d), i, ...idx.slice(d)]) };
  },
  unsqueeze(r: Ref, d: number): Ref {
    return { shape: [...r.shape.slice(0, d), 1, ...r.shape.slice(d)], map: (idx) => r.map(idx.filter((_, k) => k !== d)) };
  },
  squeeze(r: Ref, dims: number[]): Ref {
    return {
      shape: r.shape.filter((_, k) => !dims.includes(k)),
      map: (idx) => {
        const o: number[] = [];
        let j = 0;
        for (let k = 0; k < r.shape.length; k++) o.push(dims.includes(k) ? 0 : idx[j++]!);
        return r.map(o);
      },
    };
  },
  expand(r: Ref, target: number[]): Ref {
    const lead = target.length - r.shape.length;
    return { shape: target, map: (idx) => r.map(idx.slice(lead).map((v, i) => (r.shape[i] === 1 ? 0 : v))) };
  },
  reshape(r: Ref, target: number[]): Ref {
    return { shape: target, map: (idx) => r.map(unravel(ravel(idx, target), r.shape)) };
  },
};

/** Positions in storage of the elements of `a`, in row-major order (brute force over the strides). */
function positions(a: NDArray): number[] {
  return allIndices(a.shape).map((idx) => idx.reduce((o, v, k) => o + v * a.strides[k]!, a.offset));
}

/**
 * Naive view-ability: `a` can be viewed as `target` without a copy iff some strides reproduce the
 * storage positions of its elements in row-major order (derived from the unit steps, then checked).
 */
function viewable(a: NDArray, target: readonly number[]): boolean {
  const pos = positions(a);
  if (pos.length === 0) return true;
  const strides = target.map((s, k) => {
    if (s <= 1) return 0;
    const unit = target.map((_, j) => (j === k ? 1 : 0));
    return pos[ravel(unit, target)]! - pos[0]!;
  });
  return pos.every((p, f) => p === unravel(f, target).reduce((o, v, k) => o + v * strides[k]!, pos[0]!));
}

/** Checks every element of `view` against the base element the reference maps it to. */
function checkAgainstRef(view: NDArray, r: Ref, baseShape: readonly number[]): void {
  expect(view.shape).toEqual(r.shape);
  for (const idx of allIndices(r.shape)) {
    // the base holds its own flat index at each position
    expect(view.get(...idx)).toBe(ravel(r.map(idx), baseShape));
  }
  expect(view.toArray()).toEqual(nested(r.shape, (idx) => ravel(r.map(idx), baseShape)));
}

/** Picks `k` mod `n` as a dim, sometimes written negatively. */
function pickDim(k: number, n: number, neg: number): number {
  const d = k % n;
  return neg % 2 === 1 ? d - n : d;
}

/** One random view op applied to both the array and the reference; `rs` are random naturals. */
function applyOp(kind: number, rs: number[], a: NDArray, r: Ref): { a: NDArray; r: Ref; label: string } {
  const nd = a.ndim;
  const [r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, r5 = 0] = rs;
  switch (kind) {
    case 0: {
      // permute: a Fisher–Yates shuffle driven by the randoms
      const perm = range(nd);
      for (let i = nd - 1; i > 0; i--) {
        const j = (rs[i % rs.length]! + i) % (i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      const written = perm.map((d, i) => ((rs[(i + 1) % rs.length]! & 1) === 1 ? d - nd : d));
      return { a: a.permute(written), r: ref.permute(r, perm), label: `permute(${written.join(',')})` };
    }
    case 1: {
      if (nd === 0) return { a: a.transpose(0, -1), r, label: 'transpose(0,-1)' };
      const d0 = pickDim(r0, nd, r2);
      const d1 = pickDim(r1, nd, r3);
      const n0 = (d0 + nd) % nd;
      const n1 = (d1 + nd) % nd;
      const perm = range(nd);
      perm[n0] = n1;
      perm[n1] = n0;
      return { a: a.transpose(d0, d1), r: ref.permute(r, perm), label: `transpose(${d0},${d1})` };
    }
    case 2: {
      if (nd === 0) return { a, r, label: 'noop' };
      const d = pickDim(r0, nd, r5);
      const nd0 = (d + nd) % nd;
      const size = a.shape[nd0]!;
      const start = (r1 % (2 * size + 5)) - size - 2;
      const end = r2 % 4 === 0 ? undefined : (r3 % (2 * size + 5)) - size - 2;
      const step = 1 + (r4 % 3);
      const keep = range(size).slice(start, end).filter((_, i) => i % step === 0);
      return { a: a.slice(d, start, end, step), r: ref.take(r, nd0, keep), label: `slice(${d},${start},${end},${step})` };
    }
    case 3: {
      if (nd === 0) return { a, r, label: 'noop' };
      const d = pickDim(r0, nd, r5);
      const nd0 = (d + nd) % nd;
      const size = a.shape[nd0]!;
      const start = r1 % (size + 1);
      const len = r2 % (size - start + 1);
      const written = r3 % 2 === 1 && start < size ? start - size : start;
      return { a: a.narrow(d, written, len), r: ref.take(r, nd0, range(len).map((i) => i + start)), label: `narrow(${d},${written},${len})` };
    }
    case 4: {
      if (nd === 0) return { a, r, label: 'noop' };
      const d = pickDim(r0, nd, r5);
      const nd0 = (d + nd) % nd;
      const size = a.shape[nd0]!;
      if (size === 0) return { a, r, label: 'noop' };
      const i = r1 % size;
      const written = r2 % 2 === 1 ? i - size : i;
      return { a: a.select(d, written), r: ref.select(r, nd0, i), label: `select(${d},${written})` };
    }
    case 5: {
      if (nd >= 5) return { a, r, label: 'noop' };
      const d = pickDim(r0, nd + 1, r5);
      return { a: a.unsqueeze(d), r: ref.unsqueeze(r, (d + nd + 1) % (nd + 1)), label: `unsqueeze(${d})` };
    }
    case 6: {
      if (nd === 0 || r1 % 2 === 0) {
        const ones = range(nd).filter((k) => a.shape[k] === 1);
        return { a: a.squeeze(), r: ref.squeeze(r, ones), label: 'squeeze()' };
      }
      const d = pickDim(r0, nd, r5);
      const nd0 = (d + nd) % nd;
      return { a: a.squeeze(d), r: ref.squeeze(r, a.shape[nd0] === 1 ? [nd0] : []), label: `squeeze(${d})` };
    }
    case 7: {
      // expand: grow size-1 dims to 0..3, keep others (sometimes as -1), maybe add a leading dim
      const target = a.shape.map((s, k) => (s === 1 ? (rs[k % rs.length]! + k) % 4 : (rs[k % rs.length]! & 1) === 1 ? -1 : s));
      const lead = nd < 4 && r5 % 3 === 0 ? [1 + (r4 % 2)] : [];
      const written = [...lead, ...target];
      const resolved = [...lead, ...target.map((t, k) => (t === -1 ? a.shape[k]! : t))];
      return { a: r3 % 2 === 0 ? a.expand(written) : a.broadcastTo(...written), r: ref.expand(r, resolved), label: `expand(${written.join(',')})` };
    }
    default: {
      // reshape / view / flatten: split a dim by 2 or 3, or merge a run of dims
      const written = reshapeTarget(a.shape, rs);
      const target = resolveTarget(written, a.size);
      if (kind === 8) return { a: a.reshape(written), r: ref.reshape(r, target), label: `reshape(${written.join(',')})` };
      if (kind === 9) {
        if (nd === 0) return { a: a.flatten(), r: ref.reshape(r, [1]), label: 'flatten()' };
        const s = r0 % nd;
        const e = s + (r1 % (nd - s));
        const merged = [...a.shape.slice(0, s), numel(a.shape.slice(s, e + 1)), ...a.shape.slice(e + 1)];
        return { a: a.flatten(s, e - nd), r: ref.reshape(r, merged), label: `flatten(${s},${e - nd})` };
      }
      // view: must succeed exactly when the strides allow it
      if (viewable(a, target)) {
        const v = a.view(written);
        expect(v.data).toBe(a.data);
        return { a: v, r: ref.reshape(r, target), label: `view(${target.join(',')})` };
      }
      expect(() => a.view(written)).toThrow(/^view: shape .* is not compatible with the strides/);
      return { a, r, label: 'view threw' };
    }
  }
}

function reshapeTarget(shape: readonly number[], rs: number[]): number[] {
  const [r0 = 0, r1 = 0, r2 = 0] = rs;
  const nd = shape.length;
  if (nd === 0) return r0 % 2 ? [1] : [1, 1];
  const d = r0 % nd;
  const s = shape[d]!;
  const f = r1 % 2 === 0 ? 2 : 3;
  if (s % f === 0 && s > 0 && nd < 5) {
    const t = [...shape.slice(0, d), f, s / f, ...shape.slice(d + 1)];
    // write one dim as -1 sometimes (not when there are no elements: −1 is then ambiguous)
    if (r2 % 3 === 0 && numel(shape) > 0) t[d] = -1;
    return t;
  }
  const e = Math.min(nd - 1, d + 1 + (r2 % 2));
  return [...shape.slice(0, d), numel(shape.slice(d, e + 1)), ...shape.slice(e + 1)];
}

function resolveTarget(target: number[], n: number): number[] {
  const known = target.filter((x) => x !== -1).reduce((a, b) => a * b, 1);
  return target.map((x) => (x === -1 ? n / known : x));
}

const baseShapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });
const opsArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.array(fc.nat(1000), { minLength: 6, maxLength: 6 })), {
  minLength: 1,
  maxLength: 6,
});

describe('views against a naive index-mapping reference (property)', () => {
  it('chains of permute/transpose/slice/narrow/select/(un)squeeze/expand/reshape/flatten/view', () => {
    fc.assert(
      fc.property(baseShapeArb, opsArb, (baseShape, ops) => {
        const base = arange(numel(baseShape), undefined, 1, { dtype: 'float64' }).reshape(baseShape);
        let a: NDArray = base;
        let r: Ref = { shape: [...baseShape], map: (idx) => idx };
        let expanded = false;
        for (const [kind, rs] of ops) {
          if (numel(a.shape) > 400) break;
          if (kind === 8 || kind === 9) {
            // reshape / flatten copy exactly when no strides can express the new shape
            const target = kind === 8 ? reshapeTarget(a.shape, rs) : null;
            const next = applyOp(kind, rs, a, r);
            const shape = target ? resolveTarget(target, a.size) : next.a.shape;
            expect(next.a.data === a.data).toBe(viewable(a, shape));
            ({ a, r } = next);
          } else {
            if (kind === 7) expanded = true;
            ({ a, r } = applyOp(kind, rs, a, r));
          }
          checkAgainstRef(a, r, baseShape);
        }
        // contiguous() / clone() / denseData() agree with the reference
        const c = a.contiguous();
        expect(c.isContiguous()).toBe(true);
        checkAgainstRef(c, r, baseShape);
        expect([...a.denseData()]).toEqual(allIndices(r.shape).map((idx) => ravel(r.map(idx), baseShape)));
        // writing through the view changes the base at the mapped element (unless a copy was made)
        const idx = allIndices(a.shape)[0];
        if (idx && !expanded) {
          const target = r.map(idx);
          a.set(-7, ...idx);
          expect(base.get(...target)).toBe(a.data === base.data ? -7 : ravel(target, baseShape));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('isContiguous agrees with the naive definition: storage positions 0..n-1 from the offset (property)', () => {
    fc.assert(
      fc.property(baseShapeArb, opsArb, (baseShape, ops) => {
        const base = zeros(baseShape);
        let a: NDArray = base;
        let r: Ref = { shape: [...baseShape], map: (idx) => idx };
        for (const [kind, rs] of ops) {
          if (kind === 7 || kind >= 8) continue;
          ({ a, r } = applyOp(kind, rs, a, r));
        }
        const pos = positions(a);
        expect(a.isContiguous()).toBe(pos.every((p, i) => p === a.offset + i));
      }),
      { numRuns: 150 },
    );
  });
});

// ---------------------------------------------------------------- unit tests

describe('NDArray basics', () => {
  it('defaults to row-major strides, offset 0, frozen shape and strides', () => {
    const a = new NDArray(new Float32Array(6), 'float32', [2, 3]);
    expect(a.strides).toEqual([3, 1]);
    expect(a.offset).toBe(0);
    expect(a.ndim).toBe(2);
    expect(a.size).toBe(6);
    expect(a.numel()).toBe(6);
    expect(a.sizeOf(-1)).toBe(3);
    expect(a.sizeOf(0)).toBe(2);
    expect(() => a.sizeOf(2)).toThrow(/^sizeOf: dim 2 is out of range/);
  });

  it('does not alias the shape argument', () => {
    const shape = [2, 3];
    const a = zeros(shape);
    shape[0] = 9;
    expect(a.shape).toEqual([2, 3]);
  });

  it('isContiguous: fresh, row slices and size-1 dims are; transposes, strided slices and expansions are not', () => {
    const a = arange(24).reshape(2, 3, 4);
    expect(a.isContiguous()).toBe(true);
    expect(a.transpose(0, 2).isContiguous()).toBe(false);
    expect(a.slice(0, 1).isContiguous()).toBe(true);
    expect(a.slice(0, 1).offset).toBe(12);
    expect(a.slice(2, 0, 4, 2).isContiguous()).toBe(false);
    expect(a.slice(0, 1, 2).isContiguous()).toBe(true);
    expect(a.slice(1, 0, 1).isContiguous()).toBe(false); // a gap between the rows
    expect(new NDArray(new Float32Array(6), 'float32', [2, 1, 3], [3, 99, 1]).isContiguous()).toBe(true); // size-1 dim: its stride does not matter
    expect(a.select(2, 1).unsqueeze(1).isContiguous()).toBe(false);
    expect(array([[1], [2]]).expand(2, 3).isContiguous()).toBe(false);
    expect(array([[1, 2, 3]]).expand(1, 3).isContiguous()).toBe(true);
    // no elements: contiguous whatever the strides, as PyTorch's is_contiguous()
    expect(zeros([0, 3]).transpose(0, 1).isContiguous()).toBe(true);
    expect(arange(4).slice(0, 0, 0, 2).isContiguous()).toBe(true);
  });

  it('contiguous() returns the array itself when contiguous, else a row-major copy', () => {
    const a = arange(6).reshape(2, 3);
    expect(a.contiguous()).toBe(a);
    const t = a.transpose(0, 1);
    const c = t.contiguous();
    expect(c).not.toBe(t);
    expect(c.data).not.toBe(a.data);
    expect(c.strides).toEqual([2, 1]);
    expect(c.toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
  });

  it('denseData shares the storage of a contiguous array and copies otherwise', () => {
    const a = arange(6, undefined, 1, { dtype: 'float32' }).reshape(2, 3);
    const row = a.select(0, 1);
    const d = row.denseData();
    expect(d.buffer).toBe(a.data.buffer);
    expect([...d]).toEqual([3, 4, 5]);
    const col = a.select(1, 1);
    const dc = col.denseData();
    expect(dc.buffer).not.toBe(a.data.buffer);
    expect(dc).toBeInstanceOf(Float32Array);
    expect([...dc]).toEqual([1, 4]);
  });

  it('clone() copies into its own row-major storage', () => {
    const a = arange(6).reshape(2, 3);
    const b = a.transpose(0, 1).clone();
    expect(b.toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    b.set(100, 0, 0);
    expect(a.get(0, 0)).toBe(0);
    expect(b.dtype).toBe('int32');
    const e = array([[1], [2]]).expand(2, 2).clone();
    expect(e.strides).toEqual([2, 1]);
    e.set(9, 0, 0);
    expect(e.toArray()).toEqual([[9, 1], [2, 2]]);
  });
});

describe('astype', () => {
  it('truncates floats toward zero for integer dtypes, wraps uint8, and maps to bool by != 0', () => {
    const a = array([-2.7, -0.5, 0, 0.5, 2.7, 300]);
    expect(a.astype('int32').toArray()).toEqual([-2, 0, 0, 0, 2, 300]);
    expect(a.astype('int32').dtype).toBe('int32');
    expect(a.astype('uint8').toArray()).toEqual([254, 0, 0, 0, 2, 44]);
    expect(a.astype('bool').toArray()).toEqual([true, true, false, true, true, true]);
    expect(array([NaN]).astype('bool').toArray()).toEqual([true]);
  });

  it('converts between the other dtypes as typed-array stores do', () => {
    expect(array([0.1], { dtype: 'float64' }).astype('float32').get(0)).toBe(Math.fround(0.1));
    expect(array([true, false]).astype('float32').toArray()).toEqual([1, 0]);
    expect(array([300, -1], { dtype: 'int32' }).astype('uint8').toArray()).toEqual([44, 255]);
    expect(array([200], { dtype: 'uint8' }).astype('int32').toArray()).toEqual([200]);
    expect(array([2, 0], { dtype: 'int32' }).astype('bool').toArray()).toEqual([true, false]);
  });

  it('always copies and keeps the shape, even of a non-contiguous view', () => {
    const a = arange(6, undefined, 1, { dtype: 'float32' }).reshape(2, 3);
    const b = a.astype('float32');
    expect(b.data).not.toBe(a.data);
    expect(a.transpose(0, 1).astype('int32').toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
  });

  it('rejects unknown dtypes naming astype', () => {
    expect(() => array([1]).astype('int64' as 'int32')).toThrow(/^astype: unknown dtype "int64"/);
  });
});

describe('get / set / item / toArray', () => {
  it('get and set accept negative indices and cast the value to the dtype', () => {
    const a = zeros([2, 3], { dtype: 'int32' });
    expect(a.set(2.9, -1, -1)).toBe(a);
    expect(a.get(1, 2)).toBe(2);
    a.set(-3.9, 0, 0);
    expect(a.get(0, -3)).toBe(-3);
    const f = zeros([1]);
    f.set(0.1, 0);
    expect(f.get(0)).toBe(Math.fround(0.1));
    const b = zeros([2], { dtype: 'bool' });
    b.set(5, 1);
    expect(b.get(1)).toBe(1);
  });

  it('get and set reject a wrong index count, out-of-range and fractional indices', () => {
    const a = zeros([2, 3]);
    expect(() => a.get(0)).toThrow(/^get: expected 2 indices for shape \[2, 3\], got 1$/);
    expect(() => a.get(2, 0)).toThrow(/^get: index 2 is out of range for dim 0 of size 2$/);
    expect(() => a.get(0, -4)).toThrow(/^get:/);
    expect(() => a.get(0.5, 0)).toThrow(/^get:/);
    expect(() => a.set(1, 0, 3)).toThrow(/^set: index 3 is out of range for dim 1 of size 3$/);
    expect(() => a.set(1)).toThrow(/^set: expected 2 indices/);
  });

  it('a 0-d array is indexed with no indices', () => {
    const s = full([], 4);
    expect(s.get()).toBe(4);
    s.set(5);
    expect(s.item()).toBe(5);
  });

  it('item() reads any one-element array, including a view with an offset', () => {
    expect(array([[7]]).item()).toBe(7);
    expect(arange(6).reshape(2, 3).slice(1, 2, 3).select(0, 1).item()).toBe(5);
    expect(() => array([1, 2]).item()).toThrow(/^item: expected an array with one element, got shape \[2\]$/);
    expect(() => zeros([0]).item()).toThrow(/^item:/);
  });

  it('toArray: nested numbers, booleans for bool, a plain number for 0-d, empty dims', () => {
    expect(arange(6).reshape(2, 3).toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(array([true, false]).toArray()).toEqual([true, false]);
    expect(full([], 3).toArray()).toBe(3);
    expect(full([], 1, { dtype: 'bool' }).toArray()).toBe(true);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(zeros([0, 2]).toArray()).toEqual([]);
  });

  it('toString uses the ndarray( prefix', () => {
    expect(array([[1, 2], [3, 4]]).toString()).toBe('ndarray([[1., 2.],\n         [3., 4.]])');
    expect(String(arange(3))).toBe('ndarray([0, 1, 2], dtype=int32)');
  });
});

describe('view and reshape', () => {
  it('infer one -1 dim and accept the shape as varargs or one array', () => {
    const a = arange(24);
    expect(a.reshape(2, -1, 4).shape).toEqual([2, 3, 4]);
    expect(a.reshape([4, -1]).shape).toEqual([4, 6]);
    expect(a.view(-1).shape).toEqual([24]);
    expect(a.view([2, 3, 4]).shape).toEqual([2, 3, 4]);
    expect(full([], 1).reshape(1, 1).shape).toEqual([1, 1]);
    expect(array([5]).reshape([]).shape).toEqual([]);
    expect(array([5]).view().toArray()).toBe(5);
    expect(zeros([0, 3]).reshape(-1, 3).shape).toEqual([0, 3]);
  });

  it('a view of a contiguous array shares its storage', () => {
    const a = arange(6).reshape(2, 3);
    const v = a.view(3, 2);
    expect(v.data).toBe(a.data);
    v.set(100, 2, 1);
    expect(a.get(1, 2)).toBe(100);
    const r = a.reshape(6);
    expect(r.data).toBe(a.data);
  });

  it('reshape of a non-contiguous array copies, where view() throws', () => {
    const a = arange(6).reshape(2, 3);
    const t = a.transpose(0, 1);
    const r = t.reshape(6);
    expect(r.data).not.toBe(a.data);
    expect(r.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    r.set(-1, 0);
    expect(a.get(0, 0)).toBe(0);
    expect(() => t.view(6)).toThrow(RangeError);
    expect(() => t.view(6)).toThrow(/^view: shape \[6\] is not compatible with the strides of this \[3, 2\] array; use reshape\(\)/);
  });

  it('view splits and merges dims that stay contiguous, even in a non-contiguous array', () => {
    const a = arange(24).reshape(2, 3, 4).permute(1, 0, 2); // [3, 2, 4]: only the last dim is contiguous
    expect(a.strides).toEqual([4, 12, 1]);
    const v = a.view(3, 2, 2, 2);
    expect(v.data).toBe(a.data);
    expect(v.toArray()).toEqual(a.reshape(3, 2, 2, 2).toArray());
    expect(() => a.view(6, 4)).toThrow(/^view:/);
    const s = arange(24).reshape(4, 6).slice(1, 0, 4); // [4, 4] with row stride 6
    expect(s.view(2, 2, 4).data).toBe(s.data);
    expect(() => s.view(16)).toThrow(/^view:/);
  });

  it('rejects bad target shapes naming the op', () => {
    const a = arange(6).reshape(2, 3);
    expect(() => a.reshape(4, 2)).toThrow(/^reshape: shape \[4, 2\] is invalid for an array of 6 elements \(shape \[2, 3\]\)$/);
    expect(() => a.reshape(-1, -1)).toThrow(/^reshape: only one dim can be inferred \(-1\), got \[-1, -1\]$/);
    expect(() => a.reshape(-1, 4)).toThrow(/^reshape: shape \[-1, 4\] is invalid for an array of 6 elements/);
    expect(() => a.reshape(2, -2)).toThrow(/^reshape: invalid size -2 in shape \[2, -2\]$/);
    expect(() => a.reshape(1.5, 4)).toThrow(/^reshape: invalid size 1\.5/);
    expect(() => zeros([0]).reshape(0, -1)).toThrow(/^reshape: shape \[0, -1\] is invalid for an array of 0 elements/);
    expect(() => a.view(5)).toThrow(/^view: shape \[5\] is invalid/);
    expect(() => a.view(-1, -1)).toThrow(/^view: only one dim/);
  });

  it('inferShape resolves -1 and validates', () => {
    expect(inferShape('reshape', [2, 3], [-1])).toEqual([6]);
    expect(inferShape('reshape', [2, 3], [3, -1, 1])).toEqual([3, 2, 1]);
    expect(() => inferShape('foo', [2, 3], [7])).toThrow(/^foo:/);
  });
});

describe('permute / transpose', () => {
  it('reorders dims as a view (negative dims allowed)', () => {
    const a = arange(24).reshape(2, 3, 4);
    const p = a.permute(2, 0, 1);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.strides).toEqual([1, 12, 4]);
    expect(p.data).toBe(a.data);
    expect(p.get(3, 1, 2)).toBe(a.get(1, 2, 3));
    expect(a.permute([-1, -3, -2]).shape).toEqual([4, 2, 3]);
    expect(a.transpose(-1, 0).shape).toEqual([4, 3, 2]);
    expect(a.transpose(1, 1).toArray()).toEqual(a.toArray());
    const s = full([], 2);
    expect(s.transpose(0, -1)).toBe(s);
    expect(s.permute().shape).toEqual([]);
  });

  it('rejects non-permutations and bad dims naming the op', () => {
    const a = arange(24).reshape(2, 3, 4);
    expect(() => a.permute(0, 0, 1)).toThrow(/^permute: dims \[0, 0, 1\] is not a permutation of the 3 dims of shape \[2, 3, 4\]$/);
    expect(() => a.permute(0, 1)).toThrow(/^permute: dims \[0, 1\] is not a permutation/);
    expect(() => a.permute(0, 1, 3)).toThrow(/^permute: dim 3 is out of range/);
    expect(() => a.transpose(0, 3)).toThrow(/^transpose: dim 3 is out of range/);
    expect(() => a.transpose(-4, 0)).toThrow(/^transpose:/);
  });
});

describe('squeeze / unsqueeze', () => {
  it('squeeze removes one or all size-1 dims; a dim of another size is left alone', () => {
    const a = zeros([1, 2, 1, 3]);
    expect(a.squeeze().shape).toEqual([2, 3]);
    expect(a.squeeze(0).shape).toEqual([2, 1, 3]);
    expect(a.squeeze(-2).shape).toEqual([1, 2, 3]);
    expect(a.squeeze(1).shape).toEqual([1, 2, 1, 3]);
    expect(full([], 1).squeeze(0).shape).toEqual([]);
    expect(a.squeeze().data).toBe(a.data);
    expect(() => a.squeeze(4)).toThrow(/^squeeze: dim 4 is out of range/);
  });

  it('unsqueeze inserts a size-1 dim anywhere, -1 appending', () => {
    const a = arange(6).reshape(2, 3);
    expect(a.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(a.unsqueeze(1).shape).toEqual([2, 1, 3]);
    expect(a.unsqueeze(2).shape).toEqual([2, 3, 1]);
    expect(a.unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(a.unsqueeze(-3).shape).toEqual([1, 2, 3]);
    expect(a.unsqueeze(1).isContiguous()).toBe(true);
    expect(full([], 1).unsqueeze(0).shape).toEqual([1]);
    expect(() => a.unsqueeze(3)).toThrow(/^unsqueeze: dim 3 is out of range/);
    expect(() => a.unsqueeze(-4)).toThrow(/^unsqueeze:/);
  });
});

describe('slice / narrow / select', () => {
  it('slice follows Python slicing: negative and clamped bounds, positive steps', () => {
    const a = arange(10);
    expect(a.slice(0, 2, 5).toArray()).toEqual([2, 3, 4]);
    expect(a.slice(0, -3).toArray()).toEqual([7, 8, 9]);
    expect(a.slice(0, 0, -8).toArray()).toEqual([0, 1]);
    expect(a.slice(0, 1, 100, 3).toArray()).toEqual([1, 4, 7]);
    expect(a.slice(0, -100, 2).toArray()).toEqual([0, 1]);
    expect(a.slice(0, 6, 3).toArray()).toEqual([]);
    expect(a.slice(0, 10).toArray()).toEqual([]);
    expect(a.slice(0).toArray()).toEqual(a.toArray());
    const m = arange(12).reshape(3, 4);
    expect(m.slice(-1, 1, 3).toArray()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(m.slice(1, 0, 4, 2).data).toBe(m.data);
  });

  it('slice rejects non-positive or fractional steps and fractional bounds', () => {
    const a = arange(10);
    expect(() => a.slice(0, 0, 5, 0)).toThrow(/^slice: step must be a positive integer, got 0$/);
    expect(() => a.slice(0, 0, 5, -1)).toThrow(/^slice: step must be a positive integer/);
    expect(() => a.slice(0, 0.5)).toThrow(/^slice: start and end must be integers/);
    expect(() => a.slice(1)).toThrow(/^slice: dim 1 is out of range/);
  });

  it('narrow takes a range that must fit in the dim', () => {
    const m = arange(12).reshape(3, 4);
    expect(m.narrow(1, 1, 2).toArray()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(m.narrow(0, -1, 1).toArray()).toEqual([[8, 9, 10, 11]]);
    expect(m.narrow(0, 3, 0).shape).toEqual([0, 4]);
    expect(() => m.narrow(0, 2, 2)).toThrow(/^narrow: start 2 and length 2 exceed dim 0 of size 3$/);
    expect(() => m.narrow(0, -4, 1)).toThrow(/^narrow:/);
    expect(() => m.narrow(0, 0, -1)).toThrow(/^narrow:/);
    expect(() => m.narrow(0, 0.5, 1)).toThrow(/^narrow:/);
    expect(() => m.narrow(2, 0, 1)).toThrow(/^narrow: dim 2 is out of range/);
  });

  it('select drops the dim', () => {
    const m = arange(12).reshape(3, 4);
    expect(m.select(0, 1).toArray()).toEqual([4, 5, 6, 7]);
    expect(m.select(1, -1).toArray()).toEqual([3, 7, 11]);
    expect(m.select(0, 2).select(0, 3).toArray()).toBe(11);
    expect(() => m.select(0, 3)).toThrow(/^select: index 3 is out of range for dim 0 of size 3$/);
    expect(() => m.select(1, -5)).toThrow(/^select:/);
    expect(() => m.select(2, 0)).toThrow(/^select: dim 2 is out of range/);
  });

  it('writing through slices, narrows and selects changes the original', () => {
    const m = zeros([3, 4]);
    m.slice(1, 1, 4, 2).fill_(1);
    m.narrow(0, 2, 1).set(5, 0, 0);
    m.select(0, 0).set(7, 3);
    expect(m.toArray()).toEqual([[0, 1, 0, 7], [0, 1, 0, 1], [5, 1, 0, 1]]);
  });
});

describe('expand / broadcastTo', () => {
  it('grows size-1 dims with stride 0 and adds leading dims', () => {
    const a = array([[1], [2]]);
    const e = a.expand(3, 2, 4);
    expect(e.shape).toEqual([3, 2, 4]);
    expect(e.strides).toEqual([0, 1, 0]);
    expect(e.data).toBe(a.data);
    expect(e.toArray()).toEqual([[[1, 1, 1, 1], [2, 2, 2, 2]], [[1, 1, 1, 1], [2, 2, 2, 2]], [[1, 1, 1, 1], [2, 2, 2, 2]]]);
    expect(a.expand(-1, 3).shape).toEqual([2, 3]);
    expect(a.expand([2, 0]).shape).toEqual([2, 0]);
    expect(a.broadcastTo(2, 2).toArray()).toEqual([[1, 1], [2, 2]]);
    expect(full([], 5).expand(2).toArray()).toEqual([5, 5]);
    a.set(9, 0, 0);
    expect(e.get(2, 0, 3)).toBe(9);
  });

  it('rejects impossible expansions naming the op', () => {
    const a = array([[1, 2, 3]]);
    expect(() => a.expand(3)).toThrow(/^expand: shape \[3\] has fewer dims than the array's \[1, 3\]$/);
    expect(() => a.expand(2, 4)).toThrow(/^expand: cannot expand shape \[1, 3\] to \[2, 4\] \(dim 1: 3 to 4\)$/);
    expect(() => a.expand(-1, 2, 3)).toThrow(/^expand: new leading dim 0 must be a non-negative size, got -1$/);
    expect(() => a.expand(-2, 3)).toThrow(/^expand: cannot expand/);
    expect(() => a.expand(1.5, 3)).toThrow(/^expand:/);
    expect(() => a.broadcastTo(2, 4)).toThrow(/^broadcastTo: cannot expand shape \[1, 3\] to \[2, 4\]/);
    expect(() => a.broadcastTo(3)).toThrow(/^broadcastTo: shape \[3\] has fewer dims/);
  });
});

describe('flatten', () => {
  it('merges a range of dims, as a view when possible', () => {
    const a = arange(24).reshape(2, 3, 4);
    expect(a.flatten().shape).toEqual([24]);
    expect(a.flatten(1).shape).toEqual([2, 12]);
    expect(a.flatten(0, 1).shape).toEqual([6, 4]);
    expect(a.flatten(-2, -1).shape).toEqual([2, 12]);
    expect(a.flatten(1, 1).shape).toEqual([2, 3, 4]);
    expect(a.flatten(1).data).toBe(a.data);
    expect(full([], 3).flatten().toArray()).toEqual([3]);
    const t = a.transpose(0, 2);
    const f = t.flatten();
    expect(f.data).not.toBe(a.data);
    expect(f.toArray()).toEqual(t.contiguous().reshape(-1).toArray());
  });

  it('rejects reversed or out-of-range dims naming flatten', () => {
    const a = arange(24).reshape(2, 3, 4);
    expect(() => a.flatten(2, 1)).toThrow(/^flatten: startDim 2 comes after endDim 1$/);
    expect(() => a.flatten(3)).toThrow(/^flatten: dim 3 is out of range/);
    expect(() => a.flatten(0, -4)).toThrow(/^flatten:/);
  });
});

describe('method wrappers', () => {
  it('element-wise methods give new arrays', () => {
    const a = array([[1, -2], [3, 4]]);
    expect(a.add(1).toArray()).toEqual([[2, -1], [4, 5]]);
    expect(a.sub(array([1, 2])).toArray()).toEqual([[0, -4], [2, 2]]);
    expect(a.mul(2).toArray()).toEqual([[2, -4], [6, 8]]);
    expect(a.div(2).toArray()).toEqual([[0.5, -1], [1.5, 2]]);
    expect(a.pow(2).toArray()).toEqual([[1, 4], [9, 16]]);
    expect(a.maximum(2).toArray()).toEqual([[2, 2], [3, 4]]);
    expect(a.minimum(2).toArray()).toEqual([[1, -2], [2, 2]]);
    expect(a.eq(3).toArray()).toEqual([[false, false], [true, false]]);
    expect(a.ne(3).toArray()).toEqual([[true, true], [false, true]]);
    expect(a.lt(3).toArray()).toEqual([[true, true], [false, false]]);
    expect(a.le(3).toArray()).toEqual([[true, true], [true, false]]);
    expect(a.gt(3).toArray()).toEqual([[false, false], [false, true]]);
    expect(a.ge(3).toArray()).toEqual([[false, false], [true, true]]);
    expect(a.neg().toArray()).toEqual([[-1, 2], [-3, -4]]);
    expect(a.abs().toArray()).toEqual([[1, 2], [3, 4]]);
    expect(a.relu().toArray()).toEqual([[1, 0], [3, 4]]);
    expect(a.clamp(0, 3).toArray()).toEqual([[1, 0], [3, 3]]);
    expect(array([0]).exp().item()).toBe(1);
    expect(array([1]).log().item()).toBe(0);
    expect(array([4]).sqrt().item()).toBe(2);
    expect(array([0]).tanh().item()).toBe(0);
    expect(array([0]).sigmoid().item()).toBe(0.5);
    expect(a.add(1)).not.toBe(a);
  });

  it('reduction and softmax methods delegate', () => {
    const a = array([[1, 5], [7, 2]]);
    expect(a.sum().item()).toBe(15);
    expect(a.sum(0).toArray()).toEqual([8, 7]);
    expect(a.mean(1, { keepdim: true }).toArray()).toEqual([[3], [4.5]]);
    expect(a.amax().item()).toBe(7);
    expect(a.amin(1).toArray()).toEqual([1, 2]);
    expect(a.max(1).indices.toArray()).toEqual([1, 0]);
    expect(a.min(0).values.toArray()).toEqual([1, 2]);
    expect(a.argmax().item()).toBe(2);
    expect(a.argmin(1).toArray()).toEqual([0, 1]);
    expect(a.var(1).toArray()).toEqual([8, 12.5]);
    expect(a.std(1, { unbiased: false }).toArray()).toEqual([2, 2.5]);
    expect(a.logsumexp(1).get(0)).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(5)), 5);
    expect(a.softmax(1).sum(1).get(0)).toBeCloseTo(1, 6);
    expect(a.logSoftmax(0).exp().sum(0).get(1)).toBeCloseTo(1, 6);
  });
});

describe('in-place methods', () => {
  it('add_/sub_/mul_/div_ modify the array, broadcast the operand and return this', () => {
    const a = array([[1, 2], [3, 4]]);
    expect(a.add_(array([10, 20]))).toBe(a);
    expect(a.toArray()).toEqual([[11, 22], [13, 24]]);
    expect(a.sub_(1).toArray()).toEqual([[10, 21], [12, 23]]);
    expect(a.mul_(2).toArray()).toEqual([[20, 42], [24, 46]]);
    expect(a.div_(array([[2], [4]])).toArray()).toEqual([[10, 21], [6, 11.5]]);
    expect(a.clamp_(null, 11)).toBe(a);
    expect(a.toArray()).toEqual([[10, 11], [6, 11]]);
  });

  it('fill_/zero_/copy_ write every element and return this', () => {
    const a = zeros([2, 2], { dtype: 'int32' });
    expect(a.fill_(3.7)).toBe(a);
    expect(a.toArray()).toEqual([[3, 3], [3, 3]]);
    expect(a.copy_(array([1.9, -1.9]))).toBe(a);
    expect(a.toArray()).toEqual([[1, -1], [1, -1]]);
    expect(a.copy_(5).toArray()).toEqual([[5, 5], [5, 5]]);
    expect(a.zero_()).toBe(a);
    expect(a.toArray()).toEqual([[0, 0], [0, 0]]);
  });

  it('in-place ops through views write into the original storage', () => {
    const a = arange(12, undefined, 1, { dtype: 'float32' }).reshape(3, 4);
    a.transpose(0, 1).slice(0, 1, 4, 2).add_(100); // columns 1 and 3
    expect(a.toArray()).toEqual([[0, 101, 2, 103], [4, 105, 6, 107], [8, 109, 10, 111]]);
    a.select(1, 0).mul_(array([1, 2, 3]));
    expect(a.toArray()).toEqual([[0, 101, 2, 103], [8, 105, 6, 107], [24, 109, 10, 111]]);
    a.select(0, 0).zero_();
    a.narrow(1, 2, 1).fill_(-1);
    expect(a.toArray()).toEqual([[0, 0, -1, 0], [8, 105, -1, 107], [24, 109, -1, 111]]);
    a.slice(0, 0, 3, 2).copy_(array([1, 2, 3, 4]));
    expect(a.toArray()).toEqual([[1, 2, 3, 4], [8, 105, -1, 107], [1, 2, 3, 4]]);
    a.transpose(0, 1).clamp_(0, 10);
    expect(a.toArray()).toEqual([[1, 2, 3, 4], [8, 10, 0, 10], [1, 2, 3, 4]]);
  });

  it('in-place ops reject a result that does not fit the array, naming the op', () => {
    const a = zeros([2, 3]);
    expect(() => a.add_(zeros([2, 2, 3]))).toThrow(/^add: the result has shape \[2, 2, 3\] but the output array has shape \[2, 3\]$/);
    expect(() => a.sub_(zeros([4]))).toThrow(/^sub: shapes \[2, 3\] and \[4\] cannot be broadcast/);
    const i = zeros([2], { dtype: 'int32' });
    expect(() => i.div_(2)).toThrow(/^div: the result type float32 cannot be written in place into an array of dtype int32$/);
    expect(() => i.mul_(2.5)).toThrow(/^mul: the result type float32/);
    expect(() => i.clamp_(0.5)).toThrow(/^clamp: the result type float32/);
    expect(() => zeros([2], { dtype: 'bool' }).add_(1)).toThrow(/^add: the result type int32 cannot be written in place into an array of dtype bool$/);
    expect(() => a.copy_(zeros([3, 3]))).toThrow(/^copy_: shapes \[2, 3\] and \[3, 3\] cannot be broadcast/);
    expect(() => a.copy_(zeros([2, 2, 3]))).toThrow(/^copy_: source of shape \[2, 2, 3\] does not broadcast to the destination's \[2, 3\]$/);
    expect(() => a.clamp_()).toThrow(/^clamp: at least one of min and max must be given$/);
    expect(a.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('in-place ops accept results of the same kind, as PyTorch casts them (float64 into float32, int32 into uint8)', () => {
    const a = zeros([2]);
    a.add_(array([0.1, 1e-10], { dtype: 'float64' }));
    expect(a.dtype).toBe('float32');
    expect(a.toArray()).toEqual([Math.fround(0.1), Math.fround(1e-10)]);
    const u = array([250, 3], { dtype: 'uint8' });
    u.add_(array([10, 1], { dtype: 'int32' }));
    expect(u.toArray()).toEqual([4, 4]);
    const i = array([1, 2], { dtype: 'int32' });
    i.add_(array([true, false]));
    expect(i.toArray()).toEqual([2, 2]);
  });
});
