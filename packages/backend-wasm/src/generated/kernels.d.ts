// The types of src/generated/kernels.js, which scripts/build-wasm.mjs writes (git-ignored); this
// declaration is committed so that typecheck and lint work in a fresh clone before the first build.

/** The plain-SIMD build of asm/kernels.ts (a WebAssembly module), base64. */
export declare const simd: string;
/** The relaxed-SIMD build of asm/kernels.ts (a WebAssembly module), base64. */
export declare const relaxedSimd: string;
/** The plain-SIMD build over a shared memory (for worker threads), base64. */
export declare const simdThreads: string;
/** The relaxed-SIMD build over a shared memory (for worker threads), base64. */
export declare const relaxedSimdThreads: string;
