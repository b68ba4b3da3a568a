/**
 * `pad` (torch.nn.functional.pad) and its adjoint `padBackward`.
 *
 * Both are driven by one plan: for every padded dim, a map from each output index to the input
 * index it copies (or −1 for a constant cell). The forward gathers through the maps, the backward
 * scatters (adds) through the same maps, so the two are exact adjoints by construction.
 */
import { allocate, castScalar, isFloatDType, type DType, type DTypeArrayMap } from '../dtype.js';
import { NDArray } from '../ndarray.js';
import { checkShape, contiguousStrides, formatShape, shapeSize, shapesEqual } from '../shape.js';

/**
 * How `pad` fills the new cells (PyTorch's names), shown for `[1, 2, 3]` padded by 2 on each side:
 * - `'constant'`: a fixed value — `[0, 0, 1, 2, 3, 0, 0]`
 * - `'reflect'`: mirror, the edge not repeated — `[3, 2, 1, 2, 3, 2, 1]`
 * - `'replicate'`: repeat the edge — `[1, 1, 1, 2, 3, 3, 3]`
 * - `'circular'`: wrap around — `[2, 3, 1, 2, 3, 1, 2]`
 */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/** The resolved padding: the output shape and, per dim, the output-to-input index map (null = untouched dim). */
interface PadPlan {
  outShape: number[];
  maps: (Int32Array | null)[];
}

/** Validates `padding`/`mode` against `shape` and builds the index maps; `op` names the caller in errors. */
function planPad(op: string, shape: readonly number[], padding: readonly number[], mode: PadMode): PadPlan {
  if (!(MODES as readonly unknown[]).includes(mode)) {
    throw new TypeError(`${op}: unknown mode ${JSON.stringify(mode)}; expected 'constant', 'reflect', 'replicate' or 'circular'`);
  }
  // checked through `unknown` so that the type guard does not widen `padding` to any[]
  const list: unknown = padding;
  if (!Array.isArray(list) || !list.every((p) => Number.isInteger(p))) {
    throw new TypeError(`${op}: padding must be a list of integers ([before, after] pairs from the last dim backwards), got ${JSON.stringify(padding)}`);
  }
  if (padding.length % 2 !== 0) {
    throw new RangeError(`${op}: padding must have an even length (a [before, after] pair per dim, last dim first), got ${padding.length} values`);
  }
  const nd = shape.length;
  const pairs = padding.length / 2;
  if (pairs > nd) {
    throw new RangeError(`${op}: padding has ${pairs} pairs but the input has only ${nd} dims (shape ${formatShape(shape)})`);
  }
  if (mode !== 'constant') {
    // PyTorch's reflect/replicate/circular pads treat the input as ([N,] C, spatial...) and pad only spatial dims
    if (pairs < 1 || pairs > 3 || (nd !== pairs + 1 && nd !== pairs + 2)) {
      throw new RangeError(
        pairs >= 1 && pairs <= 3
          ? `${op}: ${mode} padding of the last ${pairs} dim${pairs > 1 ? 's' : ''} needs a ${pairs + 1}-D or ${pairs + 2}-D input, got shape ${formatShape(shape)}`
          : `${op}: ${mode} padding pads the last 1, 2 or 3 dims (2, 4 or 6 values), got ${padding.length} values`,
      );
    }
  }
  const outShape = [...shape];
  const maps: (Int32Array | null)[] = new Array<Int32Array | null>(nd).fill(null);
  for (let p = 0; p < pairs; p++) {
    const d = nd - 1 - p;
    const before = padding[2 * p]!;
    const after = padding[2 * p + 1]!;
    const size = shape[d]!;
    const where = `dim ${d} (size ${size})`;
    if (mode === 'constant') {
      // negative padding crops; cropping more than the dim holds is an error, as in PyTorch
      if (size + Math.min(before, 0) + Math.min(after, 0) < 0) {
        throw new RangeError(`${op}: padding (${before}, ${after}) crops more than ${where} holds`);
      }
    } else {
      if (before < 0 || after < 0) {
        throw new RangeError(`${op}: negative padding (cropping) is only supported in constant mode, got (${before}, ${after}) for ${where} in ${mode} mode`);
      }
      if (size === 0 && before + after > 0) {
        throw new RangeError(`${op}: ${mode} padding needs a non-empty dim to copy from, ${where} is empty`);
      }
      if (mode === 'reflect' && (before >= size || after >= size) && before + after > 0) {
        throw new RangeError(`${op}: reflect padding (${before}, ${after}) must be smaller than ${where}`);
      }
      if (mode === 'circular' && (before > size || after > size)) {
        throw new RangeError(`${op}: circular padding (${before}, ${after}) must be at most ${where} (it wraps around once)`);
      }
    }
    const out = size + before + after;
    outShape[d] = out;
    if (before === 0 && after === 0) continue;
    const map = new Int32Array(out);
    for (let o = 0; o < out; o++) {
      const i = o - before;
      if (i >= 0 && i < size) map[o] = i;
      else if (mode === 'constant') map[o] = -1;
      else if (mode === 'reflect') map[o] = i < 0 ? -i : 2 * (size - 1) - i;
      else if (mode === 'replicate') map[o] = i < 0 ? 0 : size - 1;
      else map[o] = ((i % size) + size) % size;
    }
    maps[d] = map;
  }
  return { outShape, maps };
}

/**
 * Pads (or, with negative amounts in constant mode, crops) the trailing dims of `x`, with
 * `torch.nn.functional.pad` semantics. `padding` lists `[before, after]` pairs starting from the
 * LAST dim: `[left, right]` pads the width, `[left, right, top, bottom]` the height too, and so on.
 * Output size of a padded dim: `size + before + after`.
 *
 * - `'constant'` (default): fills with `value` (default 0, cast to the dtype); any number of dims;
 *   negative padding removes elements from that side.
 * - `'reflect'`, `'replicate'`, `'circular'`: pad the last 1, 2 or 3 dims of a batched or
 *   unbatched input (2-D/3-D input for 1 pair, 3-D/4-D for 2 pairs, 4-D/5-D for 3 pairs, as in
 *   PyTorch); reflect needs each amount < the dim size, circular ≤ the dim size; no negative padding.
 *
 * Always returns a new contiguous array of `x`'s dtype (every dtype is accepted).
 *
 * @param x - the array to pad (any strides)
 * @param padding - `[before, after]` pairs, last dim first (even length, at most 2·ndim values)
 * @param mode - `'constant'`, `'reflect'`, `'replicate'` or `'circular'` (default `'constant'`)
 * @param value - the fill value of constant mode (default 0; ignored by the other modes)
 * @throws TypeError for an unknown mode or non-integer padding
 * @throws RangeError for an odd-length padding, more pairs than dims, an input of the wrong rank
 *   for a non-constant mode, reflect padding ≥ the dim, circular padding > the dim, negative
 *   padding outside constant mode, or cropping more than a dim holds
 * @example
 * ```ts
 * const x = array([[1, 2, 3]]);
 * pad(x, [2, 2]).toArray();            // [[0, 0, 1, 2, 3, 0, 0]]
 * pad(x, [2, 2], 'reflect').toArray();   // [[3, 2, 1, 2, 3, 2, 1]]
 * pad(x, [0, 0, 1, 0], 'constant', 9).toArray();    // [[9, 9, 9], [1, 2, 3]]
 * pad(x, [-1, 0]).toArray();           // [[2, 3]]
 * ```
 */
export function pad<D extends DType>(x: NDArray<D>, padding: readonly number[], mode: PadMode = 'constant', value = 0): NDArray<D> {
  const plan = planPad('pad', x.shape, padding, mode);
  if (typeof value !== 'number') throw new TypeError(`pad: value must be a number, got ${typeof value}`);
  const { outShape, maps } = plan;
  const n = shapeSize(outShape);
  const out = allocate(x.dtype, n);
  if (mode === 'constant' && value !== 0) out.fill(castScalar(value, x.dtype));
  if (n > 0) gather(x.data, x.offset, x.strides, outShape, maps, out);
  return new NDArray(out, x.dtype, outShape);
}

/**
 * The gradient of {@link pad} w.r.t. its input (its adjoint): each input element receives the sum
 * of `gradOut` over every output position that copied it — once for its own position, plus once
 * per reflected/replicated/wrapped copy; constant cells and cropped elements contribute nothing
 * (a cropped input element gets 0).
 *
 * `inputShape`, `padding` and `mode` are the arguments of the forward call; `gradOut` must have the
 * shape `pad` produced. Returns a new array of `inputShape` with `gradOut`'s dtype.
 *
 * @param gradOut - the gradient of the padded output (float32 or float64, any strides)
 * @param inputShape - the shape of the array that was padded
 * @param padding - the forward's padding (`[before, after]` pairs, last dim first)
 * @param mode - the forward's mode (default `'constant'`; the fill value does not matter)
 * @throws TypeError when `gradOut` is not float, plus every error of {@link pad}
 * @throws RangeError when `gradOut`'s shape is not the padded shape
 * @example
 * ```ts
 * // [1, 2, 3] replicate-padded by 2 on the left: element 0 is read 3 times
 * padBackward(ones([1, 1, 5]), [1, 1, 3], [2, 0], 'replicate').toArray(); // [[[3, 1, 1]]]
 * ```
 */
export function padBackward<D extends DType>(
  gradOut: NDArray<D>,
  inputShape: readonly number[],
  padding: readonly number[],
  mode: PadMode = 'constant',
): NDArray<D> {
  const shape = checkShape('padBackward', inputShape);
  const { outShape, maps } = planPad('padBackward', shape, padding, mode);
  if (!isFloatDType(gradOut.dtype)) {
    throw new TypeError(`padBackward: gradOut must be float32 or float64, got ${gradOut.dtype}`);
  }
  if (!shapesEqual(gradOut.shape, outShape)) {
    throw new RangeError(
      `padBackward: gradOut has shape ${formatShape(gradOut.shape)} but padding input shape ${formatShape(shape)} by ${formatShape(padding)} gives ${formatShape(outShape)}`,
    );
  }
  const grad = allocate(gradOut.dtype, shapeSize(shape));
  if (shapeSize(outShape) > 0 && grad.length > 0) {
    scatterAdd(gradOut.data, gradOut.offset, gradOut.strides, outShape, maps, grad, contiguousStrides(shape));
  }
  return new NDArray(grad, gradOut.dtype, shape);
}

/**
 * Writes `out` (dense, of `outShape`) from the strided `src` through `maps`; cells mapped to −1
 * are left as they are (the caller pre-filled the constant).
 */
function gather(
  src: DTypeArrayMap[DType],
  srcOffset: number,
  srcStrides: readonly number[],
  outShape: readonly number[],
  maps: readonly (Int32Array | null)[],
  out: DTypeArrayMap[DType],
): void {
  const nd = outShape.length;
  if (nd === 0) {
    out[0] = src[srcOffset]!;
    return;
  }
  const outStrides = contiguousStrides(outShape);
  const rec = (d: number, inOff: number, outOff: number): void => {
    const m = maps[d];
    const len = outShape[d]!;
    const st = srcStrides[d]!;
    if (d === nd - 1) {
      if (m) {
        for (let o = 0; o < len; o++) {
          const i = m[o]!;
          if (i >= 0) out[outOff + o] = src[inOff + i * st]!;
        }
      } else {
        for (let o = 0; o < len; o++) out[outOff + o] = src[inOff + o * st]!;
      }
      return;
    }
    const os = outStrides[d]!;
    for (let o = 0; o < len; o++) {
      const i = m ? m[o]! : o;
      if (i >= 0) rec(d + 1, inOff + i * st, outOff + o * os);
    }
  };
  rec(0, srcOffset, 0);
}

/** Adds the strided `gradOut` (of `outShape`) into `grad` (strides `gradStrides`) through `maps`. */
function scatterAdd(
  gradOut: DTypeArrayMap[DType],
  outOffset: number,
  outStrides: readonly number[],
  outShape: readonly number[],
  maps: readonly (Int32Array | null)[],
  grad: DTypeArrayMap[DType],
  gradStrides: readonly number[],
): void {
  const nd = outShape.length;
  if (nd === 0) {
    grad[0]! += gradOut[outOffset]!;
    return;
  }
  const rec = (d: number, gOff: number, oOff: number): void => {
    const m = maps[d];
    const len = outShape[d]!;
    const gs = gradStrides[d]!;
    const os = outStrides[d]!;
    if (d === nd - 1) {
      if (m) {
        for (let o = 0; o < len; o++) {
          const i = m[o]!;
          if (i >= 0) grad[gOff + i * gs]! += gradOut[oOff + o * os]!;
        }
      } else {
        for (let o = 0; o < len; o++) grad[gOff + o * gs]! += gradOut[oOff + o * os]!;
      }
      return;
    }
    for (let o = 0; o < len; o++) {
      const i = m ? m[o]! : o;
      if (i >= 0) rec(d + 1, gOff + i * gs, oOff + o * os);
    }
  };
  rec(0, 0, outOffset);
}
