// The WebAssembly kernels of @torchlet/backend-wasm, in AssemblyScript (compiled by scripts/build-wasm.mjs).
//
// One source, two builds: with `--enable relaxed-simd`, ASC_FEATURE_RELAXED_SIMD is true and every
// multiply-add of the GEMM micro-kernel is one `f32x4.relaxed_madd` (a fused multiply-add where the
// hardware has one); without it, a `f32x4.mul` + `f32x4.add` pair. The untaken branch is never
// compiled, so the plain build contains no relaxed instruction.
//
// Memory is imported (the JS side owns and grows it; with `--sharedMemory`, the threaded builds
// share it with worker threads). All pointers are byte offsets into it; the JS side lays its
// buffers out from `heapBase()` up. Every matrix is row-major float32. Nothing here allocates and
// nothing is written outside the buffers passed in: scratch space is passed in as `work`, so that
// threads running kernels side by side on one memory never touch each other's data. The only
// per-instance state is the current geometry (globals are per instance, hence per thread).

// ---------------------------------------------------------------------------------------------
// GEMM: C = alpha · op(A) · op(B) + beta · C (the GotoBLAS / BLIS loop structure)
//
//   for jc in steps of NC over the columns of C          (B block: KC × NC, in L2/L3)
//     for pc in steps of KC over the shared dim k
//       pack op(B)[pc:pc+KC, jc:jc+NC] into NR-column micro-panels
//       for ic in steps of MC over the rows of C         (A block: MC × KC, in L2)
//         pack op(A)[ic:ic+MC, pc:pc+KC] into MR-row micro-panels
//         for each NR-column micro-panel of B            (KC × NR, in L1)
//           for each MR-row micro-panel of A
//             MR × NR micro-kernel: 8 v128 accumulators (4 rows × 2 f32x4), one rank-1 update per p
//
// The micro-kernel keeps 8 accumulators + 2 B vectors + 1 broadcast A value live: 11 of the 16
// xmm registers, so V8 does not spill (a larger tile would).
// ---------------------------------------------------------------------------------------------

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 2048;

/** Where the JS side may start laying out its buffers. */
export function heapBase(): usize {
  return __heap_base;
}

/** 1 when this is the relaxed-SIMD build. */
export function isRelaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

@inline function f32ptr(base: usize, index: i32): usize {
  return base + ((<usize>index) << 2);
}

@inline function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

/** Bytes of scratch `sgemm` needs for an m × n × k product (the two packed blocks and one edge tile). */
export function sgemmWorkBytes(m: i32, n: i32, k: i32): i32 {
  const kc = min(k, KC);
  return (roundUp(min(m, MC), MR) * kc + roundUp(min(n, NC), NR) * kc + MR * NR) * 4;
}

/** `n` floats from `src` to `dst` (non-overlapping). */
@inline function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(f32ptr(dst, i), v128.load(f32ptr(src, i)));
  for (; i < n; i++) store<f32>(f32ptr(dst, i), load<f32>(f32ptr(src, i)));
}

/**
 * `n` floats from `src` to `dst` (non-overlapping) with no scalar tail: from 4 floats on, the
 * last vector is moved back to end at n and rewrites a few floats with the same values.
 */
@inline function copyF32Short(dst: usize, src: usize, n: i32): void {
  if (n < 4) {
    for (let i = 0; i < n; i++) store<f32>(f32ptr(dst, i), load<f32>(f32ptr(src, i)));
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(f32ptr(dst, i), v128.load(f32ptr(src, i)));
  if (i < n) v128.store(f32ptr(dst, n - 4), v128.load(f32ptr(src, n - 4)));
}

/** `n` zeros from `dst`. */
@inline function zeroF32(dst: usize, n: i32): void {
  const z = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(f32ptr(dst, i), z);
  for (; i < n; i++) store<f32>(f32ptr(dst, i), 0);
}

/** `n` copies of `v` from `dst`. */
function fillF32(dst: usize, v: f32, n: i32): void {
  const s = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(f32ptr(dst, i), s);
  for (; i < n; i++) store<f32>(f32ptr(dst, i), v);
}

/** dst[i] += src[i] for `n` floats. */
@inline function addF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const d = f32ptr(dst, i);
    v128.store(d, f32x4.add(v128.load(d), v128.load(f32ptr(src, i))));
  }
  for (; i < n; i++) {
    const d = f32ptr(dst, i);
    store<f32>(d, load<f32>(d) + load<f32>(f32ptr(src, i)));
  }
}

/**
 * Packs `op(A)[0:mc, 0:kc]` with `op(A) = A` (row i at `a + i·lda`, contiguous in p) into MR-row
 * panels: panel r holds, for each p, the MR values `op(A)[r·MR + 0..MR-1, p]`; missing rows are 0.
 * Full panels are transposed 4 × 4 at a time in registers.
 */
function packAN(dst: usize, a: usize, lda: i32, mc: i32, kc: i32): void {
  let d = dst;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = min(MR, mc - i0);
    const r0 = f32ptr(a, i0 * lda);
    if (rows == MR) {
      const r1 = f32ptr(r0, lda);
      const r2 = f32ptr(r1, lda);
      const r3 = f32ptr(r2, lda);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const x0 = v128.load(f32ptr(r0, p));
        const x1 = v128.load(f32ptr(r1, p));
        const x2 = v128.load(f32ptr(r2, p));
        const x3 = v128.load(f32ptr(r3, p));
        const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
        const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
        v128.store(d, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 16);
        v128.store(d, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 32);
        v128.store(d, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 48);
        d += 64;
      }
      for (; p < kc; p++) {
        store<f32>(d, load<f32>(f32ptr(r0, p)));
        store<f32>(d, load<f32>(f32ptr(r1, p)), 4);
        store<f32>(d, load<f32>(f32ptr(r2, p)), 8);
        store<f32>(d, load<f32>(f32ptr(r3, p)), 12);
        d += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(f32ptr(d, r), r < rows ? load<f32>(f32ptr(r0, r * lda + p)) : 0);
        }
        d += 16;
      }
    }
  }
}

/**
 * Same as {@link packAN} for `op(A) = Aᵀ`: `op(A)[i, p] = A[p, i]`, so each p reads a contiguous
 * stretch of a row of A, MR values per panel.
 */
function packAT(dst: usize, a: usize, lda: i32, mc: i32, kc: i32): void {
  const full = mc / MR;
  const rest = mc - full * MR;
  const panelBytes = <usize>(kc * MR) << 2;
  for (let p = 0; p < kc; p++) {
    const src = f32ptr(a, p * lda);
    let d = f32ptr(dst, p * MR);
    for (let r = 0; r < full; r++) {
      v128.store(d, v128.load(f32ptr(src, r * MR)));
      d += panelBytes;
    }
    if (rest > 0) {
      for (let q = 0; q < MR; q++) store<f32>(f32ptr(d, q), q < rest ? load<f32>(f32ptr(src, full * MR + q)) : 0);
    }
  }
}

/**
 * Packs `op(B)[0:kc, 0:nc]` with `op(B) = B` (row p at `b + p·ldb`, contiguous in j) into NR-column
 * panels: panel q holds, for each p, the NR values `op(B)[p, q·NR + 0..NR-1]`; missing columns are 0.
 */
function packBN(dst: usize, b: usize, ldb: i32, kc: i32, nc: i32): void {
  let d = dst;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = min(NR, nc - j0);
    let src = f32ptr(b, j0);
    const step = <usize>ldb << 2;
    if (cols == NR) {
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        d += 32;
        src += step;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) store<f32>(f32ptr(d, q), q < cols ? load<f32>(f32ptr(src, q)) : 0);
        d += 32;
        src += step;
      }
    }
  }
}

/**
 * Same as {@link packBN} for `op(B) = Bᵀ`: `op(B)[p, j] = B[j, p]` (row j of B contiguous in p).
 * Full panels read 8 rows of B four p at a time and transpose them in registers.
 */
function packBT(dst: usize, b: usize, ldb: i32, kc: i32, nc: i32): void {
  let d = dst;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = min(NR, nc - j0);
    const r0 = f32ptr(b, j0 * ldb);
    if (cols == NR) {
      const r1 = f32ptr(r0, ldb);
      const r2 = f32ptr(r1, ldb);
      const r3 = f32ptr(r2, ldb);
      const r4 = f32ptr(r3, ldb);
      const r5 = f32ptr(r4, ldb);
      const r6 = f32ptr(r5, ldb);
      const r7 = f32ptr(r6, ldb);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        let x0 = v128.load(f32ptr(r0, p));
        let x1 = v128.load(f32ptr(r1, p));
        let x2 = v128.load(f32ptr(r2, p));
        let x3 = v128.load(f32ptr(r3, p));
        let t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
        let t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        let t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
        let t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
        v128.store(d, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 32);
        v128.store(d, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 64);
        v128.store(d, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 96);
        x0 = v128.load(f32ptr(r4, p));
        x1 = v128.load(f32ptr(r5, p));
        x2 = v128.load(f32ptr(r6, p));
        x3 = v128.load(f32ptr(r7, p));
        t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
        t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
        t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5), 16);
        v128.store(d, i32x4.shuffle(t0, t2, 2, 3, 6, 7), 48);
        v128.store(d, i32x4.shuffle(t1, t3, 0, 1, 4, 5), 80);
        v128.store(d, i32x4.shuffle(t1, t3, 2, 3, 6, 7), 112);
        d += 128;
      }
      for (; p < kc; p++) {
        for (let q = 0; q < NR; q++) store<f32>(f32ptr(d, q), load<f32>(f32ptr(r0, q * ldb + p)));
        d += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let q = 0; q < NR; q++) store<f32>(f32ptr(d, q), q < cols ? load<f32>(f32ptr(r0, q * ldb + p)) : 0);
        d += 32;
      }
    }
  }
}

/** Stores one accumulator row (2 vectors) of a full tile: C = alpha·acc (+ beta·C). */
@inline function storeRow(c: usize, x0: v128, x1: v128, va: v128, beta: f32, vb: v128): void {
  if (beta == 0) {
    v128.store(c, f32x4.mul(x0, va));
    v128.store(c, f32x4.mul(x1, va), 16);
  } else {
    v128.store(c, f32x4.add(f32x4.mul(x0, va), f32x4.mul(v128.load(c), vb)));
    v128.store(c, f32x4.add(f32x4.mul(x1, va), f32x4.mul(v128.load(c, 16), vb)), 16);
  }
}

/**
 * One MR × NR tile: `C[0:mr, 0:nr] = alpha · Ã·B̃ + beta · C` over a packed A panel and a packed B
 * panel, both `kc` deep. C is not read when `beta = 0`. A right-edge tile (nr < NR) goes
 * through the scratch tile `t` and is stored masked.
 */
function microKernel(kc: i32, pa: usize, pb: usize, alpha: f32, beta: f32, c: usize, ldc: i32, mr: i32, nr: i32, t: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  const va = f32x4.splat(alpha);
  const vb = f32x4.splat(beta);
  if (nr == NR) {
    // full-width rows (all of a full tile; the first mr of a bottom-edge tile): vector stores
    const step = <usize>ldc << 2;
    storeRow(c, c00, c01, va, beta, vb);
    if (mr > 1) storeRow(c + step, c10, c11, va, beta, vb);
    if (mr > 2) storeRow(c + 2 * step, c20, c21, va, beta, vb);
    if (mr > 3) storeRow(c + 3 * step, c30, c31, va, beta, vb);
    return;
  }
  v128.store(t, f32x4.mul(c00, va));
  v128.store(t, f32x4.mul(c01, va), 16);
  v128.store(t, f32x4.mul(c10, va), 32);
  v128.store(t, f32x4.mul(c11, va), 48);
  v128.store(t, f32x4.mul(c20, va), 64);
  v128.store(t, f32x4.mul(c21, va), 80);
  v128.store(t, f32x4.mul(c30, va), 96);
  v128.store(t, f32x4.mul(c31, va), 112);
  for (let r = 0; r < mr; r++) {
    const row = f32ptr(c, r * ldc);
    for (let q = 0; q < nr; q++) {
      const v = load<f32>(f32ptr(t, r * NR + q));
      const at = f32ptr(row, q);
      store<f32>(at, beta == 0 ? v : v + beta * load<f32>(at));
    }
  }
}

/** `C = beta · C` (zeros, C not read, when beta = 0). */
function scaleC(m: i32, n: i32, beta: f32, c: usize, ldc: i32): void {
  for (let i = 0; i < m; i++) {
    const row = f32ptr(c, i * ldc);
    if (beta == 0) zeroF32(row, n);
    else if (beta != 1) for (let j = 0; j < n; j++) store<f32>(f32ptr(row, j), beta * load<f32>(f32ptr(row, j)));
  }
}

/**
 * Row-major SGEMM, `C = alpha · op(A) · op(B) + beta · C`, op(A) `m × k`, op(B) `k × n`; `lda`,
 * `ldb`, `ldc` are row strides in floats; `work` has `sgemmWorkBytes(m, n, k)` bytes. With
 * `beta = 0`, C is not read; with `k = 0` or `alpha = 0`, A and B are not read.
 */
export function sgemm(
  transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f32,
  a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) {
    scaleC(m, n, beta, c, ldc);
    return;
  }
  const kcMax = min(k, KC);
  const pa = work;
  const pb = f32ptr(work, roundUp(min(m, MC), MR) * kcMax);
  const tile = f32ptr(pb, roundUp(min(n, NC), NR) * kcMax);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const blockBeta: f32 = pc == 0 ? beta : 1;
      if (transB) packBT(pb, f32ptr(b, jc * ldb + pc), ldb, kc, nc);
      else packBN(pb, f32ptr(b, pc * ldb + jc), ldb, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        if (transA) packAT(pa, f32ptr(a, pc * lda + ic), lda, mc, kc);
        else packAN(pa, f32ptr(a, ic * lda + pc), lda, mc, kc);
        const cBlock = f32ptr(c, ic * ldc + jc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pbPanel = f32ptr(pb, jr * kc);
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(kc, f32ptr(pa, ir * kc), pbPanel, alpha, blockBeta, f32ptr(cBlock, ir * ldc + jr), ldc, min(MR, mc - ir), nr, tile);
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Convolution (NCHW, im2col + GEMM, per batch item and group; see Backend's Conv2dGeometry)
// ---------------------------------------------------------------------------------------------

let gN: i32 = 0;
let gC: i32 = 0;
let gH: i32 = 0;
let gW: i32 = 0;
let gO: i32 = 0;
let gOH: i32 = 0;
let gOW: i32 = 0;
let gKH: i32 = 0;
let gKW: i32 = 0;
let gSH: i32 = 1;
let gSW: i32 = 1;
let gPT: i32 = 0;
let gPL: i32 = 0;
let gDH: i32 = 1;
let gDW: i32 = 1;
let gG: i32 = 1;

/** Sets the geometry the conv kernels below use (the fields of Conv2dGeometry, in order). */
export function setConvGeometry(
  batch: i32, inChannels: i32, inHeight: i32, inWidth: i32, outChannels: i32, outHeight: i32, outWidth: i32,
  kernelHeight: i32, kernelWidth: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
  dilationH: i32, dilationW: i32, groups: i32,
): void {
  gN = batch;
  gC = inChannels;
  gH = inHeight;
  gW = inWidth;
  gO = outChannels;
  gOH = outHeight;
  gOW = outWidth;
  gKH = kernelHeight;
  gKW = kernelWidth;
  gSH = strideH;
  gSW = strideW;
  gPT = padTop;
  gPL = padLeft;
  gDH = dilationH;
  gDW = dilationW;
  gG = groups;
}

/** 1×1, stride 1, no padding, output the size of the input: the input already is the im2col matrix. */
function isPointwise(): bool {
  return gKH == 1 && gKW == 1 && gSH == 1 && gSW == 1 && gPT == 0 && gPL == 0 && gOH == gH && gOW == gW;
}

/** First output position `o` whose input position `o·stride + base` is ≥ 0. */
@inline function validLo(base: i32, stride: i32, outSize: i32): i32 {
  return base >= 0 ? 0 : min(outSize, (-base + stride - 1) / stride);
}

/** One past the last output position `o` whose input position `o·stride + base` is < size (≥ lo). */
@inline function validHi(base: i32, stride: i32, size: i32, outSize: i32, lo: i32): i32 {
  const last = size - 1 - base;
  const hi = last < 0 ? 0 : min(outSize, last / stride + 1);
  return max(lo, hi);
}

/** Floats of the im2col matrix of one batch item and group. */
function colFloats(): i32 {
  return (gC / gG) * gKH * gKW * gOH * gOW;
}

/**
 * Scratch bytes the conv kernel `which` needs with the current geometry (0: forward, 1: backward
 * input, 2: backward weight for `cols` columns of the weight blocks) and algorithm `algo` (0:
 * im2col + GEMM, the im2col matrix plus the GEMM's blocks; 1: direct, see directWorkBytes).
 */
export function convWorkBytes(which: i32, cols: i32, algo: i32): i32 {
  // the input gradient falls back to im2col when a weight is not finite (see conv2dBackwardInput)
  if (algo == 1) return which == 1 ? max(directWorkBytes(1), convWorkBytes(1, cols, 0)) : directWorkBytes(which);
  if (algo == 2) return max(scatterWorkBytes(), convWorkBytes(which, cols, 0));
  if (algo == 3 && which == 2) return max(winogradWeightBytes(), directWorkBytes(2));
  if (algo == 3) {
    // Winograd, or direct for the items (forward) or calls (input gradient) it does not serve
    const cg = gC / gG;
    const og = gO / gG;
    if (which == 0) winogradLayout(cg, og, gOH, gOW);
    else winogradLayout(og, cg, gH, gW);
    const wino = which == 0 ? winogradLayoutBytes(cg, og) : winogradLayoutBytes(og, cg);
    return max(wino, convWorkBytes(which, cols, 1));
  }
  const og = gO / gG;
  const K = (gC / gG) * gKH * gKW;
  const P = gOH * gOW;
  const col = isPointwise() ? 0 : roundUp(colFloats(), 16) * 4;
  if (which == 0) return col + sgemmWorkBytes(og, P, K);
  if (which == 1) return col + sgemmWorkBytes(K, P, og);
  return col + sgemmWorkBytes(og, cols, P);
}

/**
 * Rows `[r0, r1)` of the im2col matrix of the input channels from `inp` (one batch item and group):
 * row `r = (c·kh + i)·kw + j` holds, for every output position, the input value tap `(i, j)` of
 * channel `c` reads (0 in the padding). Written consecutively from `col` (`[r1 − r0, outH·outW]`).
 */
function im2col(inp: usize, r0: i32, r1: i32, col: usize): void {
  const H = gH, W = gW, OH = gOH, OW = gOW, KH = gKH, KW = gKW;
  const SH = gSH, SW = gSW, DH = gDH, DW = gDW;
  const plane = H * W;
  let dst = col;
  for (let r = r0; r < r1; r++) {
    const cBase = f32ptr(inp, (r / (KH * KW)) * plane);
    const yBase = ((r / KW) % KH) * DH - gPT;
    const xBase = (r % KW) * DW - gPL;
    const oy0 = validLo(yBase, SH, OH);
    const oy1 = validHi(yBase, SH, H, OH, oy0);
    const ox0 = validLo(xBase, SW, OW);
    const ox1 = validHi(xBase, SW, W, OW, ox0);
    // rows of the output that read the top/bottom padding are all zero
    if (oy0 > 0) zeroF32(dst, oy0 * OW);
    dst = f32ptr(dst, oy0 * OW);
    for (let oy = oy0; oy < oy1; oy++) {
      const srcRow = (oy * SH + yBase) * W + xBase; // + ox·SW, ≥ 0 for ox ≥ ox0
      if (ox0 > 0) zeroF32(dst, ox0);
      if (SW == 1) {
        copyF32Short(f32ptr(dst, ox0), f32ptr(cBase, srcRow + ox0), ox1 - ox0);
      } else {
        for (let ox = ox0; ox < ox1; ox++) store<f32>(f32ptr(dst, ox), load<f32>(f32ptr(cBase, srcRow + ox * SW)));
      }
      if (ox1 < OW) zeroF32(f32ptr(dst, ox1), OW - ox1);
      dst = f32ptr(dst, OW);
    }
    if (oy1 < OH) {
      zeroF32(dst, (OH - oy1) * OW);
      dst = f32ptr(dst, (OH - oy1) * OW);
    }
  }
}

/**
 * The adjoint of {@link im2col}: adds every entry of `col` onto the input position it was read from
 * (entries from the padding are dropped). Accumulates: the caller zeroes `grad` first.
 */
function col2im(col: usize, channels: i32, grad: usize): void {
  const H = gH, W = gW, OH = gOH, OW = gOW, KH = gKH, KW = gKW;
  const SH = gSH, SW = gSW, DH = gDH, DW = gDW;
  const plane = H * W;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const cBase = f32ptr(grad, c * plane);
    for (let i = 0; i < KH; i++) {
      const yBase = i * DH - gPT;
      const oy0 = validLo(yBase, SH, OH);
      const oy1 = validHi(yBase, SH, H, OH, oy0);
      for (let j = 0; j < KW; j++, row++) {
        const xBase = j * DW - gPL;
        const ox0 = validLo(xBase, SW, OW);
        const ox1 = validHi(xBase, SW, W, OW, ox0);
        const rowBase = row * OH * OW;
        for (let oy = oy0; oy < oy1; oy++) {
          const dstRow = (oy * SH + yBase) * W + xBase;
          const src = f32ptr(col, rowBase + oy * OW);
          if (SW == 1) {
            addF32(f32ptr(cBase, dstRow + ox0), f32ptr(src, ox0), ox1 - ox0);
          } else {
            for (let ox = ox0; ox < ox1; ox++) {
              const d = f32ptr(cBase, dstRow + ox * SW);
              store<f32>(d, load<f32>(d) + load<f32>(f32ptr(src, ox)));
            }
          }
        }
      }
    }
  }
}

/**
 * Convolution forward (`Backend.conv2dForward`) for the work items `[item0, item1)`, item
 * `n·groups + g` being batch item n, group g (all of them: `0, batch·groups`); `bias` is 0 for
 * none; `work` has convWorkBytes(0) bytes. Items write disjoint parts of `out`.
 */
export function conv2dForward(inp: usize, weight: usize, bias: usize, out: usize, work: usize, item0: i32, item1: i32, algo: i32): void {
  if (algo == 3 && winogradApplies()) {
    winogradForward(inp, weight, bias, out, work, item0, item1);
    return;
  }
  if (algo == 1 && directApplies(0)) {
    directForward(inp, weight, bias, out, work, item0, item1);
    return;
  }
  const cg = gC / gG;
  const og = gO / gG;
  const K = cg * gKH * gKW;
  const P = gOH * gOW;
  const inPlane = gH * gW;
  if (P == 0 || og == 0) return;
  // the bias is written first and the GEMM adds onto it (beta = 1)
  const beta: f32 = bias != 0 ? 1 : 0;
  const pointwise = isPointwise();
  const col = work;
  const gemmWork = pointwise ? work : f32ptr(work, roundUp(colFloats(), 16));
  for (let item = item0; item < item1; item++) {
    const n = item / gG;
    const grp = item % gG;
    const dst = f32ptr(out, (n * gO + grp * og) * P);
    if (bias != 0) {
      for (let o = 0; o < og; o++) fillF32(f32ptr(dst, o * P), load<f32>(f32ptr(bias, grp * og + o)), P);
    } else if (K == 0) {
      zeroF32(dst, og * P);
    }
    if (K == 0) continue;
    const src = f32ptr(inp, (n * gC + grp * cg) * inPlane);
    const w = f32ptr(weight, grp * og * K);
    if (pointwise) {
      sgemm(0, 0, og, P, K, 1, w, K, src, P, beta, dst, P, gemmWork);
    } else {
      im2col(src, 0, K, col);
      sgemm(0, 0, og, P, K, 1, w, K, col, P, beta, dst, P, gemmWork);
    }
  }
}

/**
 * Convolution backward w.r.t. the input (`Backend.conv2dBackwardInput`) for the work items
 * `[item0, item1)` (as in {@link conv2dForward}); `work` has convWorkBytes(1) bytes. Items write
 * disjoint parts of `gradInput`.
 */
export function conv2dBackwardInput(gradOut: usize, weight: usize, gradInput: usize, work: usize, item0: i32, item1: i32, algo: i32): void {
  // both multiply the weights by zeros the output gradient does not have (padding, zero lanes):
  // with a non-finite weight, 0·∞ would invent NaNs that im2col + col2im (as PyTorch) does not
  const finite = algo != 0 && allFinite(weight, gO * (gC / gG) * gKH * gKW);
  if (algo == 1 && directApplies(1) && finite) {
    directBackwardInput(gradOut, weight, gradInput, work, item0, item1);
    return;
  }
  if (algo == 3 && winogradApplies() && finite) {
    winogradBackwardInput(gradOut, weight, gradInput, work, item0, item1);
    return;
  }
  if (algo == 2 && scatterApplies() && finite) {
    scatterBackwardInput(gradOut, weight, gradInput, work, item0, item1);
    return;
  }
  const cg = gC / gG;
  const og = gO / gG;
  const K = cg * gKH * gKW;
  const P = gOH * gOW;
  const inPlane = gH * gW;
  const pointwise = isPointwise() && og > 0 && P > 0;
  const col = work;
  const gemmWork = pointwise ? work : f32ptr(work, roundUp(colFloats(), 16));
  for (let item = item0; item < item1; item++) {
    const n = item / gG;
    const grp = item % gG;
    const dst = f32ptr(gradInput, (n * gC + grp * cg) * inPlane);
    const src = f32ptr(gradOut, (n * gO + grp * og) * P);
    const w = f32ptr(weight, grp * og * K);
    if (pointwise) {
      // the column matrix is the input gradient itself: the GEMM overwrites it (beta = 0)
      sgemm(1, 0, K, P, og, 1, w, K, src, P, 0, dst, P, gemmWork);
      continue;
    }
    zeroF32(dst, cg * inPlane);
    if (og == 0 || P == 0 || K == 0) continue;
    sgemm(1, 0, K, P, og, 1, w, K, src, P, 0, col, P, gemmWork);
    col2im(col, cg, dst);
  }
}

/**
 * Convolution backward w.r.t. the weight (`Backend.conv2dBackwardWeight`) by im2col + GEMM, for
 * the columns `[r0, r1)` of every group's `[outChannels/groups, K]` weight block (all of them:
 * `0, K`), summed over the whole batch; `work` has convWorkBytes(2, r1 − r0, 0) bytes. Column
 * ranges write disjoint parts of `gradWeight`, and each element is summed in the same order
 * whatever the ranges. (The direct weight gradient is conv2dBackwardWeightChunks.)
 */
export function conv2dBackwardWeight(inp: usize, gradOut: usize, gradWeight: usize, work: usize, r0: i32, r1: i32): void {
  const cg = gC / gG;
  const og = gO / gG;
  const K = cg * gKH * gKW;
  const P = gOH * gOW;
  const inPlane = gH * gW;
  const cols = r1 - r0;
  if (cols <= 0 || og == 0) return;
  if (gN == 0 || P == 0) {
    // an empty sum
    for (let grp = 0; grp < gG; grp++) {
      for (let o = 0; o < og; o++) zeroF32(f32ptr(gradWeight, (grp * og + o) * K + r0), cols);
    }
    return;
  }
  const pointwise = isPointwise();
  const col = work;
  const gemmWork = pointwise ? work : f32ptr(work, roundUp(colFloats(), 16));
  for (let n = 0; n < gN; n++) {
    // the first batch item overwrites the gradient, the others add onto it
    const beta: f32 = n == 0 ? 0 : 1;
    for (let grp = 0; grp < gG; grp++) {
      const src = f32ptr(inp, (n * gC + grp * cg) * inPlane);
      const dy = f32ptr(gradOut, (n * gO + grp * og) * P);
      const dw = f32ptr(gradWeight, grp * og * K + r0);
      if (pointwise) {
        // K = channels: the rows of the im2col matrix are the input planes
        sgemm(0, 1, og, cols, P, 1, dy, P, f32ptr(src, r0 * inPlane), P, beta, dw, K, gemmWork);
      } else {
        im2col(src, r0, r1, col);
        sgemm(0, 1, og, cols, P, 1, dy, P, col, P, beta, dw, K, gemmWork);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Input gradient of an unpadded stride-1 convolution as a GEMM whose store adds into the input
// gradient (no column matrix, no col2im).
//
// The im2col input gradient computes cols = Wᵀ·gradOut ([K = cg·kh·kw] × [P positions]) and then
// col2im adds each row (c, i, j) of cols, shifted by (i·dh, j·dw), onto input plane c: for LeNet's
// second layer the GEMM takes ~2.4 ms of a batch of 256 and col2im ~1.7. Here the output
// positions are laid out at a row pitch pp = ⌈ow/4⌉·4 (zeros after ow), so that every vector of 4
// positions lies in one output row: then row r of a micro-tile, vector v of positions, adds onto
// the 4 consecutive input floats at rowOff[r] + posOff[v], straight from the accumulators. The
// zero lanes add +0 (the weights are checked finite first, or 0·∞ would invent a NaN) onto floats
// past the row or the plane, inside a private per-thread copy of the item's input gradient that
// has 4 floats of slack, copied out at the end.
// ---------------------------------------------------------------------------------------------

/** Unpadded, stride 1: the input is exactly what the output and the kernel's extent cover. */
function scatterApplies(): bool {
  const og = gO / gG;
  return gSH == 1 && gSW == 1 && gPT == 0 && gPL == 0 && og > 0 && og <= KC && gOH > 0 && gOW > 0 &&
    gH == gOH + (gKH - 1) * gDH && gW == gOW + (gKW - 1) * gDW;
}

/** Scratch of scatterBackwardInput: packed Wᵀ, packed output gradient, the two offset tables and the private input gradient. */
function scatterWorkBytes(): i32 {
  const cg = gC / gG;
  const og = gO / gG;
  const K = cg * gKH * gKW;
  const vectors = gOH * ((gOW + 3) >> 2);
  const n = roundUp(vectors * 4, NR);
  return (roundUp(K, MR) * og + n * og + K + vectors + 1 + cg * gH * gW + 4 + 16) * 4;
}

function scatterBackwardInput(gradOut: usize, weight: usize, gradInput: usize, work: usize, item0: i32, item1: i32): void {
  const cg = gC / gG;
  const og = gO / gG;
  const K = cg * gKH * gKW;
  const P = gOH * gOW;
  const plane = gH * gW;
  const perRow = (gOW + 3) >> 2;
  const vectors = gOH * perRow;
  const panels = (vectors + 1) >> 1;
  const pa = work;
  const pb = f32ptr(pa, roundUp(K, MR) * og);
  const rowOff = f32ptr(pb, panels * NR * og);
  const posOff = f32ptr(rowOff, K);
  const acc = roundUp16(f32ptr(posOff, vectors + 1));
  // rows of Wᵀ in the order (j, c, i): the 4 rows of a micro-tile then add onto vectors a whole
  // input row or plane apart, never onto vectors shifted by one float from the one just stored
  // (a load that partly overlaps a pending store waits for it); where their sums land:
  const ci = cg * gKH;
  for (let r = 0; r < K; r++) {
    const j = r / ci;
    const c = (r % ci) / gKH;
    const i = r % gKH;
    store<i32>(rowOff + ((<usize>r) << 2), c * plane + i * gDH * gW + j * gDW);
  }
  for (let v = 0; v < vectors; v++) {
    const oy = v / perRow;
    store<i32>(posOff + ((<usize>v) << 2), oy * gW + (v - oy * perRow) * 4);
  }
  const panelBytes = <usize>(og * NR) << 2;
  let packedGroup = -1;
  for (let item = item0; item < item1; item++) {
    const n = item / gG;
    const grp = item % gG;
    if (grp != packedGroup) {
      // Wᵀ's rows in the (j, c, i) order, in MR-row panels: pa[panel][o][m] = w[o][row ir + m]
      const w = f32ptr(weight, grp * og * K);
      for (let r = 0; r < roundUp(K, MR); r++) {
        const at = f32ptr(pa, (r / MR) * og * MR + (r % MR));
        if (r >= K) {
          for (let o = 0; o < og; o++) store<f32>(f32ptr(at, o * MR), 0);
          continue;
        }
        const j = r / ci;
        const orig = (((r % ci) / gKH) * gKH + (r % gKH)) * gKW + j; // (c·kh + i)·kw + j
        for (let o = 0; o < og; o++) store<f32>(f32ptr(at, o * MR), load<f32>(f32ptr(w, o * K + orig)));
      }
      packedGroup = grp;
    }
    // the output gradient in NR-column panels of the pitch layout (zeros after ow)
    const src = f32ptr(gradOut, (n * gO + grp * og) * P);
    for (let v = 0; v < panels * 2; v++) {
      const d = pb + (<usize>(v >> 1)) * panelBytes + (<usize>(v & 1) << 4);
      if (v >= vectors) {
        for (let k = 0; k < og; k++) v128.store(d + ((<usize>k) << 5), f32x4.splat(0));
        continue;
      }
      const oy = v / perRow;
      const ox = (v - oy * perRow) * 4;
      const from = f32ptr(src, oy * gOW + ox);
      const lanes = min(4, gOW - ox);
      for (let k = 0; k < og; k++) {
        const at = f32ptr(from, k * P);
        if (lanes == 4) {
          v128.store(d + ((<usize>k) << 5), v128.load(at));
        } else {
          for (let l = 0; l < 4; l++) store<f32>(d + ((<usize>k) << 5) + ((<usize>l) << 2), l < lanes ? load<f32>(f32ptr(at, l)) : 0);
        }
      }
    }
    zeroF32(acc, cg * plane + 4);
    for (let q = 0; q < panels; q++) {
      const pbq = pb + (<usize>q) * panelBytes;
      const o0 = load<i32>(posOff + ((<usize>(2 * q)) << 2));
      const second = 2 * q + 1 < vectors;
      const o1 = second ? load<i32>(posOff + ((<usize>(2 * q + 1)) << 2)) : 0;
      for (let ir = 0; ir < K; ir += MR) {
        // microKernel's loop, inline: calling it into a 4 × 8 tile and adding from the tile measured
        // 0.79–0.82× of this on LeNet's second layer and S2
        let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
        let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
        let a = f32ptr(pa, ir * og);
        let b = pbq;
        for (let k = 0; k < og; k++) {
          const b0 = v128.load(b);
          const b1 = v128.load(b, 16);
          let w = v128.load32_splat(a);
          c00 = madd(w, b0, c00);
          c01 = madd(w, b1, c01);
          w = v128.load32_splat(a, 4);
          c10 = madd(w, b0, c10);
          c11 = madd(w, b1, c11);
          w = v128.load32_splat(a, 8);
          c20 = madd(w, b0, c20);
          c21 = madd(w, b1, c21);
          w = v128.load32_splat(a, 12);
          c30 = madd(w, b0, c30);
          c31 = madd(w, b1, c31);
          a += 16;
          b += 32;
        }
        const rows = min(MR, K - ir);
        const rb = rowOff + ((<usize>ir) << 2);
        scatterRow(acc, load<i32>(rb), o0, o1, second, c00, c01);
        if (rows > 1) scatterRow(acc, load<i32>(rb, 4), o0, o1, second, c10, c11);
        if (rows > 2) scatterRow(acc, load<i32>(rb, 8), o0, o1, second, c20, c21);
        if (rows > 3) scatterRow(acc, load<i32>(rb, 12), o0, o1, second, c30, c31);
      }
    }
    copyF32(f32ptr(gradInput, (n * gC + grp * cg) * plane), acc, cg * plane);
  }
}

/** Adds one micro-tile row (two vectors of positions) onto the input gradient at `acc`. */
@inline function scatterRow(acc: usize, row: i32, o0: i32, o1: i32, second: bool, x0: v128, x1: v128): void {
  const d0 = f32ptr(acc, row + o0);
  v128.store(d0, f32x4.add(v128.load(d0), x0));
  if (second) {
    const d1 = f32ptr(acc, row + o1);
    v128.store(d1, f32x4.add(v128.load(d1), x1));
  }
}

@inline function roundUp16(p: usize): usize {
  return (p + 15) & ~(<usize>15);
}

// ---------------------------------------------------------------------------------------------
// Direct convolution for stride 1 (any padding, dilation, groups), vectorised along the output.
//
// im2col + GEMM pays for the column matrix (written, then packed again) and, with few output
// channels (LeNet's 6 and 16), for micro-tiles that are half empty. For stride 1 there is no need
// for either: pad each input plane once into scratch with row pitch `wp = outW + (kw − 1)·dw`;
// then output position q = oy·wp + ox reads, for tap (i, j), the padded plane at q + i·dh·wp + j·dw.
// Every tap is one unaligned vector load at a fixed offset from q, so a block of 16 consecutive q
// (4 vectors) times 2 output channels is 8 accumulators, and each tap costs 4 input loads and 2
// weight broadcasts for 8 multiply-adds, as the GEMM micro-kernel's 6 loads for 8. The columns
// ox ≥ outW of each row (the "flattened" trick) are computed and dropped: outW/wp of the work is
// useful (28/32 for LeNet's first layer, 10/14 for its second, 56/58 for a 56×56 3×3 layer).
//
// The input gradient of a stride-1 convolution is itself a stride-1 convolution (of the output
// gradient, padded by the kernel extent minus the padding, with the kernel flipped and its two
// channel dims swapped), so it runs on the same core; the weight gradient runs over the same
// padded layout with an accumulator per (output channel, tap) pair.
// ---------------------------------------------------------------------------------------------

/** Output positions per block of the direct core (4 vectors). */
const QB: i32 = 16;

/**
 * The padded plane layout of the direct kernels: row pitch, plane stride, rounded output span and
 * the stride the planes were split by. With stride s, each channel is split into s_h·s_w phase
 * planes (phase (py, px) holds the padded rows py, py + s_h, … and columns px, px + s_w, …), so
 * that output position (oy, ox) reads, for tap (i, j), phase ((i·dh) mod s_h, (j·dw) mod s_w) at
 * (oy + ⌊i·dh/s_h⌋, ox + ⌊j·dw/s_w⌋): consecutive outputs read consecutive floats again, and a
 * strided convolution runs on the stride-1 core with no wasted tap.
 */
let dWp: i32 = 0;
let dPs: i32 = 0;
let dQp: i32 = 0;
let dSH: i32 = 1;
let dSW: i32 = 1;

/**
 * Sets the layout for output planes of `oh × ow` read through a `kh × kw` kernel dilated by
 * `dh, dw` with stride `sh, sw`: the phase planes hold every row and column a block of QB
 * positions can read.
 */
function directLayout(oh: i32, ow: i32, kh: i32, kw: i32, dh: i32, dw: i32, sh: i32, sw: i32): void {
  dSH = sh;
  dSW = sw;
  dWp = ow + ((kw - 1) * dw) / sw;
  dQp = roundUp(oh * dWp, QB);
  dPs = roundUp(dQp + (((kh - 1) * dh) / sh) * dWp + ((kw - 1) * dw) / sw, 4);
}

/**
 * Whether the direct kernel `which` serves the current geometry: the forward and the weight
 * gradient at any stride (through the phase planes), the input gradient at stride 1.
 */
function directApplies(which: i32): bool {
  if (which == 1 && (gSH != 1 || gSW != 1)) return false;
  return gOH > 0 && gOW > 0 && gC > 0 && gO > 0 && gKH > 0 && gKW > 0;
}

/** Byte offset, in the phase-plane layout, from a position to what tap (c, i, j) reads. */
@inline function tapOffset(c: i32, i: i32, j: i32, dh: i32, dw: i32): i32 {
  const ih = i * dh;
  const jw = j * dw;
  const plane = (c * dSH + ih % dSH) * dSW + jw % dSW;
  return (plane * dPs + (ih / dSH) * dWp + jw / dSW) << 2;
}

/**
 * The byte offsets of the `kh·cin·kw` taps at `offs`, kernel rows outermost (order (i, c, j)),
 * so that the taps of a range of kernel rows are one contiguous run (see directCore).
 */
function rowTapOffsets(offs: usize, cin: i32, kh: i32, kw: i32, dh: i32, dw: i32): void {
  let at = offs;
  for (let i = 0; i < kh; i++) {
    for (let c = 0; c < cin; c++) {
      for (let j = 0; j < kw; j++) {
        store<i32>(at, tapOffset(c, i, j, dh, dw));
        at += 4;
      }
    }
  }
}

/**
 * The algorithm the conv kernel `which` (0 forward, 1 backward input, 2 backward weight) uses for
 * the current geometry: 1 (direct), 0 (im2col + GEMM) or 3 (Winograd, for 3×3 stride-1 layers
 * with many channels: see winogradPays; the weight gradient then runs in batch chunks as
 * direct); `prefer` 0, 1 or 3 forces one where it applies (the direct input gradient needs
 * stride 1), −1 lets this choose. From measurements on an AMD EPYC (Zen 4),
 * relaxed-SIMD build, both algorithms forced: direct is faster for LeNet's 1→6 and 6→16 layers
 * (1.5–2×), 3×3 layers of 32–64 channels (1.3–1.5×) and 1×1 layers, and slower where the GEMM's
 * packed tiles are full and long: 128 or more channels on both sides (about 10%); the weight
 * gradient of a 1×1 convolution, whose input already is the GEMM's operand; and the input
 * gradient with 3, 5 or 7 channels per group, which the direct core's channel pairs fill badly.
 * Unforced, the input gradient of an unpadded stride-1 convolution with several input channels
 * per group takes 2, the GEMM that adds into the input gradient (scatterBackwardInput): 1.50–1.57×
 * the direct kernel on LeNet's second layer and S2 (old and new builds interleaved).
 */
export function convAlgorithm(which: i32, prefer: i32): i32 {
  if (prefer == 3) return winogradApplies() ? 3 : convAlgorithm(which, -1);
  if (!directApplies(which)) return 0;
  if (prefer == 0 || prefer == 1) return prefer;
  if (prefer == -1 && winogradApplies() && winogradPays(which)) return 3;
  const cg = gC / gG;
  const og = gO / gG;
  if (min(cg, og) >= 128) return 0;
  if (which == 2 && isPointwise()) return 0;
  if (which == 1 && prefer == -1 && cg > 1 && !isPointwise() && scatterApplies()) return 2;
  if (which == 1 && cg < 8 && cg > 1 && (cg & 1) == 1) return 0;
  return 1;
}

/**
 * Copies `channels` planes of `h × w` from `src` into the phase-plane layout at `dst` (see
 * dWp): padded row yy, column xx (of phase (yy mod s_h, xx mod s_w)) holds src row yy − top,
 * column xx − left, or 0 outside the source (either offset may be negative: the source is then
 * cropped).
 */
function padPlanes(src: usize, channels: i32, h: i32, w: i32, top: i32, left: i32, dst: usize): void {
  const wp = dWp, sh = dSH, sw = dSW;
  const rows = dPs / wp; // whole rows of a phase plane; the tail past them is zeroed
  if (sh == 1 && sw == 1 && padPlanesUnstrided(src, channels, h, w, top, left, dst)) return;
  for (let c = 0; c < channels; c++) {
    const from = f32ptr(src, c * h * w);
    for (let py = 0; py < sh; py++) {
      for (let px = 0; px < sw; px++) {
        const plane = f32ptr(dst, ((c * sh + py) * sw + px) * dPs);
        // phase columns xx read source columns xx·sw + px − left: those in [0, w)
        const x0 = min(wp, max(0, (left - px + sw - 1) / sw));
        const x1 = max(x0, min(wp, (left + w - px + sw - 1) / sw));
        for (let yy = 0; yy < rows; yy++) {
          const row = f32ptr(plane, yy * wp);
          const sy = yy * sh + py - top;
          if (sy < 0 || sy >= h || x1 <= x0) {
            zeroF32(row, wp);
            continue;
          }
          if (x0 > 0) zeroF32(row, x0);
          const srcRow = f32ptr(from, sy * w);
          if (sw == 1) {
            copyF32Short(f32ptr(row, x0), f32ptr(srcRow, x0 - left), x1 - x0);
          } else {
            for (let xx = x0; xx < x1; xx++) store<f32>(f32ptr(row, xx), load<f32>(f32ptr(srcRow, xx * sw + px - left)));
          }
          if (x1 < wp) zeroF32(f32ptr(row, x1), wp - x1);
        }
        zeroF32(f32ptr(plane, rows * wp), dPs - rows * wp);
      }
    }
  }
}

/** `n` zeros from `p`, in vectors only from 4 floats on (the last one moved back to end at n). */
@inline function zeroSpan(p: usize, n: i32): void {
  if (n < 4) {
    for (let i = 0; i < n; i++) store<f32>(f32ptr(p, i), 0);
    return;
  }
  const z = i32x4.splat(0);
  const last = (<usize>(n - 4)) << 2;
  for (let o: usize = 0; o < last; o += 16) v128.store(p + o, z);
  v128.store(p + last, z);
}

/**
 * padPlanes without a stride (one phase per channel), where the copied part of a row is at least
 * 4 floats: each plane is one run of zeros, the source rows and the zero gaps between them, each
 * written once in whole vectors. 2.3–2.9× the general loop (its per-row bounds and scalar edge
 * zeros) on S1's input gradient, LeNet's layers and a 56×56 depthwise layer, outputs identical.
 * Returns false (writing nothing) where it does not apply.
 */
function padPlanesUnstrided(src: usize, channels: i32, h: i32, w: i32, top: i32, left: i32, dst: usize): bool {
  const wp = dWp;
  const rows = dPs / wp;
  const x0 = min(wp, max(0, left));
  const x1 = max(x0, min(wp, left + w));
  const y0 = min(rows, max(0, top));
  const y1 = max(y0, min(rows, top + h));
  const n = x1 - x0;
  if (n < 4) return false;
  const last = (<usize>(n - 4)) << 2;
  const srcStep = (<usize>w) << 2;
  const dstStep = (<usize>wp) << 2;
  const end = y1 > y0 ? (y1 - 1) * wp + x1 : y0 * wp + x0; // after the last copied float
  for (let c = 0; c < channels; c++) {
    const plane = f32ptr(dst, c * dPs);
    zeroSpan(plane, y0 * wp + x0);
    let s = f32ptr(src, (c * h + y0 - top) * w + x0 - left);
    let d = f32ptr(plane, y0 * wp + x0);
    for (let yy = y0; yy < y1; yy++) {
      for (let o: usize = 0; o < last; o += 16) v128.store(d + o, v128.load(s + o));
      v128.store(d + last, v128.load(s + last));
      if (yy + 1 < y1) zeroSpan(d + ((<usize>n) << 2), wp - n);
      s += srcStep;
      d += dstStep;
    }
    zeroSpan(f32ptr(plane, end), dPs - end);
  }
  return true;
}

/**
 * The direct core's one-output-channel case (a one-channel input's gradient, a depthwise layer)
 * at stride 1 and row dilation 1, two output rows at a time: blocks of 16 positions of rows y and
 * y + 1 (8 accumulators). Input row y + r feeds row y through kernel row r and row y + 1 through
 * kernel row r − 1, so each vector loaded serves two multiply-adds where the one-row loop loads it
 * for one: about 0.8 loads per multiply-add instead of 1.5. The blocks of a row pair start at
 * every QB-th column, so the last one may run into the following rows; it computes those
 * positions by the same formula (positions are uniform in the padded layout), so whatever it
 * writes there is a correct value or a dropped column. That is also why no kernel row is skipped
 * here (directCore skips those that read only padding): a skip chosen for rows y and y + 1 would
 * be wrong for the positions of later rows a block runs into. Writes `tmp` for rows
 * [0, 2·⌊oh/2⌋).
 */
function pairRows(xp: usize, cin: i32, wa: usize, oh: i32, kh: i32, kw: i32, offs: usize, tmp: usize): void {
  const wp = dWp;
  const rowBytes = (<usize>wp) << 2;
  const wStep = (<usize>(cin * kw)) << 3; // arranged weights: [kh][cin][kw][2] floats
  for (let y = 0; y + 1 < oh; y += 2) {
    for (let x = 0; x < wp; x += QB) {
      const q = y * wp + x;
      const base = f32ptr(xp, q);
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
      for (let c = 0; c < cin; c++) {
        for (let j = 0; j < kw; j++) {
          const col = c * kw + j;
          let p = base + <usize>load<i32>(offs + ((<usize>col) << 2)); // tap (0, c, j)
          let pw = wa + ((<usize>col) << 3);
          // input row 0 feeds only row y (kernel row 0), row kh only row y + 1 (kernel row kh − 1),
          // the rows between both: peeled so that the loop has no branch (1.15–1.35× on S1's
          // input gradient and depthwise layers, both builds interleaved in one process)
          let wa0 = v128.load32_splat(pw);
          a0 = madd(wa0, v128.load(p), a0);
          a1 = madd(wa0, v128.load(p, 16), a1);
          a2 = madd(wa0, v128.load(p, 32), a2);
          a3 = madd(wa0, v128.load(p, 48), a3);
          for (let r = 1; r < kh; r++) {
            p += rowBytes;
            const v0 = v128.load(p);
            const v1 = v128.load(p, 16);
            const v2 = v128.load(p, 32);
            const v3 = v128.load(p, 48);
            const wb0 = wa0;
            pw += wStep;
            wa0 = v128.load32_splat(pw);
            a0 = madd(wa0, v0, a0);
            a1 = madd(wa0, v1, a1);
            a2 = madd(wa0, v2, a2);
            a3 = madd(wa0, v3, a3);
            b0 = madd(wb0, v0, b0);
            b1 = madd(wb0, v1, b1);
            b2 = madd(wb0, v2, b2);
            b3 = madd(wb0, v3, b3);
          }
          p += rowBytes;
          b0 = madd(wa0, v128.load(p), b0);
          b1 = madd(wa0, v128.load(p, 16), b1);
          b2 = madd(wa0, v128.load(p, 32), b2);
          b3 = madd(wa0, v128.load(p, 48), b3);
        }
      }
      const ta = f32ptr(tmp, q);
      v128.store(ta, a0);
      v128.store(ta, a1, 16);
      v128.store(ta, a2, 32);
      v128.store(ta, a3, 48);
      const tb = f32ptr(tmp, q + wp);
      v128.store(tb, b0);
      v128.store(tb, b1, 16);
      v128.store(tb, b2, 32);
      v128.store(tb, b3, 48);
    }
  }
}

/**
 * First position of vector `v` of the direct core: rowwise, vector k of output row y starts at
 * column min(4k, ow − 4) of that row; flat, at position 4v.
 */
@inline function vectorStart(v: i32, rowwise: bool, perRow: i32, wp: i32, ow: i32): i32 {
  if (!rowwise) return v << 2;
  const y = v / perRow;
  return y * wp + min((v - y * perRow) << 2, ow - 4);
}

/**
 * One block of the direct core for one pair of output channels: 4 vectors of positions (read at
 * `b0..b3`, written to the planes `t0`, `t1` at positions `q0..q3`) × 2 channels, over the taps
 * whose offsets run from `tStart` to `tEnd`, weights from `pw` ([taps][2]). `flat` says the
 * vectors are consecutive (b1 = b0 + 16, …): one address per tap and the rest as immediate
 * offsets, which on S3-sized layers is 15% faster than four adds.
 */
@inline function pairBlock(flat: bool, tStart: usize, tEnd: usize, pw: usize, b0: usize, b1: usize, b2: usize, b3: usize, t0: usize, t1: usize, q0: i32, q1: i32, q2: i32, q3: i32): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
  if (flat) {
    for (let t = tStart; t < tEnd; t += 4) {
      const p = b0 + <usize>load<i32>(t);
      const v0 = v128.load(p);
      const v1 = v128.load(p, 16);
      const v2 = v128.load(p, 32);
      const v3 = v128.load(p, 48);
      const w0 = v128.load32_splat(pw);
      const w1 = v128.load32_splat(pw, 4);
      a00 = madd(w0, v0, a00);
      a01 = madd(w0, v1, a01);
      a02 = madd(w0, v2, a02);
      a03 = madd(w0, v3, a03);
      a10 = madd(w1, v0, a10);
      a11 = madd(w1, v1, a11);
      a12 = madd(w1, v2, a12);
      a13 = madd(w1, v3, a13);
      pw += 8;
    }
  } else {
    for (let t = tStart; t < tEnd; t += 4) {
      const off = <usize>load<i32>(t);
      const v0 = v128.load(b0 + off);
      const v1 = v128.load(b1 + off);
      const v2 = v128.load(b2 + off);
      const v3 = v128.load(b3 + off);
      const w0 = v128.load32_splat(pw);
      const w1 = v128.load32_splat(pw, 4);
      a00 = madd(w0, v0, a00);
      a01 = madd(w0, v1, a01);
      a02 = madd(w0, v2, a02);
      a03 = madd(w0, v3, a03);
      a10 = madd(w1, v0, a10);
      a11 = madd(w1, v1, a11);
      a12 = madd(w1, v2, a12);
      a13 = madd(w1, v3, a13);
      pw += 8;
    }
  }
  v128.store(f32ptr(t0, q0), a00);
  v128.store(f32ptr(t0, q1), a01);
  v128.store(f32ptr(t0, q2), a02);
  v128.store(f32ptr(t0, q3), a03);
  v128.store(f32ptr(t1, q0), a10);
  v128.store(f32ptr(t1, q1), a11);
  v128.store(f32ptr(t1, q2), a12);
  v128.store(f32ptr(t1, q3), a13);
}

/**
 * One block of the direct core for a single output channel (a one-channel input's gradient):
 * instead of pairing it with zeros, the taps are split in two interleaved halves with 4
 * accumulators each, added at the end. Arguments as in {@link pairBlock} (weights [taps][2], the
 * second of each pair unused).
 */
@inline function singleBlock(flat: bool, tStart: usize, tEnd: usize, pw: usize, b0: usize, b1: usize, b2: usize, b3: usize, t0: usize, q0: i32, q1: i32, q2: i32, q3: i32): void {
  let e0 = f32x4.splat(0), e1 = f32x4.splat(0), e2 = f32x4.splat(0), e3 = f32x4.splat(0);
  let d0 = f32x4.splat(0), d1 = f32x4.splat(0), d2 = f32x4.splat(0), d3 = f32x4.splat(0);
  let t = tStart;
  if (flat) {
    for (; t + 8 <= tEnd; t += 8) {
      const p = b0 + <usize>load<i32>(t);
      const w = v128.load32_splat(pw);
      e0 = madd(w, v128.load(p), e0);
      e1 = madd(w, v128.load(p, 16), e1);
      e2 = madd(w, v128.load(p, 32), e2);
      e3 = madd(w, v128.load(p, 48), e3);
      const p2 = b0 + <usize>load<i32>(t, 4);
      const w2 = v128.load32_splat(pw, 8);
      d0 = madd(w2, v128.load(p2), d0);
      d1 = madd(w2, v128.load(p2, 16), d1);
      d2 = madd(w2, v128.load(p2, 32), d2);
      d3 = madd(w2, v128.load(p2, 48), d3);
      pw += 16;
    }
  } else {
    for (; t + 8 <= tEnd; t += 8) {
      const o = <usize>load<i32>(t);
      const w = v128.load32_splat(pw);
      e0 = madd(w, v128.load(b0 + o), e0);
      e1 = madd(w, v128.load(b1 + o), e1);
      e2 = madd(w, v128.load(b2 + o), e2);
      e3 = madd(w, v128.load(b3 + o), e3);
      const o2 = <usize>load<i32>(t, 4);
      const w2 = v128.load32_splat(pw, 8);
      d0 = madd(w2, v128.load(b0 + o2), d0);
      d1 = madd(w2, v128.load(b1 + o2), d1);
      d2 = madd(w2, v128.load(b2 + o2), d2);
      d3 = madd(w2, v128.load(b3 + o2), d3);
      pw += 16;
    }
  }
  if (t < tEnd) {
    // an odd tap count's last tap (the vectors' addresses as in the loop above)
    const o = <usize>load<i32>(t);
    const w = v128.load32_splat(pw);
    e0 = madd(w, v128.load(b0 + o), e0);
    e1 = madd(w, v128.load(b1 + o), e1);
    e2 = madd(w, v128.load(b2 + o), e2);
    e3 = madd(w, v128.load(b3 + o), e3);
  }
  v128.store(f32ptr(t0, q0), f32x4.add(e0, d0));
  v128.store(f32ptr(t0, q1), f32x4.add(e1, d1));
  v128.store(f32ptr(t0, q2), f32x4.add(e2, d2));
  v128.store(f32ptr(t0, q3), f32x4.add(e3, d3));
}

/**
 * The direct core: `cout` output planes (`oh × ow`, written at `dst` with plane stride `oh·ow`)
 * from `cin` padded planes at `xp` (layout of directLayout) and weights arranged at `wa` as
 * `[cout/2 pairs][kh][cin][kw][2]` (an odd last channel paired with zeros). `bias` (0: none)
 * is added after the sum, as the GEMM path adds it. `offs` receives the `kh·cin·kw` tap offsets
 * (bytes from a position to what the tap reads); `tmp` holds `roundUp(cout, 2)·dQp` floats.
 *
 * Only padded rows `[rowLo, rowHi)` hold data (the rest is zero padding), so for each block of
 * positions the kernel rows that would read only zeros for all its real outputs are skipped: with
 * taps ordered by kernel row, the rest is one contiguous run. For the input gradient of an
 * unpadded convolution (its output gradient padded by the kernel extent) that halves the work.
 * Blocks of positions are the outer loop, so the input rows a block reads stay in L1 while every
 * pair of output channels passes over them.
 *
 * A block is 4 vectors of 4 positions. Flat, they are consecutive and cover the dropped columns
 * too (ow/wp of the work is useful: 10/14 for LeNet's second layer). Rowwise, each output row is
 * ⌈ow/4⌉ vectors, the last one moved back to end at column ow (it recomputes a few positions of
 * its neighbour, bit for bit, and stores the same values): 10/12 for that layer, and a block then
 * spans one or two rows, so the kernel-row skipping above is tighter. Measured with the two
 * builds interleaved in one process: LeNet's second layer and S2, forward and input gradient,
 * 1.07–1.13× faster; S3 within 2%.
 */
function directCore(xp: usize, cin: i32, cout: i32, wa: usize, oh: i32, ow: i32, kh: i32, kw: i32, dh: i32, dw: i32, rowLo: i32, rowHi: i32, dst: usize, bias: usize, offs: usize, tmp: usize): void {
  const wp = dWp, qp = dQp;
  const taps = cin * kh * kw;
  const rowTaps = cin * kw;
  rowTapOffsets(offs, cin, kh, kw, dh, dw);
  // which positions the blocks cover: rowwise (each output row in ⌈ow/4⌉ vectors, the last one
  // moved back to end at column ow − 4, overlapping its neighbour) or flat (consecutive vectors
  // over the padded rows, dropped columns included); rowwise only where it saves a tenth of the
  // lanes, as it pays three address adds per tap
  const perRow = ow >= 4 ? (ow + 3) >> 2 : 0;
  const rowwise = perRow > 0 && oh * perRow * 40 < qp * 9;
  const vectors = rowwise ? oh * perRow : qp >> 2;
  let vStart = 0;
  if (cout == 1 && dSH == 1 && dSW == 1 && dh == 1 && wp >= QB && oh >= 2) {
    pairRows(xp, cin, wa, oh, kh, kw, offs, tmp);
    // an odd last row goes through the loop below, from the vector holding its first position
    vStart = oh & 1 ? (rowwise ? (oh - 1) * perRow : ((oh - 1) * wp) >> 2) : vectors;
  }
  for (let v = vStart; v < vectors; v += 4) {
    // the block's four vectors (a short last block repeats its last vector: same value, same place)
    const last = vectors - 1;
    const q0 = vectorStart(v, rowwise, perRow, wp, ow);
    const q1 = vectorStart(min(v + 1, last), rowwise, perRow, wp, ow);
    const q2 = vectorStart(min(v + 2, last), rowwise, perRow, wp, ow);
    const q3 = vectorStart(min(v + 3, last), rowwise, perRow, wp, ow);
    // the output rows this block's real positions lie in, and the kernel rows that reach data from them
    const y0 = q0 / wp;
    const y1 = min((q3 + 3) / wp, oh - 1);
    if (y0 > y1) break; // only dropped positions from here on
    // (with a stride, rows of several phases interleave: no skipping)
    const iLo = dSH != 1 ? 0 : max(0, rowLo - y1 + dh - 1) / dh; // ⌈(rowLo − y1)/dh⌉, clamped at 0
    const iHi = dSH != 1 ? kh : min(kh, rowHi - 1 - y0 < 0 ? 0 : (rowHi - 1 - y0) / dh + 1);
    const tEnd = offs + ((<usize>(iHi * rowTaps)) << 2);
    const tStart = offs + ((<usize>(iLo * rowTaps)) << 2);
    const b0 = f32ptr(xp, q0);
    const b1 = f32ptr(xp, q1);
    const b2 = f32ptr(xp, q2);
    const b3 = f32ptr(xp, q3);
    // the flat kernels compute 4 consecutive vectors from b0: a short last block (repeating its
    // last vector) needs the explicit addresses, or the repeats would store the values of the
    // positions after it in its place (flat blocks start at vector 0 in steps of 4 and end on a
    // multiple of 4, except after pairRows, which hands over an odd last row mid-block)
    const spread = rowwise || v + 3 > last;
    if (cout == 1) {
      const pw = f32ptr(wa, iLo * rowTaps * 2);
      if (spread) singleBlock(false, tStart, tEnd, pw, b0, b1, b2, b3, tmp, q0, q1, q2, q3);
      else singleBlock(true, tStart, tEnd, pw, b0, b1, b2, b3, tmp, q0, q1, q2, q3);
      continue;
    }
    for (let o = 0; o < cout; o += 2) {
      const pw = f32ptr(wa, (o >> 1) * taps * 2 + iLo * rowTaps * 2);
      const t0 = f32ptr(tmp, o * qp);
      if (spread) pairBlock(false, tStart, tEnd, pw, b0, b1, b2, b3, t0, f32ptr(t0, qp), q0, q1, q2, q3);
      else pairBlock(true, tStart, tEnd, pw, b0, b1, b2, b3, t0, f32ptr(t0, qp), q0, q1, q2, q3);
    }
  }
  // the output rows without the dropped columns, plus the bias
  for (let o = 0; o < cout; o++) {
    const plane = f32ptr(dst, o * oh * ow);
    const from = f32ptr(tmp, o * qp);
    const b: f32 = bias != 0 ? load<f32>(f32ptr(bias, o)) : 0;
    const vb = f32x4.splat(b);
    for (let oy = 0; oy < oh; oy++) {
      const s = f32ptr(from, oy * wp);
      const d = f32ptr(plane, oy * ow);
      if (bias == 0) {
        copyF32Short(d, s, ow);
      } else {
        let x = 0;
        for (; x + 4 <= ow; x += 4) v128.store(f32ptr(d, x), f32x4.add(v128.load(f32ptr(s, x)), vb));
        for (; x < ow; x++) store<f32>(f32ptr(d, x), load<f32>(f32ptr(s, x)) + b);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Winograd F(2×2, 3×3) for 3×3 stride-1 undilated convolutions with many channels.
//
// Each 2×2 block of outputs ("tile") of each output channel is Aᵀ·[Σ_c U_oc ⊙ V_ct]·A, where
// V_ct = Bᵀ·d·B is the transform of the 4×4 input patch d the tile reads from channel c and
// U_oc = G·g·Gᵀ that of the 3×3 kernel g of (o, c). The Σ over channels, for each of the 16
// elements ξ of the 4×4 transforms, is a GEMM [cout × cin]·[cin × tiles]: 16 multiply-adds per
// tile and channel pair where direct convolution does 36 (2.25× fewer), plus transforms that
// cost per tile and channel, not per pair. The input gradient of such a convolution is one too
// (of the output gradient, padded by 2 − padding, through the flipped kernel with its channel
// dims swapped), so it runs on the same core. The weight gradient is the adjoint: for each ξ,
// M[ξ] = Σ over tiles of (A·dy·Aᵀ)[ξ]·V[ξ]ᵀ, a GEMM [cout × tiles]·[tiles × cin] adding up the
// batch chunk's items, then Gᵀ·M·G per (o, c).
//
// The transforms mix the values of a patch (Bᵀ·d·B subtracts input values from each other), so
// an infinite or NaN input would spread to outputs that never read it, and values near the
// float32 maximum could overflow in sums that direct convolution never forms: an item whose
// input is not all below 2¹²⁴ in magnitude (allModest), or a call whose weights are not, goes to
// the direct kernels instead (for the weight gradient, a batch chunk).
//
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]
// ---------------------------------------------------------------------------------------------

/** Bytes of transformed inputs and GEMM outputs per chunk of tile rows (half of a Zen 4 core's L2). */
const WINO_CHUNK_BYTES: i32 = 512 * 1024;

/** ½ as a float32 (a bare 0.5 would make the transforms' products float64). */
const HALF: f32 = 0.5;
/** Fewest tiles per chunk: the GEMMs pack U's 16 matrices once a chunk. */
const WINO_MIN_TILES: i32 = 128;

/** Tile rows and 4-aligned tile columns of the current Winograd layout, tile rows per chunk. */
let wTH: i32 = 0;
let wTW: i32 = 0;
let wRC: i32 = 1;

/**
 * Sets the Winograd layout for `cin → cout` channels and outputs of `oh × ow`: the padded input
 * planes (directLayout's globals: pitch 2·tiles + 2, enough rows for every tile) and the chunking.
 */
function winogradLayout(cin: i32, cout: i32, oh: i32, ow: i32): void {
  wTH = (oh + 1) >> 1;
  wTW = roundUp((ow + 1) >> 1, 4);
  dSH = 1;
  dSW = 1;
  dWp = 2 * wTW + 2;
  dQp = 0;
  dPs = roundUp(dWp * (2 * wTH + 2), 4);
  // as many tile rows as fit the chunk bytes, but WINO_MIN_TILES at least, and at most all of them
  wRC = max(1, min(wTH, max((WINO_MIN_TILES + wTW - 1) / wTW, WINO_CHUNK_BYTES / (64 * (cin + cout) * wTW))));
}

/** Bytes of the Winograd scratch for the current layout: padded planes, U, V, M and the GEMM's. */
function winogradLayoutBytes(cin: i32, cout: i32): i32 {
  const tc = wRC * wTW;
  return (cin * dPs + 16 * cout * cin + 16 * cin * tc + 16 * cout * tc) * 4 + sgemmWorkBytes(cout, tc, cin);
}

/**
 * Whether Winograd serves the current geometry (in each direction): 3×3, stride 1, no dilation,
 * nothing empty.
 */
function winogradApplies(): bool {
  if (gKH != 3 || gKW != 3 || gSH != 1 || gSW != 1 || gDH != 1 || gDW != 1) return false;
  return gC / gG > 0 && gO / gG > 0 && gOH > 0 && gOW > 0 && gH > 0 && gW > 0;
}

/**
 * Whether `'auto'` takes Winograd where it applies (`which` 0, 1 or 2). Measured on an AMD EPYC
 * (Zen 4), relaxed-SIMD build, one thread, all three algorithms forced: 1.8× the direct kernel on
 * 64 → 64 channels at 56×56 (S3, forward and input gradient; 1.9× on its weight gradient), 1.5×
 * on 128 at 28×28, 1.3× on 32 at 32×32 (1.13× its weight gradient); level with it on 16
 * channels; level with im2col on 256 channels at 14×14 (56 tiles an item: the GEMMs are short)
 * and 0.66× on 512 at 7×7 (16 tiles). So: at least 32 channels a side and 64 tiles.
 */
function winogradPays(which: i32): bool {
  const cg = gC / gG;
  const og = gO / gG;
  const oh = which == 1 ? gH : gOH;
  const ow = which == 1 ? gW : gOW;
  return cg >= 32 && og >= 32 && ((oh + 1) >> 1) * ((ow + 1) >> 1) >= 64;
}

/**
 * U[ξ][o][c] = (G·g·Gᵀ)[ξ] for one group's kernels: forward, g = w[o][c]; for the input gradient
 * (`flip`), output channel o of the transposed convolution is input channel c of w and
 * g = w[c][o] rotated by 180°. `cout × cin` are the channels of the convolution computed.
 */
function winogradWeights(w: usize, cout: i32, cin: i32, flip: bool, u: usize): void {
  const plane = cout * cin;
  for (let o = 0; o < cout; o++) {
    for (let c = 0; c < cin; c++) {
      const k = flip ? f32ptr(w, (c * cout + o) * 9) : f32ptr(w, (o * cin + c) * 9);
      // g[i][j], flipped: g[2 − i][2 − j]
      const k0 = load<f32>(k), k1 = load<f32>(k, 4), k2 = load<f32>(k, 8);
      const k3 = load<f32>(k, 12), g11 = load<f32>(k, 16), k5 = load<f32>(k, 20);
      const k6 = load<f32>(k, 24), k7 = load<f32>(k, 28), k8 = load<f32>(k, 32);
      const g00 = flip ? k8 : k0, g01 = flip ? k7 : k1, g02 = flip ? k6 : k2;
      const g10 = flip ? k5 : k3, g12 = flip ? k3 : k5;
      const g20 = flip ? k2 : k6, g21 = flip ? k1 : k7, g22 = flip ? k0 : k8;
      // t = G·g (4 × 3), by columns
      const t00 = g00, t10 = HALF * (g00 + g10 + g20), t20 = HALF * (g00 - g10 + g20), t30 = g20;
      const t01 = g01, t11 = HALF * (g01 + g11 + g21), t21 = HALF * (g01 - g11 + g21), t31 = g21;
      const t02 = g02, t12 = HALF * (g02 + g12 + g22), t22 = HALF * (g02 - g12 + g22), t32 = g22;
      // U = t·Gᵀ (4 × 4), row by row
      const at = f32ptr(u, o * cin + c);
      const step = (<usize>plane) << 2;
      let p = at;
      store<f32>(p, t00); p += step;
      store<f32>(p, HALF * (t00 + t01 + t02)); p += step;
      store<f32>(p, HALF * (t00 - t01 + t02)); p += step;
      store<f32>(p, t02); p += step;
      store<f32>(p, t10); p += step;
      store<f32>(p, HALF * (t10 + t11 + t12)); p += step;
      store<f32>(p, HALF * (t10 - t11 + t12)); p += step;
      store<f32>(p, t12); p += step;
      store<f32>(p, t20); p += step;
      store<f32>(p, HALF * (t20 + t21 + t22)); p += step;
      store<f32>(p, HALF * (t20 - t21 + t22)); p += step;
      store<f32>(p, t22); p += step;
      store<f32>(p, t30); p += step;
      store<f32>(p, HALF * (t30 + t31 + t32)); p += step;
      store<f32>(p, HALF * (t30 - t31 + t32)); p += step;
      store<f32>(p, t32);
    }
  }
}

/**
 * V[ξ][c][tile] = (Bᵀ·d·B)[ξ] for the tile rows [ty0, ty0 + rows) of `cin` padded planes at `xp`,
 * 4 tiles a vector (their patches' columns gathered from two loads per pair of columns).
 */
function winogradInputs(xp: usize, cin: i32, ty0: i32, rows: i32, v: usize): void {
  const tc = rows * wTW;
  const step = (<usize>(cin * tc)) << 2; // between the 16 matrices
  const rowBytes = (<usize>dWp) << 2;
  for (let c = 0; c < cin; c++) {
    for (let ty = ty0; ty < ty0 + rows; ty++) {
      const row0 = f32ptr(xp, c * dPs + 2 * ty * dWp);
      let dst = f32ptr(v, c * tc + (ty - ty0) * wTW);
      for (let tx = 0; tx < wTW; tx += 4) {
        // d[r][s] for the 4 tiles: padded row 2ty + r, columns 2(tx + t) + s
        let p = row0 + ((<usize>(2 * tx)) << 2);
        let a = v128.load(p), b = v128.load(p, 16), e = v128.load(p, 8), f = v128.load(p, 24);
        const d00 = i32x4.shuffle(a, b, 0, 2, 4, 6), d01 = i32x4.shuffle(a, b, 1, 3, 5, 7);
        const d02 = i32x4.shuffle(e, f, 0, 2, 4, 6), d03 = i32x4.shuffle(e, f, 1, 3, 5, 7);
        p += rowBytes;
        a = v128.load(p); b = v128.load(p, 16); e = v128.load(p, 8); f = v128.load(p, 24);
        const d10 = i32x4.shuffle(a, b, 0, 2, 4, 6), d11 = i32x4.shuffle(a, b, 1, 3, 5, 7);
        const d12 = i32x4.shuffle(e, f, 0, 2, 4, 6), d13 = i32x4.shuffle(e, f, 1, 3, 5, 7);
        p += rowBytes;
        a = v128.load(p); b = v128.load(p, 16); e = v128.load(p, 8); f = v128.load(p, 24);
        const d20 = i32x4.shuffle(a, b, 0, 2, 4, 6), d21 = i32x4.shuffle(a, b, 1, 3, 5, 7);
        const d22 = i32x4.shuffle(e, f, 0, 2, 4, 6), d23 = i32x4.shuffle(e, f, 1, 3, 5, 7);
        p += rowBytes;
        a = v128.load(p); b = v128.load(p, 16); e = v128.load(p, 8); f = v128.load(p, 24);
        const d30 = i32x4.shuffle(a, b, 0, 2, 4, 6), d31 = i32x4.shuffle(a, b, 1, 3, 5, 7);
        const d32 = i32x4.shuffle(e, f, 0, 2, 4, 6), d33 = i32x4.shuffle(e, f, 1, 3, 5, 7);
        // t = Bᵀ·d (rows 0 − 2, 1 + 2, 2 − 1, 1 − 3), then t·B (columns likewise)
        const t00 = f32x4.sub(d00, d20), t01 = f32x4.sub(d01, d21), t02 = f32x4.sub(d02, d22), t03 = f32x4.sub(d03, d23);
        const t10 = f32x4.add(d10, d20), t11 = f32x4.add(d11, d21), t12 = f32x4.add(d12, d22), t13 = f32x4.add(d13, d23);
        const t20 = f32x4.sub(d20, d10), t21 = f32x4.sub(d21, d11), t22 = f32x4.sub(d22, d12), t23 = f32x4.sub(d23, d13);
        const t30 = f32x4.sub(d10, d30), t31 = f32x4.sub(d11, d31), t32 = f32x4.sub(d12, d32), t33 = f32x4.sub(d13, d33);
        let q = dst;
        v128.store(q, f32x4.sub(t00, t02)); q += step;
        v128.store(q, f32x4.add(t01, t02)); q += step;
        v128.store(q, f32x4.sub(t02, t01)); q += step;
        v128.store(q, f32x4.sub(t01, t03)); q += step;
        v128.store(q, f32x4.sub(t10, t12)); q += step;
        v128.store(q, f32x4.add(t11, t12)); q += step;
        v128.store(q, f32x4.sub(t12, t11)); q += step;
        v128.store(q, f32x4.sub(t11, t13)); q += step;
        v128.store(q, f32x4.sub(t20, t22)); q += step;
        v128.store(q, f32x4.add(t21, t22)); q += step;
        v128.store(q, f32x4.sub(t22, t21)); q += step;
        v128.store(q, f32x4.sub(t21, t23)); q += step;
        v128.store(q, f32x4.sub(t30, t32)); q += step;
        v128.store(q, f32x4.add(t31, t32)); q += step;
        v128.store(q, f32x4.sub(t32, t31)); q += step;
        v128.store(q, f32x4.sub(t31, t33));
        dst += 16;
      }
    }
  }
}

/**
 * out[o] rows 2·ty, 2·ty + 1 = Aᵀ·M[·][o][tile]·A (+ bias) for the chunk's tile rows, cropped to
 * `oh × ow`; 4 tiles a vector, their 2 × 2 outputs interleaved into 8 consecutive columns.
 */
function winogradOutputs(m: usize, cout: i32, ty0: i32, rows: i32, dst: usize, oh: i32, ow: i32, bias: usize): void {
  const tc = rows * wTW;
  const step = (<usize>(cout * tc)) << 2;
  for (let o = 0; o < cout; o++) {
    const b = f32x4.splat(bias != 0 ? load<f32>(f32ptr(bias, o)) : 0);
    const plane = f32ptr(dst, o * oh * ow);
    for (let ty = ty0; ty < ty0 + rows; ty++) {
      let src = f32ptr(m, o * tc + (ty - ty0) * wTW);
      const y = 2 * ty;
      for (let tx = 0; tx < wTW; tx += 4) {
        let q = src;
        const m00 = v128.load(q); q += step; const m01 = v128.load(q); q += step; const m02 = v128.load(q); q += step; const m03 = v128.load(q); q += step;
        const m10 = v128.load(q); q += step; const m11 = v128.load(q); q += step; const m12 = v128.load(q); q += step; const m13 = v128.load(q); q += step;
        const m20 = v128.load(q); q += step; const m21 = v128.load(q); q += step; const m22 = v128.load(q); q += step; const m23 = v128.load(q); q += step;
        const m30 = v128.load(q); q += step; const m31 = v128.load(q); q += step; const m32 = v128.load(q); q += step; const m33 = v128.load(q);
        // s = Aᵀ·m (rows 0 + 1 + 2, 1 − 2 − 3), then s·A
        const s00 = f32x4.add(f32x4.add(m00, m10), m20), s01 = f32x4.add(f32x4.add(m01, m11), m21);
        const s02 = f32x4.add(f32x4.add(m02, m12), m22), s03 = f32x4.add(f32x4.add(m03, m13), m23);
        const s10 = f32x4.sub(f32x4.sub(m10, m20), m30), s11 = f32x4.sub(f32x4.sub(m11, m21), m31);
        const s12 = f32x4.sub(f32x4.sub(m12, m22), m32), s13 = f32x4.sub(f32x4.sub(m13, m23), m33);
        const y00 = f32x4.add(f32x4.add(f32x4.add(s00, s01), s02), b), y01 = f32x4.add(f32x4.sub(f32x4.sub(s01, s02), s03), b);
        const y10 = f32x4.add(f32x4.add(f32x4.add(s10, s11), s12), b), y11 = f32x4.add(f32x4.sub(f32x4.sub(s11, s12), s13), b);
        const x = 2 * tx;
        storeTileRow(plane, y, x, i32x4.shuffle(y00, y01, 0, 4, 1, 5), i32x4.shuffle(y00, y01, 2, 6, 3, 7), oh, ow);
        storeTileRow(plane, y + 1, x, i32x4.shuffle(y10, y11, 0, 4, 1, 5), i32x4.shuffle(y10, y11, 2, 6, 3, 7), oh, ow);
        src += 16;
      }
    }
  }
}

/** Output row `y`, columns x … x + 7 = lo, hi, cropped to the `oh × ow` plane. */
@inline function storeTileRow(plane: usize, y: i32, x: i32, lo: v128, hi: v128, oh: i32, ow: i32): void {
  if (y >= oh) return;
  const p = f32ptr(plane, y * ow + x);
  if (x + 8 <= ow) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
    return;
  }
  const n = ow - x;
  if (n >= 4) v128.store(p, lo);
  else if (n > 0) {
    store<f32>(p, f32x4.extract_lane(lo, 0));
    if (n > 1) store<f32>(p, f32x4.extract_lane(lo, 1), 4);
    if (n > 2) store<f32>(p, f32x4.extract_lane(lo, 2), 8);
  }
  if (n > 4) store<f32>(p, f32x4.extract_lane(hi, 0), 16);
  if (n > 5) store<f32>(p, f32x4.extract_lane(hi, 1), 20);
  if (n > 6) store<f32>(p, f32x4.extract_lane(hi, 2), 24);
}

/**
 * One item and group through Winograd: `cin` planes of `h × w` at `src` (padded by top, left),
 * weights already transformed at `u`, `cout` planes of `oh × ow` written at `dst` (+ bias).
 * `work` holds the padded planes, then V, M and the GEMMs' scratch (after U).
 */
function winogradItem(src: usize, cin: i32, h: i32, w: i32, top: i32, left: i32, u: usize, cout: i32, oh: i32, ow: i32, dst: usize, bias: usize, xp: usize): void {
  padPlanes(src, cin, h, w, top, left, xp);
  const tcMax = wRC * wTW;
  const v = f32ptr(xp, cin * dPs + 16 * cout * cin);
  const m = f32ptr(v, 16 * cin * tcMax);
  const gemmWork = f32ptr(m, 16 * cout * tcMax);
  for (let ty0 = 0; ty0 < wTH; ty0 += wRC) {
    const rows = min(wRC, wTH - ty0);
    const tc = rows * wTW;
    winogradInputs(xp, cin, ty0, rows, v);
    for (let xi = 0; xi < 16; xi++) {
      sgemm(0, 0, cout, tc, cin, 1, f32ptr(u, xi * cout * cin), cin, f32ptr(v, xi * cin * tc), tc, 0, f32ptr(m, xi * cout * tc), tc, gemmWork);
    }
    winogradOutputs(m, cout, ty0, rows, dst, oh, ow, bias);
  }
}

/**
 * Forward by Winograd for the work items `[item0, item1)`; an item whose input is not all finite
 * and below 2¹²⁴ (allModest), or every item when a weight is not, goes through the direct kernel
 * (`work` has room for both).
 */
function winogradForward(inp: usize, weight: usize, bias: usize, out: usize, work: usize, item0: i32, item1: i32): void {
  const cg = gC / gG;
  const og = gO / gG;
  const P = gOH * gOW;
  if (!allModest(weight, gO * cg * 9)) {
    directForward(inp, weight, bias, out, work, item0, item1);
    return;
  }
  let transformed = -1;
  for (let item = item0; item < item1; item++) {
    const n = item / gG;
    const grp = item % gG;
    const src = f32ptr(inp, (n * gC + grp * cg) * gH * gW);
    if (!allModest(src, cg * gH * gW)) {
      directForward(inp, weight, bias, out, work, item, item + 1);
      transformed = -1; // directForward reused the scratch
      continue;
    }
    winogradLayout(cg, og, gOH, gOW);
    const u = f32ptr(work, cg * dPs);
    if (grp != transformed) {
      winogradWeights(f32ptr(weight, grp * og * cg * 9), og, cg, false, u);
      transformed = grp;
    }
    winogradItem(src, cg, gH, gW, gPT, gPL, u, og, gOH, gOW, f32ptr(out, (n * gO + grp * og) * P), bias != 0 ? f32ptr(bias, grp * og) : 0, work);
  }
}

/**
 * Input gradient by Winograd for the work items `[item0, item1)` (the weights checked finite by
 * the caller); as winogradForward, items (or all, for the weights) past allModest go direct.
 */
function winogradBackwardInput(gradOut: usize, weight: usize, gradInput: usize, work: usize, item0: i32, item1: i32): void {
  const cg = gC / gG;
  const og = gO / gG;
  const P = gOH * gOW;
  if (!allModest(weight, gO * cg * 9)) {
    directBackwardInput(gradOut, weight, gradInput, work, item0, item1);
    return;
  }
  let transformed = -1;
  for (let item = item0; item < item1; item++) {
    const n = item / gG;
    const grp = item % gG;
    const src = f32ptr(gradOut, (n * gO + grp * og) * P);
    if (!allModest(src, og * P)) {
      directBackwardInput(gradOut, weight, gradInput, work, item, item + 1);
      transformed = -1;
      continue;
    }
    winogradLayout(og, cg, gH, gW);
    const u = f32ptr(work, og * dPs);
    if (grp != transformed) {
      winogradWeights(f32ptr(weight, grp * og * cg * 9), cg, og, true, u);
      transformed = grp;
    }
    winogradItem(src, og, gOH, gOW, 2 - gPT, 2 - gPL, u, cg, gH, gW, f32ptr(gradInput, (n * gC + grp * cg) * gH * gW), 0, work);
  }
}

/**
 * Ŷ[ξ][o][tile] = (A·dy·Aᵀ)[ξ] for the chunk's tile rows of `cout` output-gradient planes laid out
 * at `yp` with pitch 2·wTW and 2·wTH rows (zero past the output), 4 tiles a vector: the adjoint of
 * winogradOutputs, for the weight gradient.
 */
function winogradGradients(yp: usize, cout: i32, ty0: i32, rows: i32, y: usize): void {
  const tc = rows * wTW;
  const step = (<usize>(cout * tc)) << 2;
  const pitch = 2 * wTW;
  const rowBytes = (<usize>pitch) << 2;
  const plane = 4 * wTH * wTW;
  for (let o = 0; o < cout; o++) {
    for (let ty = ty0; ty < ty0 + rows; ty++) {
      let dst = f32ptr(y, o * tc + (ty - ty0) * wTW);
      const row0 = f32ptr(yp, o * plane + 2 * ty * pitch);
      for (let tx = 0; tx < wTW; tx += 4) {
        const p = row0 + ((<usize>(2 * tx)) << 2);
        const r0 = v128.load(p), r1 = v128.load(p, 16), r2 = v128.load(p + rowBytes), r3 = v128.load(p + rowBytes, 16);
        // dy = [a b; c d] of the 4 tiles
        const a = i32x4.shuffle(r0, r1, 0, 2, 4, 6), b = i32x4.shuffle(r0, r1, 1, 3, 5, 7);
        const c = i32x4.shuffle(r2, r3, 0, 2, 4, 6), d = i32x4.shuffle(r2, r3, 1, 3, 5, 7);
        // t = A·dy (rows a, a + c, a − c, −c), then t·Aᵀ (columns t0, t0 + t1, t0 − t1, −t1)
        const s0 = f32x4.add(a, c), s1 = f32x4.add(b, d), u0 = f32x4.sub(a, c), u1 = f32x4.sub(b, d);
        let q = dst;
        v128.store(q, a); q += step;
        v128.store(q, f32x4.add(a, b)); q += step;
        v128.store(q, f32x4.sub(a, b)); q += step;
        v128.store(q, f32x4.neg(b)); q += step;
        v128.store(q, s0); q += step;
        v128.store(q, f32x4.add(s0, s1)); q += step;
        v128.store(q, f32x4.sub(s0, s1)); q += step;
        v128.store(q, f32x4.neg(s1)); q += step;
        v128.store(q, u0); q += step;
        v128.store(q, f32x4.add(u0, u1)); q += step;
        v128.store(q, f32x4.sub(u0, u1)); q += step;
        v128.store(q, f32x4.neg(u1)); q += step;
        v128.store(q, f32x4.neg(c)); q += step;
        v128.store(q, f32x4.neg(f32x4.add(c, d))); q += step;
        v128.store(q, f32x4.sub(d, c)); q += step;
        v128.store(q, d);
        dst += 16;
      }
    }
  }
}

/** dw[o][c] = Gᵀ·M[·][o][c]·G (3 × 3 from the 16 sums), written at `dw` ([cout][cin][3][3]). */
function winogradWeightGradients(m: usize, cout: i32, cin: i32, dw: usize): void {
  const step = (<usize>(cout * cin)) << 2;
  for (let o = 0; o < cout; o++) {
    for (let c = 0; c < cin; c++) {
      let p = f32ptr(m, o * cin + c);
      const m00 = load<f32>(p); p += step; const m01 = load<f32>(p); p += step; const m02 = load<f32>(p); p += step; const m03 = load<f32>(p); p += step;
      const m10 = load<f32>(p); p += step; const m11 = load<f32>(p); p += step; const m12 = load<f32>(p); p += step; const m13 = load<f32>(p); p += step;
      const m20 = load<f32>(p); p += step; const m21 = load<f32>(p); p += step; const m22 = load<f32>(p); p += step; const m23 = load<f32>(p); p += step;
      const m30 = load<f32>(p); p += step; const m31 = load<f32>(p); p += step; const m32 = load<f32>(p); p += step; const m33 = load<f32>(p);
      // t = Gᵀ·M (3 × 4): rows m0 + ½(m1 + m2), ½(m1 − m2), ½(m1 + m2) + m3
      const h0 = HALF * (m10 + m20), h1 = HALF * (m11 + m21), h2 = HALF * (m12 + m22), h3 = HALF * (m13 + m23);
      const t00 = m00 + h0, t01 = m01 + h1, t02 = m02 + h2, t03 = m03 + h3;
      const t10 = HALF * (m10 - m20), t11 = HALF * (m11 - m21), t12 = HALF * (m12 - m22), t13 = HALF * (m13 - m23);
      const t20 = h0 + m30, t21 = h1 + m31, t22 = h2 + m32, t23 = h3 + m33;
      // dw = t·G (3 × 3): columns t0 + ½(t1 + t2), ½(t1 − t2), ½(t1 + t2) + t3
      const k = f32ptr(dw, (o * cin + c) * 9);
      const e0 = HALF * (t01 + t02), e1 = HALF * (t11 + t12), e2 = HALF * (t21 + t22);
      store<f32>(k, t00 + e0);
      store<f32>(k, HALF * (t01 - t02), 4);
      store<f32>(k, e0 + t03, 8);
      store<f32>(k, t10 + e1, 12);
      store<f32>(k, HALF * (t11 - t12), 16);
      store<f32>(k, e1 + t13, 20);
      store<f32>(k, t20 + e2, 24);
      store<f32>(k, HALF * (t21 - t22), 28);
      store<f32>(k, e2 + t23, 32);
    }
  }
}

/** Bytes of the Winograd weight gradient's scratch (the current geometry): winogradLayoutBytes plus the padded output gradient. */
function winogradWeightBytes(): i32 {
  const cg = gC / gG;
  const og = gO / gG;
  winogradLayout(cg, og, gOH, gOW);
  const tc = wRC * wTW;
  return (cg * dPs + og * 4 * wTH * wTW + 16 * cg * tc + 16 * og * tc + 16 * og * cg) * 4 + sgemmWorkBytes(og, cg, tc);
}

/**
 * Weight gradient by Winograd over the batch items `[n0, n1)`, every group, into `dw` (the
 * weight's layout; overwritten): for each ξ, M[ξ] = Σ over the items' tiles of Ŷ[ξ]·V[ξ]ᵀ (GEMMs
 * adding onto M), then dw = Gᵀ·M·G. The inputs and output gradients must be finite.
 */
function winogradBackwardWeight(inp: usize, gradOut: usize, dw: usize, work: usize, n0: i32, n1: i32): void {
  const cg = gC / gG;
  const og = gO / gG;
  const P = gOH * gOW;
  winogradLayout(cg, og, gOH, gOW);
  const tcMax = wRC * wTW;
  const xp = work;
  const yp = f32ptr(xp, cg * dPs);
  const v = f32ptr(yp, og * 4 * wTH * wTW);
  const y = f32ptr(v, 16 * cg * tcMax);
  const m = f32ptr(y, 16 * og * tcMax);
  const gemmWork = f32ptr(m, 16 * og * cg);
  const xLayout = dPs;
  const xPitch = dWp;
  for (let grp = 0; grp < gG; grp++) {
    let first = true;
    for (let n = n0; n < n1; n++) {
      padPlanes(f32ptr(inp, (n * gC + grp * cg) * gH * gW), cg, gH, gW, gPT, gPL, xp);
      // the output gradient at pitch 2·wTW over 2·wTH rows, zero past the output
      dWp = 2 * wTW;
      dPs = 4 * wTH * wTW;
      padPlanes(f32ptr(gradOut, (n * gO + grp * og) * P), og, gOH, gOW, 0, 0, yp);
      dWp = xPitch;
      dPs = xLayout;
      for (let ty0 = 0; ty0 < wTH; ty0 += wRC) {
        const rows = min(wRC, wTH - ty0);
        const tc = rows * wTW;
        winogradInputs(xp, cg, ty0, rows, v);
        winogradGradients(yp, og, ty0, rows, y);
        const beta: f32 = first ? 0 : 1;
        for (let xi = 0; xi < 16; xi++) {
          sgemm(0, 1, og, cg, tc, 1, f32ptr(y, xi * og * tc), tc, f32ptr(v, xi * cg * tc), tc, beta, f32ptr(m, xi * og * cg), cg, gemmWork);
        }
        first = false;
      }
    }
    winogradWeightGradients(m, og, cg, f32ptr(dw, grp * og * cg * 9));
  }
}

/**
 * The direct forward with output channels in the vector lanes, for 16·k output channels: blocks
 * of 2 output positions (of one row) × 16 channels (4 vectors) are 8 accumulators; each tap
 * costs 2 broadcast input loads and 4 weight loads (the arranged weights hold the block's 16
 * channels of a tap side by side, `[cout/16][kh][cin][kw][16]`) for 8 multiply-adds. No lane
 * computes a dropped column (directCore's position vectors compute 10 of 12 or 14 lanes on
 * LeNet's second layer), and each block writes its 32 outputs straight into the output planes.
 * Kernel rows that would read only padding for the block's row are skipped, as in directCore.
 */
function channelCore(xp: usize, cin: i32, cout: i32, wa: usize, oh: i32, ow: i32, kh: i32, kw: i32, dh: i32, dw: i32, rowLo: i32, rowHi: i32, dst: usize, bias: usize, offs: usize): void {
  const taps = cin * kh * kw;
  const rowTaps = cin * kw;
  rowTapOffsets(offs, cin, kh, kw, dh, dw);
  const P = oh * ow;
  const planeBytes = (<usize>P) << 2;
  for (let oy = 0; oy < oh; oy++) {
    const iLo = dSH != 1 ? 0 : max(0, rowLo - oy + dh - 1) / dh;
    const iHi = dSH != 1 ? kh : min(kh, rowHi - 1 - oy < 0 ? 0 : (rowHi - 1 - oy) / dh + 1);
    const tStart = offs + ((<usize>(iLo * rowTaps)) << 2);
    const tEnd = offs + ((<usize>(iHi * rowTaps)) << 2);
    for (let x = 0; x < ow; x += 2) {
      const ox = min(x, ow - 2); // an odd width's last pair recomputes its neighbour, bit for bit
      const base = f32ptr(xp, oy * dWp + ox);
      for (let o = 0; o < cout; o += 16) {
        let pw = f32ptr(wa, o * taps + iLo * rowTaps * 16);
        let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
        let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
        for (let t = tStart; t < tEnd; t += 4) {
          const p = base + <usize>load<i32>(t);
          const x0 = v128.load32_splat(p);
          const x1 = v128.load32_splat(p, 4);
          const w0 = v128.load(pw);
          const w1 = v128.load(pw, 16);
          const w2 = v128.load(pw, 32);
          const w3 = v128.load(pw, 48);
          a00 = madd(x0, w0, a00);
          a01 = madd(x0, w1, a01);
          a02 = madd(x0, w2, a02);
          a03 = madd(x0, w3, a03);
          a10 = madd(x1, w0, a10);
          a11 = madd(x1, w1, a11);
          a12 = madd(x1, w2, a12);
          a13 = madd(x1, w3, a13);
          pw += 64;
        }
        if (bias != 0) {
          const bp = f32ptr(bias, o);
          const b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32), b3 = v128.load(bp, 48);
          a00 = f32x4.add(a00, b0); a01 = f32x4.add(a01, b1); a02 = f32x4.add(a02, b2); a03 = f32x4.add(a03, b3);
          a10 = f32x4.add(a10, b0); a11 = f32x4.add(a11, b1); a12 = f32x4.add(a12, b2); a13 = f32x4.add(a13, b3);
        }
        const d = f32ptr(dst, o * P + oy * ow + ox);
        storeChannels(d, planeBytes, a00, a10);
        storeChannels(d + 4 * planeBytes, planeBytes, a01, a11);
        storeChannels(d + 8 * planeBytes, planeBytes, a02, a12);
        storeChannels(d + 12 * planeBytes, planeBytes, a03, a13);
      }
    }
  }
}

/** Lanes k of `p0` and `p1` (channel k, positions 0 and 1) to the two floats at `d + k·planeBytes`. */
@inline function storeChannels(d: usize, planeBytes: usize, p0: v128, p1: v128): void {
  const lo = i32x4.shuffle(p0, p1, 0, 4, 1, 5);
  const hi = i32x4.shuffle(p0, p1, 2, 6, 3, 7);
  v128.store64_lane(d, lo, 0);
  v128.store64_lane(d + planeBytes, lo, 1);
  v128.store64_lane(d + 2 * planeBytes, hi, 0);
  v128.store64_lane(d + 3 * planeBytes, hi, 1);
}

/** Arranges one group's forward weights `[og][cg][kh][kw]` as `[og/16][kh][cg][kw][16]` for channelCore. */
function arrangeChannels(w: usize, og: i32, cg: i32, wa: usize): void {
  const KH = gKH, KW = gKW;
  const taps = cg * KH * KW;
  let dst = wa;
  for (let o = 0; o < og; o += 16) {
    for (let i = 0; i < KH; i++) {
      for (let c = 0; c < cg; c++) {
        for (let j = 0; j < KW; j++) {
          const src = (c * KH + i) * KW + j;
          for (let k = 0; k < 16; k++) store<f32>(dst + ((<usize>k) << 2), load<f32>(f32ptr(w, (o + k) * taps + src)));
          dst += 64;
        }
      }
    }
  }
}

/**
 * Whether the direct forward runs on channelCore: 16·k output channels per group, rows of at
 * least 2 outputs. Against directCore, both builds interleaved in one process (same bits): 1.30×
 * on LeNet's second layer and S2 (6 → 16, 5×5), 1.04–1.06× on stride-2 3×3 layers of 32 → 64 and
 * 64 → 128 channels (S4), level on 3 → 16 channels (27 taps).
 */
function channelsApply(og: i32): bool {
  return og % 16 == 0 && gOW >= 2;
}

/** Floats of the arranged weights of one group: output channels rounded up to pairs. */
function arrangedFloats(cout: i32, cin: i32): i32 {
  return roundUp(cout, 2) * cin * gKH * gKW;
}

/**
 * Scratch bytes of the direct kernel `which` with the current geometry (see convWorkBytes):
 * the padded planes of one item and group, the arranged weights and tap offsets (the weight
 * gradient: tap offsets and zero-padded output-gradient planes) and the core's output rows.
 */
function directWorkBytes(which: i32): i32 {
  const cg = gC / gG;
  const og = gO / gG;
  const phases = gSH * gSW;
  if (which == 0) {
    directLayout(gOH, gOW, gKH, gKW, gDH, gDW, gSH, gSW);
    return (cg * phases * dPs + arrangedFloats(og, cg) + cg * gKH * gKW + roundUp(og, 2) * dQp) * 4;
  }
  if (which == 1) {
    directLayout(gH, gW, gKH, gKW, gDH, gDW, 1, 1);
    return (og * dPs + arrangedFloats(cg, og) + og * gKH * gKW + roundUp(cg, 2) * dQp) * 4;
  }
  directLayout(gOH, gOW, gKH, gKW, gDH, gDW, gSH, gSW);
  return (weightPassImages() * (cg * phases * dPs + roundUp(og, 2) * dQp) + cg * gKH * gKW + (dQp >> 2) + gOH + 4) * 4;
}

/**
 * Arranges one group's forward weights `[og][cg][kh][kw]` as `[pairs][kh][cg][kw][2]`: kernel
 * rows outermost, so the taps of a range of kernel rows are one contiguous run (see directCore).
 */
function arrangeForward(w: usize, og: i32, cg: i32, wa: usize): void {
  const KH = gKH, KW = gKW;
  const taps = cg * KH * KW;
  let dst = wa;
  for (let o = 0; o < og; o += 2) {
    for (let i = 0; i < KH; i++) {
      for (let c = 0; c < cg; c++) {
        for (let j = 0; j < KW; j++) {
          const src = (c * KH + i) * KW + j;
          store<f32>(dst, load<f32>(f32ptr(w, o * taps + src)));
          store<f32>(dst, o + 1 < og ? load<f32>(f32ptr(w, (o + 1) * taps + src)) : 0, 4);
          dst += 8;
        }
      }
    }
  }
}

/**
 * Arranges one group's weights for the input gradient: output channel c of the transposed
 * convolution reads input channel o through the flipped tap, `[cg pairs][kh][og][kw][2]` with
 * entry (c, i, o, j) = w[o][c][kh−1−i][kw−1−j].
 */
function arrangeBackward(w: usize, og: i32, cg: i32, wa: usize): void {
  const KH = gKH, KW = gKW;
  const taps = cg * KH * KW;
  let dst = wa;
  for (let c = 0; c < cg; c += 2) {
    for (let i = 0; i < KH; i++) {
      for (let o = 0; o < og; o++) {
        for (let j = 0; j < KW; j++) {
          const src = o * taps + (KH - 1 - i) * KW + (KW - 1 - j);
          store<f32>(dst, load<f32>(f32ptr(w, src + c * KH * KW)));
          store<f32>(dst, c + 1 < cg ? load<f32>(f32ptr(w, src + (c + 1) * KH * KW)) : 0, 4);
          dst += 8;
        }
      }
    }
  }
}

/** Forward, direct: the work items `[item0, item1)` as in conv2dForward. */
function directForward(inp: usize, weight: usize, bias: usize, out: usize, work: usize, item0: i32, item1: i32): void {
  const cg = gC / gG;
  const og = gO / gG;
  const P = gOH * gOW;
  directLayout(gOH, gOW, gKH, gKW, gDH, gDW, gSH, gSW);
  const xp = work;
  const wa = f32ptr(xp, cg * gSH * gSW * dPs);
  const offs = f32ptr(wa, arrangedFloats(og, cg));
  const tmp = f32ptr(offs, cg * gKH * gKW);
  let arrangedGroup = -1;
  const channels = channelsApply(og);
  for (let item = item0; item < item1; item++) {
    const n = item / gG;
    const grp = item % gG;
    if (grp != arrangedGroup) {
      if (channels) arrangeChannels(f32ptr(weight, grp * og * cg * gKH * gKW), og, cg, wa);
      else arrangeForward(f32ptr(weight, grp * og * cg * gKH * gKW), og, cg, wa);
      arrangedGroup = grp;
    }
    padPlanes(f32ptr(inp, (n * gC + grp * cg) * gH * gW), cg, gH, gW, gPT, gPL, xp);
    if (channels) {
      channelCore(xp, cg, og, wa, gOH, gOW, gKH, gKW, gDH, gDW, max(0, gPT), gPT + gH, f32ptr(out, (n * gO + grp * og) * P), bias != 0 ? f32ptr(bias, grp * og) : 0, offs);
      continue;
    }
    directCore(xp, cg, og, wa, gOH, gOW, gKH, gKW, gDH, gDW, max(0, gPT), gPT + gH, f32ptr(out, (n * gO + grp * og) * P), bias != 0 ? f32ptr(bias, grp * og) : 0, offs, tmp);
  }
}

/** Input gradient, direct: the work items `[item0, item1)` as in conv2dBackwardInput. */
function directBackwardInput(gradOut: usize, weight: usize, gradInput: usize, work: usize, item0: i32, item1: i32): void {
  const cg = gC / gG;
  const og = gO / gG;
  const P = gOH * gOW;
  directLayout(gH, gW, gKH, gKW, gDH, gDW, 1, 1);
  const gp = work;
  const wa = f32ptr(gp, og * dPs);
  const offs = f32ptr(wa, arrangedFloats(cg, og));
  const tmp = f32ptr(offs, og * gKH * gKW);
  // the output gradient sits (kh − 1)·dh − padTop rows down and (kw − 1)·dw − padLeft columns right
  const top = (gKH - 1) * gDH - gPT;
  const left = (gKW - 1) * gDW - gPL;
  let arrangedGroup = -1;
  for (let item = item0; item < item1; item++) {
    const n = item / gG;
    const grp = item % gG;
    if (grp != arrangedGroup) {
      arrangeBackward(f32ptr(weight, grp * og * cg * gKH * gKW), og, cg, wa);
      arrangedGroup = grp;
    }
    padPlanes(f32ptr(gradOut, (n * gO + grp * og) * P), og, gOH, gOW, top, left, gp);
    directCore(gp, og, cg, wa, gH, gW, gKH, gKW, gDH, gDW, max(0, top), top + gOH, f32ptr(gradInput, (n * gC + grp * cg) * gH * gW), 0, offs, tmp);
  }
}

/** Whether all `n` floats from `p` are finite (x − x is 0 exactly for finite x, NaN otherwise). */
function allFinite(p: usize, n: i32): bool {
  let bad = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(f32ptr(p, i));
    bad = v128.or(bad, f32x4.ne(f32x4.sub(v, v), f32x4.splat(0)));
  }
  let ok = !v128.any_true(bad);
  for (; i < n; i++) {
    const x = load<f32>(f32ptr(p, i));
    if (x - x != 0) ok = false;
  }
  return ok;
}

/** Σ of the four lanes, in a fixed order. */
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Adds (n > 0) or writes (n = 0) one weight-gradient element. */
@inline function accumulate(at: usize, v: f32, first: bool): void {
  store<f32>(at, first ? v : load<f32>(at) + v);
}

/**
 * Weight gradient, direct: every group's `[og][cg·kh·kw]` block, summed over the batch items
 * `[n0, n1)` one by one (each item's sum over positions is formed in vector lanes, then added).
 */
function directBackwardWeight(inp: usize, gradOut: usize, gradWeight: usize, work: usize, n0: i32, n1: i32): void {
  const cg = gC / gG;
  const og = gO / gG;
  const K = cg * gKH * gKW;
  const P = gOH * gOW;
  directLayout(gOH, gOW, gKH, gKW, gDH, gDW, gSH, gSW);
  const wp = dWp, qp = dQp;
  const images = weightPassImages();
  const xImg = cg * gSH * gSW * dPs; // floats of one item's padded input planes
  const gImg = roundUp(og, 2) * qp; // … and of its output-gradient planes
  const xImgBytes = (<usize>xImg) << 2;
  const gImgBytes = (<usize>gImg) << 2;
  const xp = work;
  const gy = f32ptr(xp, images * xImg);
  const offs = f32ptr(gy, images * gImg); // i32 tap offsets, in floats
  for (let t = 0; t < K; t++) {
    const c = t / (gKH * gKW);
    const i = (t / gKW) % gKH;
    const j = t % gKW;
    store<i32>(offs + ((<usize>t) << 2), tapOffset(c, i, j, gDH, gDW) >> 2);
  }
  // the vectors of positions the sums run over (byte offsets): flat, every one of the padded rows;
  // rowwise, the ⌈ow/4⌉ from each output row's start (the output gradient is zero in the lanes past
  // ow), where they stay inside the padded row and skip at least a tenth of the lanes
  const vt = f32ptr(offs, K);
  const perRow = (gOW + 3) >> 2;
  const rowwise = perRow * 4 <= wp && gOH * perRow * 40 < qp * 9;
  const vectors = rowwise ? gOH * perRow : qp >> 2;
  for (let v = 0; v < vectors; v++) {
    const y = rowwise ? v / perRow : 0;
    store<i32>(vt + ((<usize>v) << 2), rowwise ? (y * wp + (v - y * perRow) * 4) << 2 : v << 4);
  }
  const vEnd = vt + ((<usize>vectors) << 2);
  // the output-gradient planes in the padded row pitch, zero in the dropped columns and the odd pair row
  zeroF32(gy, images * gImg);
  // passes of up to `images` items: each (pair of output channels, 4 taps) keeps its 8 vector sums
  // over the whole pass, so their horizontal sums and the stores into the gradient come once a pass
  for (let p0 = n0; p0 < n1; p0 += images) {
    const count = min(images, n1 - p0);
    const first = p0 == n0;
    for (let grp = 0; grp < gG; grp++) {
      for (let k = 0; k < count; k++) {
        const n = p0 + k;
        padPlanes(f32ptr(inp, (n * gC + grp * cg) * gH * gW), cg, gH, gW, gPT, gPL, f32ptr(xp, k * xImg));
        const dy = f32ptr(gradOut, (n * gO + grp * og) * P);
        const planes = f32ptr(gy, k * gImg);
        for (let o = 0; o < og; o++) {
          for (let oy = 0; oy < gOH; oy++) copyF32(f32ptr(planes, o * qp + oy * wp), f32ptr(dy, (o * gOH + oy) * gOW), gOW);
        }
      }
      const dw = f32ptr(gradWeight, grp * og * K);
      for (let o = 0; o < og; o += 2) {
        const two = o + 1 < og;
        let t = 0;
        for (; t + 4 <= K; t += 4) {
          let x0 = f32ptr(xp, load<i32>(offs + ((<usize>t) << 2)));
          let x1 = f32ptr(xp, load<i32>(offs + ((<usize>(t + 1)) << 2)));
          let x2 = f32ptr(xp, load<i32>(offs + ((<usize>(t + 2)) << 2)));
          let x3 = f32ptr(xp, load<i32>(offs + ((<usize>(t + 3)) << 2)));
          let g0 = f32ptr(gy, o * qp);
          let g1 = f32ptr(gy, (o + 1) * qp);
          let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
          let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
          for (let k = 0; k < count; k++) {
            for (let vp = vt; vp < vEnd; vp += 4) {
              const b = <usize>load<i32>(vp);
              const y0 = v128.load(g0 + b);
              const y1 = v128.load(g1 + b);
              const v0 = v128.load(x0 + b);
              const v1 = v128.load(x1 + b);
              const v2 = v128.load(x2 + b);
              const v3 = v128.load(x3 + b);
              a00 = madd(y0, v0, a00);
              a01 = madd(y0, v1, a01);
              a02 = madd(y0, v2, a02);
              a03 = madd(y0, v3, a03);
              a10 = madd(y1, v0, a10);
              a11 = madd(y1, v1, a11);
              a12 = madd(y1, v2, a12);
              a13 = madd(y1, v3, a13);
            }
            x0 += xImgBytes;
            x1 += xImgBytes;
            x2 += xImgBytes;
            x3 += xImgBytes;
            g0 += gImgBytes;
            g1 += gImgBytes;
          }
          const d0 = f32ptr(dw, o * K + t);
          accumulate(d0, hsum(a00), first);
          accumulate(d0 + 4, hsum(a01), first);
          accumulate(d0 + 8, hsum(a02), first);
          accumulate(d0 + 12, hsum(a03), first);
          if (two) {
            const d1 = f32ptr(dw, (o + 1) * K + t);
            accumulate(d1, hsum(a10), first);
            accumulate(d1 + 4, hsum(a11), first);
            accumulate(d1 + 8, hsum(a12), first);
            accumulate(d1 + 12, hsum(a13), first);
          }
        }
        for (; t < K; t++) {
          let x0 = f32ptr(xp, load<i32>(offs + ((<usize>t) << 2)));
          let g0 = f32ptr(gy, o * qp);
          let g1 = f32ptr(gy, (o + 1) * qp);
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
          for (let k = 0; k < count; k++) {
            for (let vp = vt; vp < vEnd; vp += 4) {
              const b = <usize>load<i32>(vp);
              const v = v128.load(x0 + b);
              a0 = madd(v128.load(g0 + b), v, a0);
              a1 = madd(v128.load(g1 + b), v, a1);
            }
            x0 += xImgBytes;
            g0 += gImgBytes;
            g1 += gImgBytes;
          }
          accumulate(f32ptr(dw, o * K + t), hsum(a0), first);
          if (two) accumulate(f32ptr(dw, (o + 1) * K + t), hsum(a1), first);
        }
      }
    }
  }
}

/**
 * directBackwardWeight with the output channels in the vector lanes, for 16·k output channels per
 * group: each item's output gradient is transposed to `[positions][og]`, and a block of 2 taps ×
 * 16 channels (8 accumulators) runs over the pass's items and their real output positions only,
 * each position 2 broadcast inputs and 4 output-gradient vectors for 8 multiply-adds; the sums
 * need no horizontal step. Same chunks and passes as directBackwardWeight (so the same bits on
 * any number of threads); its own order of addition within an element.
 */
function channelBackwardWeight(inp: usize, gradOut: usize, gradWeight: usize, work: usize, n0: i32, n1: i32): void {
  const cg = gC / gG;
  const og = gO / gG;
  const K = cg * gKH * gKW;
  const P = gOH * gOW;
  directLayout(gOH, gOW, gKH, gKW, gDH, gDW, gSH, gSW);
  const wp = dWp;
  const images = weightPassImages();
  const xImg = cg * gSH * gSW * dPs;
  const gImg = roundUp(og, 2) * dQp; // room for one item's transposed output gradient (og·P floats)
  const xImgBytes = (<usize>xImg) << 2;
  const gImgBytes = (<usize>gImg) << 2;
  const xp = work;
  const gy = f32ptr(xp, images * xImg);
  const offs = f32ptr(gy, images * gImg);
  for (let t = 0; t < K; t++) {
    const c = t / (gKH * gKW);
    const i = (t / gKW) % gKH;
    const j = t % gKW;
    store<i32>(offs + ((<usize>t) << 2), tapOffset(c, i, j, gDH, gDW));
  }
  const posBytes = (<usize>og) << 2; // between positions of the transposed output gradient
  const rowBytes = (<usize>wp) << 2;
  for (let p0 = n0; p0 < n1; p0 += images) {
    const count = min(images, n1 - p0);
    const first = p0 == n0;
    for (let grp = 0; grp < gG; grp++) {
      for (let k = 0; k < count; k++) {
        const n = p0 + k;
        padPlanes(f32ptr(inp, (n * gC + grp * cg) * gH * gW), cg, gH, gW, gPT, gPL, f32ptr(xp, k * xImg));
        const dy = f32ptr(gradOut, (n * gO + grp * og) * P);
        const dt = f32ptr(gy, k * gImg);
        for (let o = 0; o < og; o++) {
          for (let q = 0; q < P; q++) store<f32>(f32ptr(dt, q * og + o), load<f32>(f32ptr(dy, o * P + q)));
        }
      }
      const dw = f32ptr(gradWeight, grp * og * K);
      for (let o = 0; o < og; o += 16) {
        for (let t = 0; t < K; t += 2) {
          const t1 = min(t + 1, K - 1); // an odd last tap is computed twice, stored once
          const off0 = <usize>load<i32>(offs + ((<usize>t) << 2));
          const off1 = <usize>load<i32>(offs + ((<usize>t1) << 2));
          let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
          let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
          for (let k = 0; k < count; k++) {
            let row = xp + <usize>k * xImgBytes;
            let d = f32ptr(gy, k * gImg + o);
            for (let oy = 0; oy < gOH; oy++) {
              const end = row + ((<usize>gOW) << 2);
              for (let a = row; a < end; a += 4) {
                const x0 = v128.load32_splat(a + off0);
                const x1 = v128.load32_splat(a + off1);
                const y0 = v128.load(d);
                const y1 = v128.load(d, 16);
                const y2 = v128.load(d, 32);
                const y3 = v128.load(d, 48);
                a00 = madd(x0, y0, a00);
                a01 = madd(x0, y1, a01);
                a02 = madd(x0, y2, a02);
                a03 = madd(x0, y3, a03);
                a10 = madd(x1, y0, a10);
                a11 = madd(x1, y1, a11);
                a12 = madd(x1, y2, a12);
                a13 = madd(x1, y3, a13);
                d += posBytes;
              }
              row += rowBytes;
            }
          }
          const kBytes = (<usize>K) << 2;
          const d0 = f32ptr(dw, o * K + t);
          storeTapSums(d0, kBytes, a00, first);
          storeTapSums(d0 + 4 * kBytes, kBytes, a01, first);
          storeTapSums(d0 + 8 * kBytes, kBytes, a02, first);
          storeTapSums(d0 + 12 * kBytes, kBytes, a03, first);
          if (t1 > t) {
            storeTapSums(d0 + 4, kBytes, a10, first);
            storeTapSums(d0 + 4 + 4 * kBytes, kBytes, a11, first);
            storeTapSums(d0 + 4 + 8 * kBytes, kBytes, a12, first);
            storeTapSums(d0 + 4 + 12 * kBytes, kBytes, a13, first);
          }
        }
      }
    }
  }
}

/**
 * Whether the direct weight gradient runs on channelBackwardWeight: 16·k output channels per
 * group and output rows that leave over a tenth of directBackwardWeight's position lanes empty
 * (4·⌈ow/4⌉ lanes for ow positions). Against directBackwardWeight, both builds interleaved in one
 * process: 1.15–1.16× on LeNet's second layer and S2 (ow 10), 1.16× on 64 channels at 7×7, 1.08×
 * on 32 at 14×14; 0.92–0.97× where rows fill the lanes (S4's 28, a 32-wide layer), hence the rule.
 */
function channelWeightApplies(og: i32): bool {
  const lanes = ((gOW + 3) >> 2) << 2;
  return og % 16 == 0 && gOW >= 2 && (lanes - gOW) * 10 > lanes;
}

/** Lane l of `v` (channel l's sum for one tap) written (first) or added at `d + l·kBytes`. */
@inline function storeTapSums(d: usize, kBytes: usize, v: v128, first: bool): void {
  accumulate(d, f32x4.extract_lane(v, 0), first);
  accumulate(d + kBytes, f32x4.extract_lane(v, 1), first);
  accumulate(d + 2 * kBytes, f32x4.extract_lane(v, 2), first);
  accumulate(d + 3 * kBytes, f32x4.extract_lane(v, 3), first);
}

/**
 * Items per pass of directBackwardWeight: as many as keep what one (channel pair, 4 taps) block
 * sweeps (an input plane and two output-gradient planes per item) within about 24 KiB, so in L1,
 * and all the pass's planes within 256 KiB; at most a chunk's worth (see weightChunks), at least one.
 */
function weightPassImages(): i32 {
  const cg = gC / gG;
  const og = gO / gG;
  const perItem = (cg * gSH * gSW * dPs + roundUp(og, 2) * dQp) * 4;
  const swept = (gSH * gSW * dPs + 2 * dQp) * 4;
  const chunk = (gN + weightChunks() - 1) / weightChunks();
  return max(1, min(chunk, min((24 * 1024) / max(1, swept), (256 * 1024) / max(1, perItem))));
}

/**
 * The batch chunks of the direct weight gradient over threads (conv2dBackwardWeightChunks): up to
 * 16, fewer for a small batch or a weight so large that 16 partial sums of it would pass 16 MiB.
 * The count depends on the geometry alone, never on the thread count, so the order of the sum,
 * and every bit of the result, is the same however many threads share the chunks.
 */
export function weightChunks(): i32 {
  const weight = gO * (gC / gG) * gKH * gKW;
  return max(1, min(gN, min(16, (1 << 22) / max(1, weight))));
}

/**
 * Weight gradient, direct, split over the batch: for chunks `[c0, c1)` of weightChunks(), the
 * chunk's sum over its items (all taps, all groups) into `partials` + c·(weight floats). Splitting
 * the taps among threads instead would make every thread pad every input plane; a chunk pads only
 * its own items; sumWeightChunks adds the chunks. For finite inputs only: the direct kernel
 * multiplies the dropped columns' zero gradients by real inputs, exact unless an input is ±∞ or
 * NaN (0·∞ = NaN); the caller takes conv2dBackwardWeight (im2col, PyTorch's result) otherwise.
 */
export function conv2dBackwardWeightChunks(inp: usize, gradOut: usize, partials: usize, work: usize, c0: i32, c1: i32, algo: i32): void {
  const chunks = weightChunks();
  const K = (gC / gG) * gKH * gKW;
  const weight = gO * K;
  const outItem = gO * gOH * gOW;
  const inItem = gC * gH * gW;
  const channels = channelWeightApplies(gO / gG);
  for (let c = c0; c < c1; c++) {
    const n0 = <i32>((<i64>c * gN) / chunks);
    const n1 = <i32>((<i64>(c + 1) * gN) / chunks);
    const dw = f32ptr(partials, c * weight);
    const winograd = algo == 3 && winogradApplies() && allModest(f32ptr(gradOut, n0 * outItem), (n1 - n0) * outItem) && allModest(f32ptr(inp, n0 * inItem), (n1 - n0) * inItem);
    if (winograd) winogradBackwardWeight(inp, gradOut, dw, work, n0, n1);
    else if (channels) channelBackwardWeight(inp, gradOut, dw, work, n0, n1);
    else directBackwardWeight(inp, gradOut, dw, work, n0, n1);
  }
}

/** `gradWeight = ((p₀ + p₁) + p₂) + …`, the weightChunks() partial sums at `partials`, in order. */
export function sumWeightChunks(partials: usize, gradWeight: usize): void {
  const chunks = weightChunks();
  const weight = gO * (gC / gG) * gKH * gKW;
  copyF32(gradWeight, partials, weight);
  for (let c = 1; c < chunks; c++) {
    const p = f32ptr(partials, c * weight);
    let i = 0;
    for (; i + 4 <= weight; i += 4) v128.store(f32ptr(gradWeight, i), f32x4.add(v128.load(f32ptr(gradWeight, i)), v128.load(f32ptr(p, i))));
    for (; i < weight; i++) store<f32>(f32ptr(gradWeight, i), load<f32>(f32ptr(gradWeight, i)) + load<f32>(f32ptr(p, i)));
  }
}

/**
 * Whether all `n` floats from `p` are below 2¹²⁴ in magnitude (so finite, not NaN): Winograd's
 * transforms add up to 4 of them (4 · 2¹²⁴ = 2¹²⁶ still fits a float32), where larger values
 * could overflow to ±∞ in a sum that direct convolution never forms (±3·10³⁸ two rows apart gave
 * ∞ for an output the direct kernel computes as 0).
 */
function allModest(p: usize, n: i32): bool {
  const limit = f32x4.splat(<f32>2.1267647932558654e37); // 2^124
  let ok = i32x4.splat(-1);
  let i = 0;
  for (; i + 4 <= n; i += 4) ok = v128.and(ok, f32x4.lt(f32x4.abs(v128.load(f32ptr(p, i))), limit));
  let fine = v128.all_true<i32>(ok);
  for (; i < n; i++) {
    if (!(Mathf.abs(load<f32>(f32ptr(p, i))) < <f32>2.1267647932558654e37)) fine = false;
  }
  return fine;
}

/** 1 when all `n` floats from `p` are finite, else 0 (for the caller's choice of algorithm). */
export function allFiniteF32(p: usize, n: i32): i32 {
  return allFinite(p, n) ? 1 : 0;
}

/**
 * The bias gradient of the convolution set by setConvGeometry, `gradBias[o] = Σ_{n, p}
 * gradOut[n, o, p]`, in f64 and in exactly the order of jsBackend's convBiasGradient (so the two
 * agree bit for bit): each plane in eight partial sums, element i into partial i mod 8, which
 * are the f64 lanes of a, b, c, d (s0 s1 | s2 s3 | s4 s5 | s6 s7), combined as
 * ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)); then the plane's last P mod 8 elements in
 * order; the planes added in batch order.
 */
export function convBiasGradient(gradOut: usize, gradBias: usize): void {
  const P = gOH * gOW;
  const P8 = P & ~7;
  const zero = f64x2.splat(0);
  for (let o = 0; o < gO; o++) {
    let acc: f64 = 0;
    for (let n = 0; n < gN; n++) {
      const p = f32ptr(gradOut, (n * gO + o) * P);
      let a = zero;
      let b = zero;
      let c = zero;
      let d = zero;
      for (let i = 0; i < P8; i += 8) {
        const v = v128.load(f32ptr(p, i));
        const w = v128.load(f32ptr(p, i + 4));
        a = f64x2.add(a, f64x2.promote_low_f32x4(v));
        b = f64x2.add(b, promoteHigh(v));
        c = f64x2.add(c, f64x2.promote_low_f32x4(w));
        d = f64x2.add(d, promoteHigh(w));
      }
      const t = f64x2.add(f64x2.add(a, c), f64x2.add(b, d));
      let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
      for (let i = P8; i < P; i++) s += <f64>load<f32>(f32ptr(p, i));
      acc += s;
    }
    store<f32>(f32ptr(gradBias, o), <f32>acc);
  }
}

// ---------------------------------------------------------------------------------------------
// Pooling (see Backend's Pool2dGeometry); the same arithmetic as the pure-TypeScript kernels, so
// the results are bit-identical (average sums are accumulated in f64, as JS numbers are).
// ---------------------------------------------------------------------------------------------

let pPlanes: i32 = 0;
let pH: i32 = 0;
let pW: i32 = 0;
let pOH: i32 = 0;
let pOW: i32 = 0;
let pKH: i32 = 1;
let pKW: i32 = 1;
let pSH: i32 = 1;
let pSW: i32 = 1;
let pPH: i32 = 0;
let pPW: i32 = 0;
let pDH: i32 = 1;
let pDW: i32 = 1;

/** Sets the geometry the pooling kernels below use (the fields of Pool2dGeometry, in order). */
export function setPoolGeometry(
  planes: i32, inHeight: i32, inWidth: i32, outHeight: i32, outWidth: i32, kernelHeight: i32, kernelWidth: i32,
  strideH: i32, strideW: i32, padH: i32, padW: i32, dilationH: i32, dilationW: i32,
): void {
  pPlanes = planes;
  pH = inHeight;
  pW = inWidth;
  pOH = outHeight;
  pOW = outWidth;
  pKH = kernelHeight;
  pKW = kernelWidth;
  pSH = strideH;
  pSW = strideW;
  pPH = padH;
  pPW = padW;
  pDH = dilationH;
  pDW = dilationW;
}

/** Scratch bytes of the pooling kernels: window bounds (6 i32 per output row/column) and one f64 divisor per output of a plane. */
export function poolWorkBytes(): i32 {
  return roundUp(6 * (pOH + pOW), 2) * 4 + pOH * pOW * 8;
}

/**
 * Bounds of the max-pooling windows along one dim: window `o` taps `o·stride − pad + j·dilation`;
 * taps in the padding are skipped (the start advances by whole dilation steps). Writes `start` and
 * `end` (one past the last input index a tap may reach), i32 each.
 */
function maxBounds(start: usize, end: usize, outSize: i32, inSize: i32, kernel: i32, stride: i32, pad: i32, dilation: i32): void {
  for (let o = 0; o < outSize; o++) {
    let s = o * stride - pad;
    const e = min(s + (kernel - 1) * dilation + 1, inSize);
    if (s < 0) s += ((-s + dilation - 1) / dilation) * dilation;
    store<i32>(start + (<usize>o << 2), s);
    store<i32>(end + (<usize>o << 2), e);
  }
}

/**
 * Max pooling forward over 2×2 windows of stride 2 that tile the input (no padding or dilation),
 * 4 windows per step: the even and odd columns of both rows are split into lanes and visited in
 * the scalar loop's order (top left, top right, bottom left, bottom right), each lane taking a
 * value that is greater or NaN, so every maximum and index is the same bit for bit.
 */
function max2x2Forward(inp: usize, out: usize, indices: usize): void {
  const W = pW, OH = pOH, OW = pOW;
  const inPlane = pH * pW;
  const lanes = i32x4(0, 2, 4, 6);
  let o = 0;
  for (let p = 0; p < pPlanes; p++) {
    const plane = f32ptr(inp, p * inPlane);
    for (let oh = 0; oh < OH; oh++) {
      const row = oh * 2 * W;
      const top = f32ptr(plane, row);
      const bottom = f32ptr(top, W);
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4, o += 4) {
        const at = <usize>ow << 3; // 2·ow floats
        const t0 = v128.load(top + at);
        const t1 = v128.load(top + at, 16);
        const b0 = v128.load(bottom + at);
        const b1 = v128.load(bottom + at, 16);
        const first = i32x4.add(i32x4.splat(row + 2 * ow), lanes);
        let best = f32x4.splat(-Infinity);
        let index = first;
        // (v > best) | (v ≠ v): a greater value or a NaN takes the lane
        let v = i32x4.shuffle(t0, t1, 0, 2, 4, 6);
        let take = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = v128.bitselect(v, best, take);
        v = i32x4.shuffle(t0, t1, 1, 3, 5, 7);
        take = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = v128.bitselect(v, best, take);
        index = v128.bitselect(i32x4.add(first, i32x4.splat(1)), index, take);
        v = i32x4.shuffle(b0, b1, 0, 2, 4, 6);
        take = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = v128.bitselect(v, best, take);
        index = v128.bitselect(i32x4.add(first, i32x4.splat(W)), index, take);
        v = i32x4.shuffle(b0, b1, 1, 3, 5, 7);
        take = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = v128.bitselect(v, best, take);
        index = v128.bitselect(i32x4.add(first, i32x4.splat(W + 1)), index, take);
        v128.store(f32ptr(out, o), best);
        v128.store(indices + (<usize>o << 2), index);
      }
      for (; ow < OW; ow++, o++) {
        let best: f32 = -Infinity;
        let bestIndex = row + 2 * ow;
        for (let r = 0; r < 2; r++) {
          for (let c = 0; c < 2; c++) {
            const i = row + r * W + 2 * ow + c;
            const v = load<f32>(f32ptr(plane, i));
            if (v > best || v != v) {
              best = v;
              bestIndex = i;
            }
          }
        }
        store<f32>(f32ptr(out, o), best);
        store<i32>(indices + (<usize>o << 2), bestIndex);
      }
    }
  }
}

/**
 * Max pooling forward (`Backend.maxPool2dForward`): the maximum of each window and the flat index
 * `h·inWidth + w` of its first occurrence; a NaN wins (the last NaN of the window gives the index);
 * a window with no input element gives −∞ and index −1.
 */
export function maxPool2dForward(inp: usize, out: usize, indices: usize, work: usize): void {
  if (pKH == 2 && pKW == 2 && pSH == 2 && pSW == 2 && pPH == 0 && pPW == 0 && pDH == 1 && pDW == 1 && pOH * 2 <= pH && pOW * 2 <= pW) {
    max2x2Forward(inp, out, indices);
    return;
  }
  const W = pW;
  const hStart = work;
  const hEnd = hStart + (<usize>pOH << 2);
  const wStart = hEnd + (<usize>pOH << 2);
  const wEnd = wStart + (<usize>pOW << 2);
  maxBounds(hStart, hEnd, pOH, pH, pKH, pSH, pPH, pDH);
  maxBounds(wStart, wEnd, pOW, pW, pKW, pSW, pPW, pDW);
  const inPlane = pH * pW;
  const DH = pDH, DW = pDW;
  let o = 0;
  for (let p = 0; p < pPlanes; p++) {
    const base = f32ptr(inp, p * inPlane);
    for (let oh = 0; oh < pOH; oh++) {
      const h0 = load<i32>(hStart + (<usize>oh << 2));
      const h1 = load<i32>(hEnd + (<usize>oh << 2));
      for (let ow = 0; ow < pOW; ow++, o++) {
        const w0 = load<i32>(wStart + (<usize>ow << 2));
        const w1 = load<i32>(wEnd + (<usize>ow << 2));
        let best: f32 = -Infinity;
        let bestIndex: i32 = h0 < h1 && w0 < w1 ? h0 * W + w0 : -1;
        for (let ih = h0; ih < h1; ih += DH) {
          const row = ih * W;
          for (let iw = row + w0, iwEnd = row + w1; iw < iwEnd; iw += DW) {
            const v = load<f32>(f32ptr(base, iw));
            if (v > best || v != v) {
              best = v;
              bestIndex = iw;
            }
          }
        }
        store<f32>(f32ptr(out, o), best);
        store<i32>(indices + (<usize>o << 2), bestIndex);
      }
    }
  }
}

/** Max pooling backward (`Backend.maxPool2dBackward`): zeroes gradInput, routes each gradient to its index (negative: nowhere). */
export function maxPool2dBackward(gradOut: usize, indices: usize, gradInput: usize): void {
  const inPlane = pH * pW;
  const outPlane = pOH * pOW;
  zeroF32(gradInput, pPlanes * inPlane);
  let o = 0;
  for (let p = 0; p < pPlanes; p++) {
    const base = f32ptr(gradInput, p * inPlane);
    for (const oEnd = o + outPlane; o < oEnd; o++) {
      const idx = load<i32>(indices + (<usize>o << 2));
      if (idx >= 0) {
        const d = f32ptr(base, idx);
        store<f32>(d, load<f32>(d) + load<f32>(f32ptr(gradOut, o)));
      }
    }
  }
}

/**
 * Bounds of the average-pooling windows along one dim: window `o` covers `[o·stride − pad,
 * o·stride − pad + kernel)`, cut at the end of the padded input; `padded` is that extent, `start`
 * and `end` the part within `[0, inSize)`.
 */
function avgBounds(start: usize, end: usize, padded: usize, outSize: i32, inSize: i32, kernel: i32, stride: i32, pad: i32): void {
  for (let o = 0; o < outSize; o++) {
    const s = o * stride - pad;
    const e = min(s + kernel, inSize + pad);
    const at = <usize>o << 2;
    store<i32>(padded + at, e - s);
    store<i32>(start + at, max(s, 0));
    store<i32>(end + at, min(e, inSize));
  }
}

/**
 * Fills the bounds and the f64 divisor of every window of one output plane (0 for a window with no
 * input element) into `work`; returns the pointer to the divisors.
 */
function avgSetup(work: usize, countIncludePad: i32, hasOverride: i32, divisorOverride: f64): usize {
  const hStart = work;
  const hEnd = hStart + (<usize>pOH << 2);
  const hPad = hEnd + (<usize>pOH << 2);
  const wStart = hPad + (<usize>pOH << 2);
  const wEnd = wStart + (<usize>pOW << 2);
  const wPad = wEnd + (<usize>pOW << 2);
  avgBounds(hStart, hEnd, hPad, pOH, pH, pKH, pSH, pPH);
  avgBounds(wStart, wEnd, wPad, pOW, pW, pKW, pSW, pPW);
  const div = work + (<usize>roundUp(6 * (pOH + pOW), 2) << 2);
  let o = 0;
  for (let oh = 0; oh < pOH; oh++) {
    const at = <usize>oh << 2;
    const hn = load<i32>(hEnd + at) - load<i32>(hStart + at);
    for (let ow = 0; ow < pOW; ow++, o++) {
      const bt = <usize>ow << 2;
      const wn = load<i32>(wEnd + bt) - load<i32>(wStart + bt);
      let d: f64 = 0;
      if (hn <= 0 || wn <= 0) d = 0;
      else if (hasOverride) d = divisorOverride;
      else if (countIncludePad) d = <f64>(load<i32>(hPad + at) * load<i32>(wPad + bt));
      else d = <f64>(hn * wn);
      store<f64>(div + (<usize>o << 3), d);
    }
  }
  return div;
}

/**
 * Whether the pooling windows tile the input: no padding or dilation, stride = kernel, every
 * window inside (LeNet's 2×2 stride 2). Then every window has the divisor kh·kw (or the override)
 * and each input element is in at most one window, so the per-window bounds and divisors of the
 * general loops are not needed (the arithmetic, and so every result, is the same).
 */
function avgTiles(): bool {
  return pPH == 0 && pPW == 0 && pDH == 1 && pDW == 1 && pKH == pSH && pKW == pSW && pOH * pKH <= pH && pOW * pKW <= pW;
}

/** Average pooling forward over tiling windows (see avgTiles), dividing by `d`. */
function avgTiledForward(d: f64, inp: usize, out: usize): void {
  const KH = pKH, KW = pKW, W = pW, OH = pOH, OW = pOW;
  const inPlane = pH * pW;
  let o = 0;
  for (let p = 0; p < pPlanes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      const row = p * inPlane + oh * KH * W;
      for (let ow = 0; ow < OW; ow++, o++) {
        let sum: f64 = 0;
        for (let r = row + ow * KW, rEnd = r + KH * W; r < rEnd; r += W) {
          for (let i = r, iEnd = r + KW; i < iEnd; i++) sum += <f64>load<f32>(f32ptr(inp, i));
        }
        store<f32>(f32ptr(out, o), d == 0 ? 0 : <f32>(sum / d));
      }
    }
  }
}

/** Average pooling backward over tiling windows (see avgTiles): each window gets its gradient / `d`. */
function avgTiledBackward(d: f64, gradOut: usize, gradInput: usize): void {
  const KH = pKH, KW = pKW, W = pW, OH = pOH, OW = pOW;
  const inPlane = pH * pW;
  zeroF32(gradInput, pPlanes * inPlane);
  if (d == 0) return;
  let o = 0;
  for (let p = 0; p < pPlanes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      const row = p * inPlane + oh * KH * W;
      for (let ow = 0; ow < OW; ow++, o++) {
        // 0 + g/d, in f64: the general loop adds g/d to a zeroed input (see avgTiled2x2Backward)
        const gv = <f32>(<f64>0 + <f64>load<f32>(f32ptr(gradOut, o)) / d);
        for (let r = row + ow * KW, rEnd = r + KH * W; r < rEnd; r += W) {
          for (let i = r, iEnd = r + KW; i < iEnd; i++) store<f32>(f32ptr(gradInput, i), gv);
        }
      }
    }
  }
}

/**
 * Whether `d` is a positive normal power of two: then `x / d` and `x · (1/d)` are the same number
 * (1/d is exact, so both round the same exact quotient once), and the multiply is much cheaper.
 */
function isPowerOfTwo(d: f64): bool {
  const bits = reinterpret<u64>(d);
  const e = (bits >> 52) & 0x7ff;
  return (bits & 0xfffffffffffff) == 0 && e > 0 && e < 0x7ff && (bits >> 63) == 0;
}

/** `s / d`, or `s · r` where `r = 1/d` is exact (see isPowerOfTwo), in both f64 lanes. */
@inline function divide2(s: v128, d: v128, r: v128, exact: bool): v128 {
  return exact ? f64x2.mul(s, r) : f64x2.div(s, d);
}

/** f64 lanes 2 and 3 of the f32 lanes of `v`, promoted (as promote_low does lanes 0 and 1). */
@inline function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1));
}

/**
 * avgTiledForward for 2×2 windows (LeNet's pooling), 4 windows per step: the even and odd columns
 * of both rows are split into lanes and summed in f64 in the scalar loop's order (0 + top left +
 * top right + bottom left + bottom right), so every result is the same bit for bit.
 */
function avgTiled2x2Forward(d: f64, inp: usize, out: usize): void {
  const W = pW, OH = pOH, OW = pOW;
  const inPlane = pH * pW;
  const exact = isPowerOfTwo(d);
  const dv = f64x2.splat(d);
  const rv = f64x2.splat(1 / d);
  const zero = f64x2.splat(0);
  let o = 0;
  for (let p = 0; p < pPlanes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      const top = f32ptr(inp, p * inPlane + oh * 2 * W);
      const bottom = f32ptr(top, W);
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4, o += 4) {
        const at = <usize>ow << 3; // 2·ow floats
        const t0 = v128.load(top + at);
        const t1 = v128.load(top + at, 16);
        const b0 = v128.load(bottom + at);
        const b1 = v128.load(bottom + at, 16);
        const te = i32x4.shuffle(t0, t1, 0, 2, 4, 6);
        const to = i32x4.shuffle(t0, t1, 1, 3, 5, 7);
        const be = i32x4.shuffle(b0, b1, 0, 2, 4, 6);
        const bo = i32x4.shuffle(b0, b1, 1, 3, 5, 7);
        let lo = f64x2.add(zero, f64x2.promote_low_f32x4(te));
        lo = f64x2.add(lo, f64x2.promote_low_f32x4(to));
        lo = f64x2.add(lo, f64x2.promote_low_f32x4(be));
        lo = f64x2.add(lo, f64x2.promote_low_f32x4(bo));
        let hi = f64x2.add(zero, promoteHigh(te));
        hi = f64x2.add(hi, promoteHigh(to));
        hi = f64x2.add(hi, promoteHigh(be));
        hi = f64x2.add(hi, promoteHigh(bo));
        const qlo = f32x4.demote_f64x2_zero(divide2(lo, dv, rv, exact));
        const qhi = f32x4.demote_f64x2_zero(divide2(hi, dv, rv, exact));
        v128.store(f32ptr(out, o), i64x2.shuffle(qlo, qhi, 0, 2));
      }
      for (; ow < OW; ow++, o++) {
        const i = <usize>ow << 3;
        let sum: f64 = 0;
        sum += <f64>load<f32>(top + i);
        sum += <f64>load<f32>(top + i, 4);
        sum += <f64>load<f32>(bottom + i);
        sum += <f64>load<f32>(bottom + i, 4);
        store<f32>(f32ptr(out, o), <f32>(sum / d));
      }
    }
  }
}

/**
 * avgTiledBackward for 2×2 windows, 4 windows per step: each gradient / d (in f64, rounded to f32,
 * as the scalar loop) is written to its window's 4 elements; when the windows cover the whole
 * input nothing is zeroed first.
 */
function avgTiled2x2Backward(d: f64, gradOut: usize, gradInput: usize): void {
  const W = pW, OH = pOH, OW = pOW;
  const inPlane = pH * pW;
  if (OH * 2 != pH || OW * 2 != W) zeroF32(gradInput, pPlanes * inPlane);
  const exact = isPowerOfTwo(d);
  const dv = f64x2.splat(d);
  const rv = f64x2.splat(1 / d);
  const zero = f64x2.splat(0);
  let o = 0;
  for (let p = 0; p < pPlanes; p++) {
    for (let oh = 0; oh < OH; oh++) {
      const top = f32ptr(gradInput, p * inPlane + oh * 2 * W);
      const bottom = f32ptr(top, W);
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4, o += 4) {
        // 0 + g/d in f64, then rounded: the general loop adds g/d to a zeroed input (a −0, or a
        // negative quotient that rounds to −0 in f32, gives 0)
        const g = v128.load(f32ptr(gradOut, o));
        const qlo = f32x4.demote_f64x2_zero(f64x2.add(zero, divide2(f64x2.promote_low_f32x4(g), dv, rv, exact)));
        const qhi = f32x4.demote_f64x2_zero(f64x2.add(zero, divide2(promoteHigh(g), dv, rv, exact)));
        const q = i64x2.shuffle(qlo, qhi, 0, 2); // the 4 window values
        const left = i32x4.shuffle(q, q, 0, 0, 1, 1);
        const right = i32x4.shuffle(q, q, 2, 2, 3, 3);
        const at = <usize>ow << 3;
        v128.store(top + at, left);
        v128.store(top + at, right, 16);
        v128.store(bottom + at, left);
        v128.store(bottom + at, right, 16);
      }
      for (; ow < OW; ow++, o++) {
        const gv = <f32>(<f64>0 + <f64>load<f32>(f32ptr(gradOut, o)) / d);
        const i = <usize>ow << 3;
        store<f32>(top + i, gv);
        store<f32>(top + i, gv, 4);
        store<f32>(bottom + i, gv);
        store<f32>(bottom + i, gv, 4);
      }
    }
  }
}

/** Average pooling forward (`Backend.avgPool2dForward`); `work` has poolWorkBytes() bytes. */
export function avgPool2dForward(countIncludePad: i32, hasOverride: i32, divisorOverride: f64, inp: usize, out: usize, work: usize): void {
  if (avgTiles()) {
    const d = pOH > 0 && pOW > 0 ? (hasOverride ? divisorOverride : <f64>(pKH * pKW)) : 0;
    if (pKH == 2 && pKW == 2 && d != 0) avgTiled2x2Forward(d, inp, out);
    else avgTiledForward(d, inp, out);
    return;
  }
  const div = avgSetup(work, countIncludePad, hasOverride, divisorOverride);
  const hStart = work;
  const hEnd = hStart + (<usize>pOH << 2);
  const wStart = hEnd + (<usize>(2 * pOH) << 2);
  const wEnd = wStart + (<usize>pOW << 2);
  const W = pW;
  const inPlane = pH * pW;
  let o = 0;
  for (let p = 0; p < pPlanes; p++) {
    const base = p * inPlane;
    let d = 0;
    for (let oh = 0; oh < pOH; oh++) {
      const r0 = base + load<i32>(hStart + (<usize>oh << 2)) * W;
      const r1 = base + load<i32>(hEnd + (<usize>oh << 2)) * W;
      for (let ow = 0; ow < pOW; ow++, o++, d++) {
        const dv = load<f64>(div + (<usize>d << 3));
        if (dv == 0) {
          store<f32>(f32ptr(out, o), 0);
          continue;
        }
        const w0 = load<i32>(wStart + (<usize>ow << 2));
        const w1 = load<i32>(wEnd + (<usize>ow << 2));
        let sum: f64 = 0;
        for (let r = r0; r < r1; r += W) {
          for (let i = r + w0, iEnd = r + w1; i < iEnd; i++) sum += <f64>load<f32>(f32ptr(inp, i));
        }
        store<f32>(f32ptr(out, o), <f32>(sum / dv));
      }
    }
  }
}

/** Average pooling backward (`Backend.avgPool2dBackward`); `work` has poolWorkBytes() bytes. */
export function avgPool2dBackward(countIncludePad: i32, hasOverride: i32, divisorOverride: f64, gradOut: usize, gradInput: usize, work: usize): void {
  if (avgTiles()) {
    const d = hasOverride ? divisorOverride : <f64>(pKH * pKW);
    if (pKH == 2 && pKW == 2 && d != 0) avgTiled2x2Backward(d, gradOut, gradInput);
    else avgTiledBackward(d, gradOut, gradInput);
    return;
  }
  const div = avgSetup(work, countIncludePad, hasOverride, divisorOverride);
  const hStart = work;
  const hEnd = hStart + (<usize>pOH << 2);
  const wStart = hEnd + (<usize>(2 * pOH) << 2);
  const wEnd = wStart + (<usize>pOW << 2);
  const W = pW;
  const inPlane = pH * pW;
  zeroF32(gradInput, pPlanes * inPlane);
  let o = 0;
  for (let p = 0; p < pPlanes; p++) {
    const base = p * inPlane;
    let d = 0;
    for (let oh = 0; oh < pOH; oh++) {
      const r0 = base + load<i32>(hStart + (<usize>oh << 2)) * W;
      const r1 = base + load<i32>(hEnd + (<usize>oh << 2)) * W;
      for (let ow = 0; ow < pOW; ow++, o++, d++) {
        const dv = load<f64>(div + (<usize>d << 3));
        if (dv == 0) continue;
        const gv: f64 = <f64>load<f32>(f32ptr(gradOut, o)) / dv;
        const w0 = load<i32>(wStart + (<usize>ow << 2));
        const w1 = load<i32>(wEnd + (<usize>ow << 2));
        for (let r = r0; r < r1; r += W) {
          for (let i = r + w0, iEnd = r + w1; i < iEnd; i++) {
            const at = f32ptr(gradInput, i);
            store<f32>(at, <f32>(<f64>load<f32>(at) + gv));
          }
        }
      }
    }
  }
}
export * from './activation';
