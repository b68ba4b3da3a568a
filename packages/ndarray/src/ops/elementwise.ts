/**
 * Element-wise ops: unary maths, binary arithmetic with NumPy/PyTorch broadcasting, comparisons,
 * `where` and `clamp`. Every binary op accepts a plain number for either operand, and an `out`
 * array for the in-place variants (`NDArray.add_` and friends).
 */
import { getBackend, type FloatArray } from '../backend.js';
import { allocateUninitialized, castScalar, isFloatDType, promoteTypes, type DType, type TypedArray } from '../dtype.js';
import { sigmoidScalar } from '../kernels/activation.js';
import { NDArray } from '../ndarray.js';
import { broadcastShapes, broadcastStrides, formatShape, shapeSize, shapesEqual } from '../shape.js';
import { forEachRow } from '../strided.js';

/** An array or a plain number (a scalar that broadcasts everywhere). */
export type Operand = NDArray | number;

/**
 * Dedicated loops of one binary op over dense storage. The generic loop calls the op's `fn` for
 * every element through one shared call site, which V8 cannot inline once many ops pass through
 * it (a megamorphic call costs several times the arithmetic); a loop written for one op is
 * monomorphic and compiles to a tight loop. Used when no dtype cast is involved.
 */
export interface BinaryLoops {
  /** `r[ro + i] = a[ao + i] ∘ b[bo + i]` for `i < n`. */
  vv(r: TypedArray, ro: number, a: TypedArray, ao: number, b: TypedArray, bo: number, n: number): void;
  /** `r[ro + i] = a[ao + i] ∘ s`. */
  vs(r: TypedArray, ro: number, a: TypedArray, ao: number, s: number, n: number): void;
  /** `r[ro + i] = s ∘ b[bo + i]`. */
  sv(r: TypedArray, ro: number, s: number, b: TypedArray, bo: number, n: number): void;
}

/** A dedicated loop of one unary op over dense storage: `r[ro + i] = f(a[ao + i])` (see {@link BinaryLoops}). */
export type UnaryLoop = (r: TypedArray, ro: number, a: TypedArray, ao: number, n: number) => void;

/** The one element of a 0-d or one-element array, or null when `x` has more. */
function scalarOf(x: Operand): number | null {
  if (typeof x === 'number') return null;
  return x.ndim === 0 ? x.data[x.offset]! : null;
}

/**
 * Runs `loops` when every operand is dense in the result's own layout (or a scalar): returns
 * false, computing nothing, when the generic path must take over.
 */
function runLoops(loops: BinaryLoops, a: Operand, b: Operand, A: NDArray, B: NDArray, result: NDArray): boolean {
  const shape = result.shape;
  if (!result.isContiguous()) return false;
  const r = result.data;
  const ro = result.offset;
  const n = result.size;
  const aDense = A.isContiguous() && shapesEqual(A.shape, shape);
  const bDense = B.isContiguous() && shapesEqual(B.shape, shape);
  if (aDense && bDense) {
    loops.vv(r, ro, A.data, A.offset, B.data, B.offset, n);
    return true;
  }
  const bs = typeof b === 'number' ? B.data[0]! : scalarOf(b);
  if (aDense && bs !== null) {
    loops.vs(r, ro, A.data, A.offset, bs, n);
    return true;
  }
  const as = typeof a === 'number' ? A.data[0]! : scalarOf(a);
  if (bDense && as !== null) {
    loops.sv(r, ro, as, B.data, B.offset, n);
    return true;
  }
  // one contiguous operand repeated along the leading dims of the other (a bias added to a batch
  // of rows): one dense loop per repetition, the rows in memory order
  const aRow = !aDense && bDense && A.isContiguous() && isTrailing(A.shape, shape);
  const bRow = aDense && !bDense && B.isContiguous() && isTrailing(B.shape, shape);
  if (aRow || bRow) {
    const m = aRow ? A.size : B.size;
    if (m < 8) return false; // short rows: the per-row call would cost more than the strided loop
    for (let i = 0; i < n; i += m) {
      if (aRow) loops.vv(r, ro + i, A.data, A.offset, B.data, B.offset + i, m);
      else loops.vv(r, ro + i, A.data, A.offset + i, B.data, B.offset, m);
    }
    return true;
  }
  return false;
}

/**
 * Whether an operand of shape `s` broadcasts to `shape` by repetition along leading dims only:
 * after its leading 1s, `s` is the last dims of `shape`.
 */
function isTrailing(s: readonly number[], shape: readonly number[]): boolean {
  let k = 0;
  while (k < s.length && s[k] === 1) k++;
  const rest = s.length - k;
  if (rest === 0 || rest > shape.length) return false;
  for (let i = 0; i < rest; i++) if (s[k + i] !== shape[shape.length - rest + i]) return false;
  return true;
}

/** The dtype a JS number takes next to an array of `dtype` (PyTorch's "weak" scalar rule). */
function scalarResultType(dtype: DType, value: number): DType {
  if (isFloatDType(dtype)) return dtype;
  if (!Number.isInteger(value)) return 'float32';
  return dtype === 'bool' ? 'int32' : dtype;
}

/** The result dtype of a binary op between two operands. */
export function resultType(a: Operand, b: Operand): DType {
  if (typeof a === 'number' && typeof b === 'number') return 'float32';
  if (typeof a === 'number') return scalarResultType((b as NDArray).dtype, a);
  if (typeof b === 'number') return scalarResultType(a.dtype, b);
  return promoteTypes(a.dtype, b.dtype);
}

/**
 * A number as a 0-d float64 array. When the op computes in float32, the number is first rounded to
 * float32 as PyTorch converts a scalar to the op's dtype (so `array([0.1]).eq(0.1)` is true).
 */
function asArray(x: Operand, compute: DType): NDArray {
  if (typeof x !== 'number') return x;
  return new NDArray(Float64Array.of(compute === 'float32' ? Math.fround(x) : x), 'float64', []);
}

/** bool < integers < floats: PyTorch's `canCast` lets a result be written into any dtype of its kind or a higher one. */
function kind(dtype: DType): number {
  return dtype === 'bool' ? 0 : isFloatDType(dtype) ? 2 : 1;
}

function checkOut(op: string, out: NDArray, shape: readonly number[], dtype: DType): void {
  if (!shapesEqual(out.shape, shape)) {
    throw new RangeError(`${op}: the result has shape ${formatShape(shape)} but the output array has shape ${formatShape(out.shape)}`);
  }
  if (kind(dtype) > kind(out.dtype)) {
    throw new TypeError(`${op}: the result type ${dtype} cannot be written in place into an array of dtype ${out.dtype}`);
  }
}

/**
 * Applies `fn` to every pair of broadcast elements of `a` and `b`. The result has dtype `dtype`,
 * or is written into `out` (which must have the broadcast shape).
 */
export function mapBinary(
  op: string,
  a: Operand,
  b: Operand,
  fn: (x: number, y: number) => number,
  dtype: DType,
  out?: NDArray,
  loops?: BinaryLoops,
): NDArray {
  // the dtype the op computes in: comparisons compare in the operands' common dtype
  const compute = dtype === 'bool' ? resultType(a, b) : dtype;
  const A = asArray(a, compute);
  const B = asArray(b, compute);
  const shape = broadcastShapes(op, A.shape, B.shape);
  if (out) checkOut(op, out, shape, dtype);
  const result = out ?? new NDArray(allocateUninitialized(dtype, shapeSize(shape)), dtype, shape);
  const r = result.data;
  // results are cast to the op's dtype (integers wrap) before any conversion into `out`, as PyTorch
  // computes in the result dtype, then casts to the output's
  const cast = dtype === 'bool' || dtype === 'int32' || dtype === 'uint8' || dtype !== result.dtype;
  if (loops && !cast && runLoops(loops, a, b, A, B, result)) return result;
  const ad = A.data;
  const bd = B.data;
  if (!out && typeof b === 'number' && A.isContiguous()) {
    // array ∘ scalar, the commonest broadcast: one tight loop
    const n = r.length;
    const ao = A.offset;
    const bv = bd[0]!; // b as the op sees it (rounded to float32 when it computes in float32)
    if (cast) for (let i = 0; i < n; i++) r[i] = castScalar(fn(ad[ao + i]!, bv), result.dtype);
    else for (let i = 0; i < n; i++) r[i] = fn(ad[ao + i]!, bv);
    return result;
  }
  if (!out && A.isContiguous() && B.isContiguous() && shapesEqual(A.shape, B.shape)) {
    const n = r.length;
    const ao = A.offset;
    const bo = B.offset;
    if (cast) for (let i = 0; i < n; i++) r[i] = castScalar(fn(ad[ao + i]!, bd[bo + i]!), result.dtype);
    else for (let i = 0; i < n; i++) r[i] = fn(ad[ao + i]!, bd[bo + i]!);
    return result;
  }
  const sa = broadcastStrides(A.shape, A.strides, shape);
  const sb = broadcastStrides(B.shape, B.strides, shape);
  const so = result.strides;
  const la = sa[shape.length - 1] ?? 0;
  const lb = sb[shape.length - 1] ?? 0;
  const lo = so[shape.length - 1] ?? 0;
  const rdtype = dtype;
  forEachRow(shape, [sa, sb, so], [A.offset, B.offset, result.offset], (offs, n) => {
    let ia = offs[0]!;
    let ib = offs[1]!;
    let io = offs[2]!;
    for (let i = 0; i < n; i++, ia += la, ib += lb, io += lo) {
      const v = fn(ad[ia]!, bd[ib]!);
      r[io] = cast ? castScalar(v, rdtype) : v;
    }
  });
  return result;
}

/** Applies `fn` to every element of `a`, giving dtype `dtype` (or writing into `out`, same shape). */
export function mapUnary(op: string, a: NDArray, fn: (x: number) => number, dtype: DType, out?: NDArray, loop?: UnaryLoop): NDArray {
  if (out) checkOut(op, out, a.shape, dtype);
  const result = out ?? new NDArray(allocateUninitialized(dtype, a.size), dtype, a.shape);
  const r = result.data;
  const ad = a.data;
  const cast = dtype === 'bool' || dtype === 'int32' || dtype === 'uint8' || dtype !== result.dtype;
  const rdtype = dtype;
  if (loop && !cast && a.isContiguous() && result.isContiguous()) {
    loop(r, result.offset, ad, a.offset, a.size);
    return result;
  }
  if (!out && a.isContiguous()) {
    const ao = a.offset;
    const n = r.length;
    if (cast) for (let i = 0; i < n; i++) r[i] = castScalar(fn(ad[ao + i]!), rdtype);
    else for (let i = 0; i < n; i++) r[i] = fn(ad[ao + i]!);
    return result;
  }
  const nd = a.ndim;
  const la = a.strides[nd - 1] ?? 0;
  const lo = result.strides[nd - 1] ?? 0;
  forEachRow(a.shape, [a.strides, result.strides], [a.offset, result.offset], (offs, n) => {
    let ia = offs[0]!;
    let io = offs[1]!;
    for (let i = 0; i < n; i++, ia += la, io += lo) {
      const v = fn(ad[ia]!);
      r[io] = cast ? castScalar(v, rdtype) : v;
    }
  });
  return result;
}

/** The float dtype a float-only unary op returns for `dtype` (integers promote to float32). */
function floatResult(dtype: DType): DType {
  return isFloatDType(dtype) ? dtype : 'float32';
}

function arithmetic(op: string, fn: (x: number, y: number) => number, loops?: BinaryLoops) {
  return (a: Operand, b: Operand, out?: NDArray): NDArray => mapBinary(op, a, b, fn, resultType(a, b), out, loops);
}

// One set of loops per op, each its own function so that each stays monomorphic (see BinaryLoops).
const addLoops: BinaryLoops = {
  vv: (r, ro, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) r[ro + i] = a[ao + i]! + b[bo + i]!; },
  vs: (r, ro, a, ao, s, n) => { for (let i = 0; i < n; i++) r[ro + i] = a[ao + i]! + s; },
  sv: (r, ro, s, b, bo, n) => { for (let i = 0; i < n; i++) r[ro + i] = s + b[bo + i]!; },
};
const subLoops: BinaryLoops = {
  vv: (r, ro, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) r[ro + i] = a[ao + i]! - b[bo + i]!; },
  vs: (r, ro, a, ao, s, n) => { for (let i = 0; i < n; i++) r[ro + i] = a[ao + i]! - s; },
  sv: (r, ro, s, b, bo, n) => { for (let i = 0; i < n; i++) r[ro + i] = s - b[bo + i]!; },
};
const mulLoops: BinaryLoops = {
  vv: (r, ro, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) r[ro + i] = a[ao + i]! * b[bo + i]!; },
  vs: (r, ro, a, ao, s, n) => { for (let i = 0; i < n; i++) r[ro + i] = a[ao + i]! * s; },
  sv: (r, ro, s, b, bo, n) => { for (let i = 0; i < n; i++) r[ro + i] = s * b[bo + i]!; },
};
const divLoops: BinaryLoops = {
  vv: (r, ro, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) r[ro + i] = a[ao + i]! / b[bo + i]!; },
  vs: (r, ro, a, ao, s, n) => { for (let i = 0; i < n; i++) r[ro + i] = a[ao + i]! / s; },
  sv: (r, ro, s, b, bo, n) => { for (let i = 0; i < n; i++) r[ro + i] = s / b[bo + i]!; },
};

/**
 * `a + b` element-wise, with broadcasting; either operand may be a number.
 * @example
 * ```ts
 * add(array([[1, 2], [3, 4]]), array([10, 20])).toArray(); // [[11, 22], [13, 24]]
 * ```
 */
export const add = arithmetic('add', (x, y) => x + y, addLoops);
/** `a − b` element-wise, with broadcasting. */
export const sub = arithmetic('sub', (x, y) => x - y, subLoops);
/** `a · b` element-wise, with broadcasting. */
export const mul = arithmetic('mul', (x, y) => x * y, mulLoops);
/** `max(a, b)` element-wise (NaN propagates). */
export const maximum = arithmetic('maximum', (x, y) => (x !== x || y !== y ? NaN : x > y ? x : y));
/** `min(a, b)` element-wise (NaN propagates). */
export const minimum = arithmetic('minimum', (x, y) => (x !== x || y !== y ? NaN : x < y ? x : y));

/** True division `a / b`: integer operands give float32, as in PyTorch. */
export function div(a: Operand, b: Operand, out?: NDArray): NDArray {
  const t = resultType(a, b);
  return mapBinary('div', a, b, (x, y) => x / y, isFloatDType(t) ? t : 'float32', out, divLoops);
}

/** `a ** b` element-wise; integer operands with a negative integer exponent are rejected like PyTorch. */
export function pow(a: Operand, b: Operand, out?: NDArray): NDArray {
  const t = resultType(a, b);
  if (!isFloatDType(t) && typeof b === 'number' && b < 0) {
    throw new RangeError(`pow: integers to negative integer powers are not allowed (exponent ${b})`);
  }
  return mapBinary('pow', a, b, (x, y) => x ** y, t, out);
}

function comparison(op: string, fn: (x: number, y: number) => boolean) {
  return (a: Operand, b: Operand): NDArray<'bool'> =>
    mapBinary(op, a, b, (x, y) => (fn(x, y) ? 1 : 0), 'bool') as NDArray<'bool'>;
}

/** `a == b` element-wise, giving a bool array. */
export const eq = comparison('eq', (x, y) => x === y);
/** `a != b` element-wise, giving a bool array. */
export const ne = comparison('ne', (x, y) => x !== y);
/** `a < b` element-wise, giving a bool array. */
export const lt = comparison('lt', (x, y) => x < y);
/** `a <= b` element-wise, giving a bool array. */
export const le = comparison('le', (x, y) => x <= y);
/** `a > b` element-wise, giving a bool array. */
export const gt = comparison('gt', (x, y) => x > y);
/** `a >= b` element-wise, giving a bool array. */
export const ge = comparison('ge', (x, y) => x >= y);

function floatUnary(op: string, fn: (x: number) => number, loop?: UnaryLoop) {
  return (a: NDArray, out?: NDArray): NDArray => mapUnary(op, a, fn, floatResult(a.dtype), out, loop);
}
function sameUnary(op: string, fn: (x: number) => number, loop?: UnaryLoop) {
  return (a: NDArray, out?: NDArray): NDArray => mapUnary(op, a, fn, a.dtype === 'bool' ? 'int32' : a.dtype, out, loop);
}

/** `−a`. */
export const neg = sameUnary('neg', (x) => -x, (r, ro, a, ao, n) => { for (let i = 0; i < n; i++) r[ro + i] = -a[ao + i]!; });
/** `|a|`. */
export const abs = sameUnary('abs', (x) => Math.abs(x));
/** The sign of each element: −1, 0 or 1 (NaN stays NaN). */
export const sign = sameUnary('sign', (x) => Math.sign(x));
/** `a²`. */
export const square = sameUnary('square', (x) => x * x, (r, ro, a, ao, n) => {
  for (let i = 0; i < n; i++) {
    const x = a[ao + i]!;
    r[ro + i] = x * x;
  }
});
/** `eˣ`. */
export const exp = floatUnary('exp', Math.exp, (r, ro, a, ao, n) => { for (let i = 0; i < n; i++) r[ro + i] = Math.exp(a[ao + i]!); });
/** `eˣ − 1`, accurate near 0. */
export const expm1 = floatUnary('expm1', Math.expm1);
/** Natural logarithm (−inf at 0, NaN below). */
export const log = floatUnary('log', Math.log, (r, ro, a, ao, n) => { for (let i = 0; i < n; i++) r[ro + i] = Math.log(a[ao + i]!); });
/** `log(1 + x)`, accurate near 0. */
export const log1p = floatUnary('log1p', Math.log1p);
/** Square root. */
export const sqrt = floatUnary('sqrt', Math.sqrt);
/** `1 / √x`. */
export const rsqrt = floatUnary('rsqrt', (x) => 1 / Math.sqrt(x));
/** `1 / x`. */
export const reciprocal = floatUnary('reciprocal', (x) => 1 / x);
/** Sine. */
export const sin = floatUnary('sin', Math.sin);
/** Cosine. */
export const cos = floatUnary('cos', Math.cos);
/** Hyperbolic tangent. */
export const tanh = floatUnary('tanh', Math.tanh, (r, ro, a, ao, n) => { for (let i = 0; i < n; i++) r[ro + i] = Math.tanh(a[ao + i]!); });
/**
 * Coefficients of W. J. Cody's rational Chebyshev approximations of erf and erfc ("Rational
 * Chebyshev approximations for the error function", Math. Comp. 23(107), 1969; the CALERF routine
 * of SPECFUN, netlib): A/B for |x| ≤ 0.46875, C/D for 0.46875 < |x| ≤ 4, P/Q beyond.
 */
const ERF_A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315] as const;
const ERF_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171] as const;
const ERF_C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
] as const;
const ERF_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
] as const;
const ERF_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
] as const;
const ERF_Q = [2.568520192289822, 1.8729528499234673, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918] as const;
/** 1/√π. */
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** erfc(y) for y > 0.46875 (Cody's second and third ranges); 0 from y ≥ 26.543, where it underflows. */
function erfcPositive(y: number): number {
  let r: number;
  if (y <= 4) {
    let num = ERF_C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERF_C[i]!) * y;
      den = (den + ERF_D[i]!) * y;
    }
    r = (num + ERF_C[7]) / (den + ERF_D[7]);
  } else {
    if (y >= 26.543) return 0;
    const z = 1 / (y * y);
    let num = ERF_P[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + ERF_P[i]!) * z;
      den = (den + ERF_Q[i]!) * z;
    }
    r = (ONE_OVER_SQRT_PI - (z * (num + ERF_P[4])) / (den + ERF_Q[4])) / y;
  }
  // exp(−y²) as exp(−s²)·exp(−(y − s)(y + s)) with s = y rounded down to 1/16: no error from y² rounding
  const s = Math.trunc(y * 16) / 16;
  return Math.exp(-s * s) * Math.exp(-(y - s) * (y + s)) * r;
}

/** The error function of one number, accurate to about 2 ulp in float64 (W. J. Cody's algorithm). */
function erfScalar(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) {
    const z = y > 1.11e-16 ? y * y : 0;
    let num = ERF_A[4] * z;
    let den = z;
    for (let i = 0; i < 3; i++) {
      num = (num + ERF_A[i]!) * z;
      den = (den + ERF_B[i]!) * z;
    }
    return (x * (num + ERF_A[3])) / (den + ERF_B[3]);
  }
  if (x !== x) return x;
  const r = 0.5 - erfcPositive(y) + 0.5;
  return x < 0 ? -r : r;
}

/**
 * The error function `erf(x) = 2/√π ∫₀ˣ e^(−t²) dt`, odd, with values in [−1, 1]. Computed with
 * W. J. Cody's rational Chebyshev approximations (Math. Comp. 23, 1969) to within about 2 ulp in
 * float64 over the whole real line; ±1 beyond |x| ≈ 5.9, NaN stays NaN. Integers give float32.
 * @example
 * ```ts
 * erf(array([0, 0.5, -1], { dtype: 'float64' })).toArray(); // [0, 0.5204998778130465, -0.8427007929497149]
 * ```
 */
export const erf = floatUnary('erf', erfScalar);
/** Round down. */
export const floor = sameUnary('floor', Math.floor);
/** Round up. */
export const ceil = sameUnary('ceil', Math.ceil);
/** Round half to even, as PyTorch and NumPy do. */
export const round = sameUnary('round', (x) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
});
/** The generic path of {@link sigmoid}: integer inputs (float32 results) and `out` arrays. */
const sigmoidGeneric = floatUnary('sigmoid', sigmoidScalar, (r, ro, a, ao, n) => {
  for (let i = 0; i < n; i++) r[ro + i] = sigmoidScalar(a[ao + i]!);
});

/**
 * The logistic function `1 / (1 + e⁻ˣ)`, computed without overflow for large |x|. A float array
 * with no `out` runs the current backend's `sigmoidForward` kernel (the WebAssembly backend's is
 * within 2 ulp of the pure-TypeScript one in float32, see docs/determinism.md); integer inputs
 * give float32.
 * @example
 * ```ts
 * sigmoid(array([0])).item(); // 0.5
 * ```
 */
export function sigmoid(a: NDArray, out?: NDArray): NDArray {
  if (out || (a.dtype !== 'float32' && a.dtype !== 'float64')) return sigmoidGeneric(a, out);
  const result = new NDArray(allocateUninitialized(a.dtype, a.size), a.dtype, a.shape);
  getBackend().sigmoidForward(a.denseData() as FloatArray, result.data, a.size);
  return result;
}

/** `max(x, 0)` (keeps the dtype; NaN stays NaN). */
export const relu = sameUnary('relu', (x) => (x > 0 ? x : x !== x ? x : 0), (r, ro, a, ao, n) => {
  for (let i = 0; i < n; i++) {
    const x = a[ao + i]!;
    r[ro + i] = x > 0 ? x : x !== x ? x : 0;
  }
});

/**
 * Picks `a` where `condition` is true and `b` elsewhere, broadcasting all three.
 * @example
 * ```ts
 * where(array([true, false]), array([1, 2]), 0).toArray(); // [1, 0]
 * ```
 */
export function where(condition: NDArray, a: Operand, b: Operand): NDArray {
  if (condition.dtype !== 'bool') throw new TypeError(`where: condition must be a bool array, got ${condition.dtype}`);
  const dtype = resultType(a, b);
  const A = asArray(a, dtype);
  const B = asArray(b, dtype);
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, A.shape), B.shape);
  const result = new NDArray(allocateUninitialized(dtype, shapeSize(shape)), dtype, shape);
  const c = condition.broadcastTo(shape).denseData();
  const av = A.broadcastTo(shape).denseData();
  const bv = B.broadcastTo(shape).denseData();
  const r = result.data;
  for (let i = 0; i < r.length; i++) r[i] = castScalar(c[i] ? av[i]! : bv[i]!, dtype);
  return result;
}

/**
 * Limits every element to `[min, max]` (either bound may be omitted with `null`/`undefined`,
 * not both). NaN stays NaN.
 */
export function clamp(a: NDArray, min?: number | null, max?: number | null, out?: NDArray): NDArray {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if ((min === null || min === undefined) && (max === null || max === undefined)) {
    throw new TypeError('clamp: at least one of min and max must be given');
  }
  const dtype = [lo, hi].every((v) => !Number.isFinite(v) || Number.isInteger(v)) ? (a.dtype === 'bool' ? 'int32' : a.dtype) : floatResult(a.dtype);
  // min(max(x, lo), hi): with lo > hi every element becomes hi, as in PyTorch
  return mapUnary('clamp', a, (x) => { const y = x < lo ? lo : x; return y > hi ? hi : y; }, dtype, out);
}

/** Writes `value` into every element of `a` in place; returns `a`. */
export function fill_<A extends NDArray>(a: A, value: number): A {
  const v = castScalar(value, a.dtype);
  if (a.isContiguous()) {
    a.data.fill(v, a.offset, a.offset + a.size);
    return a;
  }
  const last = a.strides[a.ndim - 1] ?? 0;
  const d = a.data;
  forEachRow(a.shape, [a.strides], [a.offset], (offs, n) => {
    for (let i = 0, o = offs[0]!; i < n; i++, o += last) d[o] = v;
  });
  return a;
}

/** Copies `src` (broadcast to `dst`'s shape, cast to its dtype) into `dst` in place; returns `dst`. */
export function copy_<A extends NDArray>(dst: A, src: Operand): A {
  const S = asArray(src, dst.dtype);
  const shape = broadcastShapes('copy_', dst.shape, S.shape);
  if (!shapesEqual(shape, dst.shape)) {
    throw new RangeError(`copy_: source of shape ${formatShape(S.shape)} does not broadcast to the destination's ${formatShape(dst.shape)}`);
  }
  mapBinary('copy_', dst, S, (_x, y) => y, dst.dtype, dst);
  return dst;
}
