import type { FloatArray } from '../backend.js';

/**
 * Row-major GEMM `C = alpha · op(A) · op(B) + beta · C` (see `Backend.gemm`).
 * PLACEHOLDER: a plain triple loop; to be replaced by the cache-blocked, register-blocked kernel.
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
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOffset + p * lda + i]! : a[aOffset + i * lda + p]!;
        const bv = transB ? b[bOffset + j * ldb + p]! : b[bOffset + p * ldb + j]!;
        s += av * bv;
      }
      const ci = cOffset + i * ldc + j;
      c[ci] = beta === 0 ? alpha * s : alpha * s + beta * c[ci]!;
    }
  }
}
