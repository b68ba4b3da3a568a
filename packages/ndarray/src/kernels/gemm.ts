import type { FloatArray } from '../backend.js';

/*
 * A cache-blocked, register-blocked GEMM in plain TypeScript (the GotoBLAS / BLIS loop structure).
 *
 *   for jc in steps of NC over the columns of C          (B block: KC × NC, lives in L2/L3)
 *     for pc in steps of KC over the shared dim k
 *       pack op(B)[pc:pc+KC, jc:jc+NC] into NR-column micro-panels
 *       for ic in steps of MC over the rows of C         (A block: MC × KC, lives in L2)
 *         pack op(A)[ic:ic+MC, pc:pc+KC] into MR-row micro-panels
 *         for each NR-column micro-panel of B            (KC × NR, lives in L1)
 *           for each MR-row micro-panel of A
 *             MR × NR micro-kernel: accumulators in locals, one rank-1 update per p
 *
 * Both operands are packed into module-level Float64Array scratch buffers (grown on demand, reused
 * across calls), whatever the storage kind: the micro-kernel then only ever sees Float64Array, so
 * V8 compiles it once, monomorphically, with no float32 → float64 conversions in the inner loop,
 * and float32 products are accumulated in float64 (rounded once per KC block when stored).
 * Edge panels are zero-padded to full MR / NR, so the micro-kernel always computes a full tile and
 * only the store is masked.
 *
 * The kernel is synchronous and never re-entered, so sharing the scratch buffers is safe.
 */

/** Rows of C per micro-tile. */
const MR = 4;
/** Columns of C per micro-tile. */
const NR = 4;
/** Depth of one packed block (the shared dim). */
const KC = 256;
/** Rows of one packed A block. */
const MC = 96;
/** Columns of one packed B block. */
const NC = 2048;
/** Below this many multiply-adds (m·n·k), a plain loop beats packing. */
const SMALL_WORK = 4096;

let packedA = new Float64Array(MR * KC * 4);
let packedB = new Float64Array(NR * KC * 16);
/** The float64 accumulators of {@link gemv}'s row-by-row form. */
let rowScratch = new Float64Array(256);
/** The accumulators of an edge tile, stored through the mask. */
const edgeTile = new Float64Array(MR * NR);

/**
 * Row-major GEMM `C = alpha · op(A) · op(B) + beta · C` (see `Backend.gemm`): `op(A)` is `m × k`,
 * `op(B)` is `k × n`, `op(X) = Xᵀ` when the matching `trans` flag is set; `lda`, `ldb`, `ldc` are the
 * row strides of the stored matrices and `*Offset` the index of their first element.
 *
 * With `beta = 0`, C is overwritten without being read (NaN in C does not propagate). With `k = 0`
 * or `alpha = 0`, A and B are not read and C becomes `beta · C` (BLAS semantics). Products are
 * accumulated in float64 for both storage kinds.
 *
 * @example
 * ```ts
 * // C (2×2) = A (2×3) · B (3×2)
 * const a = new Float32Array([1, 2, 3, 4, 5, 6]);
 * const b = new Float32Array([7, 8, 9, 10, 11, 12]);
 * const c = new Float32Array(4);
 * gemm(false, false, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 0, 2); // c = [58, 64, 139, 154]
 * ```
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOffset: number,
  lda: number,
  b: FloatArray,
  bOffset: number,
  ldb: number,
  beta: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  checkArgs(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
  if (m === 0 || n === 0) return;
  if (k === 0 || alpha === 0) {
    scaleC(m, n, beta, c, cOffset, ldc);
    return;
  }
  if (m === 1) {
    // one row of C: C[0, j] = alpha · Σ_p op(A)[0, p] · op(B)[p, j] + beta · C[0, j]
    gemv(n, k, alpha, a, aOffset, transA ? lda : 1, b, bOffset, transB ? 1 : ldb, transB ? ldb : 1, beta, c, cOffset, 1);
    return;
  }
  if (n === 1) {
    // one column of C, the same product transposed: C[i, 0] = alpha · Σ_p op(B)[p, 0] · op(A)[i, p] + …
    gemv(m, k, alpha, b, bOffset, transB ? 1 : ldb, a, aOffset, transA ? lda : 1, transA ? 1 : lda, beta, c, cOffset, ldc);
    return;
  }
  if (m * n * k < SMALL_WORK) {
    smallGemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
    return;
  }

  const kcMax = Math.min(k, KC);
  const ncMax = Math.min(n, NC);
  const mcMax = Math.min(m, MC);
  const needB = Math.ceil(ncMax / NR) * NR * kcMax;
  const needA = Math.ceil(mcMax / MR) * MR * kcMax;
  if (packedB.length < needB) packedB = new Float64Array(needB);
  if (packedA.length < needA) packedA = new Float64Array(needA);
  const pa = packedA;
  const pb = packedB;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const blockBeta = pc === 0 ? beta : 1;
      if (transB) packBT(pb, b, bOffset + jc * ldb + pc, ldb, kc, nc);
      else packBN(pb, b, bOffset + pc * ldb + jc, ldb, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        if (transA) packAT(pa, a, aOffset + pc * lda + ic, lda, mc, kc);
        else packAN(pa, a, aOffset + ic * lda + pc, lda, mc, kc);
        const cBlock = cOffset + ic * ldc + jc;
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          const ib = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            microKernel(kc, pa, ir * kc, pb, ib, alpha, blockBeta, c, cBlock + ir * ldc + jr, ldc, mr, nr);
          }
        }
      }
    }
  }
}

/** Throws when a size is not a non-negative integer or an operand's storage is too short. */
function checkArgs(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  aOffset: number,
  lda: number,
  b: FloatArray,
  bOffset: number,
  ldb: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  if (!(isIndex(m) && isIndex(n) && isIndex(k))) {
    throw new RangeError(`gemm: m, n, k must be non-negative integers, got ${m}, ${n}, ${k}`);
  }
  if (!(isIndex(aOffset) && isIndex(bOffset) && isIndex(cOffset) && isIndex(lda) && isIndex(ldb) && isIndex(ldc))) {
    throw new RangeError(`gemm: offsets and leading dimensions must be non-negative integers`);
  }
  if (m === 0 || n === 0) return;
  checkOperand('C', c, cOffset, ldc, m, n);
  if (k === 0) return;
  if (transA) checkOperand('A', a, aOffset, lda, k, m);
  else checkOperand('A', a, aOffset, lda, m, k);
  if (transB) checkOperand('B', b, bOffset, ldb, n, k);
  else checkOperand('B', b, bOffset, ldb, k, n);
}

function isIndex(x: number): boolean {
  return Number.isInteger(x) && x >= 0;
}

/** Checks a stored `rows × cols` matrix with row stride `ld` fits in `x` from `offset`. */
function checkOperand(name: string, x: FloatArray, offset: number, ld: number, rows: number, cols: number): void {
  if (rows > 1 && ld < cols) {
    throw new RangeError(`gemm: the leading dimension of ${name} (${ld}) is smaller than its ${cols} columns`);
  }
  const last = offset + (rows - 1) * ld + cols - 1;
  if (last >= x.length) {
    throw new RangeError(
      `gemm: ${name} (${rows} × ${cols}, offset ${offset}, leading dimension ${ld}) needs ${last + 1} elements, its storage has ${x.length}`,
    );
  }
}

/** `C = beta · C`, or zeros without reading C when `beta = 0`. */
function scaleC(m: number, n: number, beta: number, c: FloatArray, cOffset: number, ldc: number): void {
  for (let i = 0; i < m; i++) {
    const row = cOffset + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else if (beta !== 1) for (let j = row; j < row + n; j++) c[j] = beta * c[j]!;
  }
}

/** Plain loops for tiny problems, where packing would cost more than it saves. */
function smallGemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOffset: number,
  lda: number,
  b: FloatArray,
  bOffset: number,
  ldb: number,
  beta: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  // step between consecutive p along a row of op(A) / a column of op(B), and between rows / columns
  const aStepP = transA ? lda : 1;
  const aStepI = transA ? 1 : lda;
  const bStepP = transB ? 1 : ldb;
  const bStepJ = transB ? ldb : 1;
  for (let i = 0; i < m; i++) {
    const aRow = aOffset + i * aStepI;
    const cRow = cOffset + i * ldc;
    for (let j = 0; j < n; j++) {
      let s = 0;
      let ia = aRow;
      let ib = bOffset + j * bStepJ;
      for (let p = 0; p < k; p++) {
        s += a[ia]! * b[ib]!;
        ia += aStepP;
        ib += bStepP;
      }
      const ci = cRow + j;
      c[ci] = beta === 0 ? alpha * s : alpha * s + beta * c[ci]!;
    }
  }
}

/**
 * A matrix-vector product, the `m = 1` / `n = 1` case of GEMM, which packing would only slow down:
 * `y[j] = alpha · Σ_p x[p] · M[p, j] + beta · y[j]` for `j < len`, `p < k`, where `x[p]` is at
 * `xOff + p·incX`, `M[p, j]` at `mOff + p·strideP + j·strideJ` and `y[j]` at `yOff + j·incY`.
 */
function gemv(
  len: number,
  k: number,
  alpha: number,
  x: FloatArray,
  xOff: number,
  incX: number,
  mat: FloatArray,
  mOff: number,
  strideP: number,
  strideJ: number,
  beta: number,
  y: FloatArray,
  yOff: number,
  incY: number,
): void {
  if (strideJ === 1 && strideP !== 1) {
    // M is read row by row (contiguous), accumulating into float64 scratch, four rows at a time
    if (rowScratch.length < len) rowScratch = new Float64Array(len);
    const acc = rowScratch;
    acc.fill(0, 0, len);
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const x0 = x[xOff + p * incX]!;
      const x1 = x[xOff + (p + 1) * incX]!;
      const x2 = x[xOff + (p + 2) * incX]!;
      const x3 = x[xOff + (p + 3) * incX]!;
      const r0 = mOff + p * strideP;
      const r1 = r0 + strideP;
      const r2 = r1 + strideP;
      const r3 = r2 + strideP;
      for (let j = 0; j < len; j++) acc[j] = acc[j]! + x0 * mat[r0 + j]! + x1 * mat[r1 + j]! + x2 * mat[r2 + j]! + x3 * mat[r3 + j]!;
    }
    for (; p < k; p++) {
      const xp = x[xOff + p * incX]!;
      const r = mOff + p * strideP;
      for (let j = 0; j < len; j++) acc[j] = acc[j]! + xp * mat[r + j]!;
    }
    for (let j = 0; j < len; j++) {
      const yi = yOff + j * incY;
      y[yi] = beta === 0 ? alpha * acc[j]! : alpha * acc[j]! + beta * y[yi]!;
    }
    return;
  }
  // each y[j] is a dot product along a column of M (contiguous when strideP = 1): four partial sums
  for (let j = 0; j < len; j++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let ix = xOff;
    let im = mOff + j * strideJ;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      s0 += x[ix]! * mat[im]!;
      s1 += x[ix + incX]! * mat[im + strideP]!;
      s2 += x[ix + 2 * incX]! * mat[im + 2 * strideP]!;
      s3 += x[ix + 3 * incX]! * mat[im + 3 * strideP]!;
      ix += 4 * incX;
      im += 4 * strideP;
    }
    for (; p < k; p++) {
      s0 += x[ix]! * mat[im]!;
      ix += incX;
      im += strideP;
    }
    const s = s0 + s1 + (s2 + s3);
    const yi = yOff + j * incY;
    y[yi] = beta === 0 ? alpha * s : alpha * s + beta * y[yi]!;
  }
}

/**
 * Packs `op(A)[0:mc, 0:kc]` with `op(A) = A` (rows of A, stride `lda`) into MR-row panels:
 * panel `r` holds, for each p, the MR values `op(A)[r·MR + 0..MR-1, p]`; missing rows are zero.
 */
function packAN(dst: Float64Array, a: FloatArray, offset: number, lda: number, mc: number, kc: number): void {
  let d = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = Math.min(MR, mc - i0);
    const r0 = offset + i0 * lda;
    if (rows === MR) {
      const r1 = r0 + lda;
      const r2 = r1 + lda;
      const r3 = r2 + lda;
      for (let p = 0; p < kc; p++) {
        dst[d] = a[r0 + p]!;
        dst[d + 1] = a[r1 + p]!;
        dst[d + 2] = a[r2 + p]!;
        dst[d + 3] = a[r3 + p]!;
        d += MR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) dst[d + r] = r < rows ? a[r0 + r * lda + p]! : 0;
        d += MR;
      }
    }
  }
}

/**
 * Same as {@link packAN} for `op(A) = Aᵀ`: `op(A)[i, p] = A[p, i]`, so each p reads a row of A.
 * Four panels (16 rows of op(A)) are filled per pass, so that each stretch of a row of A is read
 * once, not once per panel (a panel-by-panel walk down the rows misses the cache on every row).
 */
function packAT(dst: Float64Array, a: FloatArray, offset: number, lda: number, mc: number, kc: number): void {
  const panel = kc * MR;
  let i0 = 0;
  for (; i0 + 4 * MR <= mc; i0 += 4 * MR) {
    let d = i0 * kc;
    let src = offset + i0;
    for (let p = 0; p < kc; p++) {
      dst[d] = a[src]!;
      dst[d + 1] = a[src + 1]!;
      dst[d + 2] = a[src + 2]!;
      dst[d + 3] = a[src + 3]!;
      const d1 = d + panel;
      dst[d1] = a[src + 4]!;
      dst[d1 + 1] = a[src + 5]!;
      dst[d1 + 2] = a[src + 6]!;
      dst[d1 + 3] = a[src + 7]!;
      const d2 = d1 + panel;
      dst[d2] = a[src + 8]!;
      dst[d2 + 1] = a[src + 9]!;
      dst[d2 + 2] = a[src + 10]!;
      dst[d2 + 3] = a[src + 11]!;
      const d3 = d2 + panel;
      dst[d3] = a[src + 12]!;
      dst[d3 + 1] = a[src + 13]!;
      dst[d3 + 2] = a[src + 14]!;
      dst[d3 + 3] = a[src + 15]!;
      d += MR;
      src += lda;
    }
  }
  for (; i0 < mc; i0 += MR) {
    const rows = Math.min(MR, mc - i0);
    let d = i0 * kc;
    let src = offset + i0;
    if (rows === MR) {
      for (let p = 0; p < kc; p++) {
        dst[d] = a[src]!;
        dst[d + 1] = a[src + 1]!;
        dst[d + 2] = a[src + 2]!;
        dst[d + 3] = a[src + 3]!;
        d += MR;
        src += lda;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) dst[d + r] = r < rows ? a[src + r]! : 0;
        d += MR;
        src += lda;
      }
    }
  }
}

/**
 * Packs `op(B)[0:kc, 0:nc]` with `op(B) = B` (rows of B, stride `ldb`) into NR-column panels:
 * panel `q` holds, for each p, the NR values `op(B)[p, q·NR + 0..NR-1]`; missing columns are zero.
 * Like {@link packAT}, four panels are filled per pass down the rows.
 */
function packBN(dst: Float64Array, b: FloatArray, offset: number, ldb: number, kc: number, nc: number): void {
  const panel = kc * NR;
  let j0 = 0;
  for (; j0 + 4 * NR <= nc; j0 += 4 * NR) {
    let d = j0 * kc;
    let src = offset + j0;
    for (let p = 0; p < kc; p++) {
      dst[d] = b[src]!;
      dst[d + 1] = b[src + 1]!;
      dst[d + 2] = b[src + 2]!;
      dst[d + 3] = b[src + 3]!;
      const d1 = d + panel;
      dst[d1] = b[src + 4]!;
      dst[d1 + 1] = b[src + 5]!;
      dst[d1 + 2] = b[src + 6]!;
      dst[d1 + 3] = b[src + 7]!;
      const d2 = d1 + panel;
      dst[d2] = b[src + 8]!;
      dst[d2 + 1] = b[src + 9]!;
      dst[d2 + 2] = b[src + 10]!;
      dst[d2 + 3] = b[src + 11]!;
      const d3 = d2 + panel;
      dst[d3] = b[src + 12]!;
      dst[d3 + 1] = b[src + 13]!;
      dst[d3 + 2] = b[src + 14]!;
      dst[d3 + 3] = b[src + 15]!;
      d += NR;
      src += ldb;
    }
  }
  for (; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    let d = j0 * kc;
    let src = offset + j0;
    if (cols === NR) {
      for (let p = 0; p < kc; p++) {
        dst[d] = b[src]!;
        dst[d + 1] = b[src + 1]!;
        dst[d + 2] = b[src + 2]!;
        dst[d + 3] = b[src + 3]!;
        d += NR;
        src += ldb;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) dst[d + q] = q < cols ? b[src + q]! : 0;
        d += NR;
        src += ldb;
      }
    }
  }
}

/** Same as {@link packBN} for `op(B) = Bᵀ`: `op(B)[p, j] = B[j, p]`, so each column reads a row of B. */
function packBT(dst: Float64Array, b: FloatArray, offset: number, ldb: number, kc: number, nc: number): void {
  let d = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    const r0 = offset + j0 * ldb;
    if (cols === NR) {
      const r1 = r0 + ldb;
      const r2 = r1 + ldb;
      const r3 = r2 + ldb;
      for (let p = 0; p < kc; p++) {
        dst[d] = b[r0 + p]!;
        dst[d + 1] = b[r1 + p]!;
        dst[d + 2] = b[r2 + p]!;
        dst[d + 3] = b[r3 + p]!;
        d += NR;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) dst[d + q] = q < cols ? b[r0 + q * ldb + p]! : 0;
        d += NR;
      }
    }
  }
}

/**
 * One MR × NR tile: `C[0:mr, 0:nr] = alpha · Ã·B̃ + beta · C` over a packed A panel (`pa` from `ia`)
 * and a packed B panel (`pb` from `ib`), both `kc` deep. C is not read when `beta = 0`.
 */
function microKernel(
  kc: number,
  pa: Float64Array,
  ia: number,
  pb: Float64Array,
  ib: number,
  alpha: number,
  beta: number,
  c: FloatArray,
  ci: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const b0 = pb[ib]!;
    const b1 = pb[ib + 1]!;
    const b2 = pb[ib + 2]!;
    const b3 = pb[ib + 3]!;
    const a0 = pa[ia]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    const a1 = pa[ia + 1]!;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    const a2 = pa[ia + 2]!;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    const a3 = pa[ia + 3]!;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ia += MR;
    ib += NR;
  }
  if (mr === MR && nr === NR) {
    const r0 = ci;
    const r1 = ci + ldc;
    const r2 = r1 + ldc;
    const r3 = r2 + ldc;
    if (beta === 0) {
      c[r0] = alpha * c00;
      c[r0 + 1] = alpha * c01;
      c[r0 + 2] = alpha * c02;
      c[r0 + 3] = alpha * c03;
      c[r1] = alpha * c10;
      c[r1 + 1] = alpha * c11;
      c[r1 + 2] = alpha * c12;
      c[r1 + 3] = alpha * c13;
      c[r2] = alpha * c20;
      c[r2 + 1] = alpha * c21;
      c[r2 + 2] = alpha * c22;
      c[r2 + 3] = alpha * c23;
      c[r3] = alpha * c30;
      c[r3 + 1] = alpha * c31;
      c[r3 + 2] = alpha * c32;
      c[r3 + 3] = alpha * c33;
    } else {
      c[r0] = alpha * c00 + beta * c[r0]!;
      c[r0 + 1] = alpha * c01 + beta * c[r0 + 1]!;
      c[r0 + 2] = alpha * c02 + beta * c[r0 + 2]!;
      c[r0 + 3] = alpha * c03 + beta * c[r0 + 3]!;
      c[r1] = alpha * c10 + beta * c[r1]!;
      c[r1 + 1] = alpha * c11 + beta * c[r1 + 1]!;
      c[r1 + 2] = alpha * c12 + beta * c[r1 + 2]!;
      c[r1 + 3] = alpha * c13 + beta * c[r1 + 3]!;
      c[r2] = alpha * c20 + beta * c[r2]!;
      c[r2 + 1] = alpha * c21 + beta * c[r2 + 1]!;
      c[r2 + 2] = alpha * c22 + beta * c[r2 + 2]!;
      c[r2 + 3] = alpha * c23 + beta * c[r2 + 3]!;
      c[r3] = alpha * c30 + beta * c[r3]!;
      c[r3 + 1] = alpha * c31 + beta * c[r3 + 1]!;
      c[r3 + 2] = alpha * c32 + beta * c[r3 + 2]!;
      c[r3 + 3] = alpha * c33 + beta * c[r3 + 3]!;
    }
    return;
  }
  const t = edgeTile;
  t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03;
  t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
  t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23;
  t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
  for (let r = 0; r < mr; r++) {
    const row = ci + r * ldc;
    for (let q = 0; q < nr; q++) {
      const v = alpha * t[r * NR + q]!;
      c[row + q] = beta === 0 ? v : v + beta * c[row + q]!;
    }
  }
}
