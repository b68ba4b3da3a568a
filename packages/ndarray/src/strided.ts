/**
 * The strided-iteration primitives every element-wise op and copy stands on. An n-d loop is run
 * as an odometer over all dims but the last, handing each innermost row to a callback, so the
 * callbacks keep a tight loop with a fixed step per operand.
 */

/**
 * Visits the iteration space `shape` in row-major order. For each innermost row, `row(offsets, n)`
 * receives the offset of the row's first element in each operand (operand `k` walks with
 * `strides[k]`, starting at `starts[k]`) and the row length `n`; the step inside the row for
 * operand `k` is `strides[k][shape.length - 1]`. The `offsets` array is reused between calls.
 * A 0-d space is one row of length 1.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  starts: readonly number[],
  row: (offsets: number[], n: number) => void,
): void {
  const nd = shape.length;
  const k = strides.length;
  const offsets = [...starts];
  if (nd === 0) {
    row(offsets, 1);
    return;
  }
  for (const d of shape) if (d === 0) return;
  const n = shape[nd - 1]!;
  if (nd === 1) {
    row(offsets, n);
    return;
  }
  const counter = new Array<number>(nd - 1).fill(0);
  for (;;) {
    row(offsets, n);
    // advance the odometer over dims nd-2 … 0
    let d = nd - 2;
    for (; d >= 0; d--) {
      const size = shape[d]!;
      if (++counter[d]! < size) {
        for (let j = 0; j < k; j++) offsets[j]! += strides[j]![d]!;
        break;
      }
      counter[d] = 0;
      for (let j = 0; j < k; j++) offsets[j]! -= strides[j]![d]! * (size - 1);
    }
    if (d < 0) return;
  }
}

/**
 * Copies the strided view (`shape`, `strides`, `offset`) of `src` into `dst` (dense, row-major,
 * starting at `dstOffset`). `src` and `dst` may be different typed-array kinds: values are
 * converted as typed-array assignment does.
 */
export function copyStrided(
  src: ArrayLike<number>,
  offset: number,
  shape: readonly number[],
  strides: readonly number[],
  dst: { [i: number]: number },
  dstOffset = 0,
): void {
  const last = shape.length ? strides[shape.length - 1]! : 1;
  let o = dstOffset;
  forEachRow(shape, [strides], [offset], (offs, n) => {
    let s = offs[0]!;
    for (let i = 0; i < n; i++, s += last) dst[o++] = src[s]!;
  });
}
