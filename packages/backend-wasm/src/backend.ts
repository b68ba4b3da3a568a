/**
 * The WebAssembly backend: the `Backend` of @torchlet/ndarray over the kernels of asm/kernels.ts.
 *
 * Memory model: the backend owns one `WebAssembly.Memory`. Each call lays its operands and scratch
 * out from the module's heap base up (the same addresses every call, so the scratch is reused),
 * grows the memory when the call needs more than it holds, copies the typed arrays in, runs the
 * kernel and copies the result out. Tensors stay ordinary JS typed arrays owned by the garbage
 * collector: nothing to dispose, nothing kept between calls. The memory only grows (WebAssembly
 * memories cannot shrink), to the largest call so far (see `memoryBytes`).
 *
 * float64 storage is not computed in WebAssembly: such calls go to the pure-TypeScript `jsBackend`
 * of @torchlet/ndarray (float64 is for checking gradients, not for training speed).
 *
 * Threads (Node only, see threads.ts): with `numThreads > 1` the memory is shared with worker
 * threads, and a GEMM or convolution of at least `minParallelFlops` is split among them: GEMM by
 * columns (or rows) of C, the forward and input-gradient convolutions by (batch item, group), the
 * weight gradient by columns of the weight blocks. Each split computes every output element with
 * exactly the operations of the one-thread kernel, so results do not depend on the thread count.
 * Calls that run on one thread (below that size, pooling, the sigmoid gradient) go to a second,
 * one-thread instance over a private memory: V8 copies into and out of shared memory at about
 * half the speed.
 */
import { jsBackend, type AvgPoolDivisor, type Backend, type Conv2dGeometry, type FloatArray, type Pool2dGeometry } from '@torchlet/ndarray';
import { compile, instantiate, selectBuild, type KernelExports, type WasmBuild } from './module.js';
import { CONTROL_BYTES, Cmd, MAX_THREADS, ThreadPool, callKernel, nodeBuiltin, workerConstructor, type OwnShare } from './threads.js';

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * Which build to load: `'auto'` (default) takes `'relaxed-simd'` when `WebAssembly.validate`
   * accepts it and falls back to `'simd'` otherwise; naming a build forces it (and throws if the
   * engine does not support it).
   */
  build?: WasmBuild | 'auto';
  /** Bytes of WebAssembly memory to reserve up front (default 16 MiB); it grows on demand anyway. */
  initialMemoryBytes?: number;
  /**
   * Threads computing each large call (default 1): the calling thread plus `numThreads − 1`
   * worker threads over a shared memory; `'auto'` is the number of logical CPUs. Node only: where
   * worker_threads or SharedArrayBuffer are unavailable (browsers, for now), it is 1.
   */
  numThreads?: number | 'auto';
  /** Only a GEMM or convolution of at least this many floating-point operations is split among threads (default 32 M). */
  minParallelFlops?: number;
  /**
   * How stride-1 convolutions run: `'auto'` (default) picks per call and direction between
   * im2col + GEMM and the direct kernels (few channels or a short reduction go direct), takes a
   * GEMM that adds straight into the input gradient for the input gradient of unpadded stride-1
   * convolutions, Winograd F(2×2, 3×3) for 3×3 stride-1 undilated layers of at least 32
   * channels a side and 64 output tiles (2.25× fewer multiplications; an item holding an
   * infinity, a NaN or a value of 2¹²⁴ or more goes direct), and runs convolutions of
   * at most 1024 FLOP in jsBackend's TypeScript kernels; `'im2col'`, `'direct'` or `'winograd'`
   * force one in WebAssembly where it applies (strided input gradients always use im2col). For
   * tests and benchmarks: results agree to float32 rounding, not bit for bit.
   */
  convAlgorithm?: 'auto' | 'im2col' | 'direct' | 'winograd';
}

/** The backend {@link createWasmBackend} returns: a `Backend` plus what it runs on. */
export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  /** The build that was loaded. */
  readonly build: WasmBuild;
  /** Bytes of WebAssembly memory held now: the high-water mark of the calls so far. */
  readonly memoryBytes: number;
  /** Threads a large call runs on (the calling thread included). */
  readonly numThreads: number;
  /**
   * Changes the thread count (`'auto'`: the number of logical CPUs); resolves once the workers are
   * running. Moves the backend onto a new memory (nothing is kept between calls, so nothing is
   * lost); calls made before it resolves run on the old threads.
   */
  setNumThreads(n: number | 'auto'): Promise<void>;
}

const PAGE = 65536;
/** A wasm32 memory holds at most 65536 pages (4 GiB); kernel arithmetic is i32, so stay below 2 GiB per buffer. */
const MAX_BYTES = 4 * 1024 * 1024 * 1024;
const MAX_BUFFER = 2 ** 31 - 1;

/**
 * The kernels plus the memory they run on (and the worker threads sharing it, if any), and a bump
 * allocator reset at every call. Nothing survives a call, so a backend can swap machines freely.
 */
class Machine {
  readonly k: KernelExports;
  readonly memory: WebAssembly.Memory;
  readonly pool: ThreadPool | null;
  private readonly base: number;
  private top = 0;
  private f32View: Float32Array;
  private i32View: Int32Array;

  private constructor(k: KernelExports, memory: WebAssembly.Memory, pool: ThreadPool | null, base: number) {
    this.k = k;
    this.memory = memory;
    this.pool = pool;
    this.base = base;
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
  }

  /** Compiles `build` and instantiates it over a new memory; with `threads > 1` (and worker_threads), over a shared one with workers. */
  static async create(build: WasmBuild, threads: number, initialBytes: number): Promise<Machine> {
    const Worker = threads > 1 ? await workerConstructor() : null;
    const shared = Worker !== null;
    const pages = Math.max(1, Math.ceil(initialBytes / PAGE));
    const memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_BYTES / PAGE, shared });
    const module = await compile(build, shared);
    const k = await instantiate(module, memory);
    // the threads' control block sits at the heap base, below every call's buffers
    const control = align(k.heapBase());
    const base = align(control + CONTROL_BYTES);
    if (base > memory.buffer.byteLength) memory.grow(Math.ceil((base - memory.buffer.byteLength) / PAGE));
    const pool = Worker ? await ThreadPool.start(Worker, module, k, memory, control, threads - 1) : null;
    return new Machine(k, memory, pool, base);
  }

  /** Threads a call can be split among. */
  get threads(): number {
    return this.pool ? this.pool.size : 1;
  }

  /** Starts laying out a new call. */
  reset(): void {
    this.top = this.base;
  }

  /** Reserves `bytes` (64-byte aligned) and returns its address. */
  take(bytes: number): number {
    if (!(bytes >= 0 && bytes <= MAX_BUFFER)) {
      throw new RangeError(`@torchlet/backend-wasm: a buffer of ${bytes} bytes is more than a WebAssembly kernel can address (2 GiB)`);
    }
    const at = this.top;
    this.top = align(at + bytes);
    return at;
  }

  /** Grows the memory to hold everything taken since `reset`, and refreshes the views. */
  commit(): void {
    const need = this.top;
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      if (need > MAX_BYTES) {
        throw new RangeError(`@torchlet/backend-wasm: this call needs ${need} bytes of WebAssembly memory, more than the 4 GiB a wasm32 memory can hold`);
      }
      this.memory.grow(Math.ceil((need - have) / PAGE));
    }
    if (this.f32View.buffer !== this.memory.buffer) {
      this.f32View = new Float32Array(this.memory.buffer);
      this.i32View = new Int32Array(this.memory.buffer);
    }
  }

  /** Copies `n` floats of `src` (from index 0) to address `at`. */
  put(at: number, src: Float32Array, n: number): void {
    this.f32View.set(n === src.length ? src : src.subarray(0, n), at >>> 2);
  }

  /** Copies `n` floats at address `at` into `dst` (from index 0). */
  get(at: number, dst: Float32Array, n: number): void {
    const i = at >>> 2;
    dst.set(this.f32View.subarray(i, i + n));
  }

  /** Copies the floats `[from, to)` of `src` to the same indices of the buffer at address `at`. */
  putSpan(at: number, src: Float32Array, from: number, to: number): void {
    if (to > from) this.f32View.set(src.subarray(from, to), (at >>> 2) + from);
  }

  /** Copies the floats `[from, to)` of the buffer at address `at` to the same indices of `dst`. */
  getSpan(at: number, dst: Float32Array, from: number, to: number): void {
    const i = at >>> 2;
    if (to > from) dst.set(this.f32View.subarray(i + from, i + to), from);
  }

  putI32(at: number, src: Int32Array, n: number): void {
    this.i32View.set(n === src.length ? src : src.subarray(0, n), at >>> 2);
  }

  getI32(at: number, dst: Int32Array, n: number): void {
    const i = at >>> 2;
    dst.set(this.i32View.subarray(i, i + n));
  }

  get f32(): Float32Array {
    return this.f32View;
  }
}

function align(x: number): number {
  return Math.ceil(x / 64) * 64;
}

function isF32(...arrays: (FloatArray | null)[]): boolean {
  for (const a of arrays) if (a !== null && !(a instanceof Float32Array)) return false;
  return true;
}

function isIndex(x: number): boolean {
  return Number.isInteger(x) && x >= 0;
}

/** Throws unless `x` holds at least `n` elements. */
function checkLength(op: string, name: string, x: { length: number }, n: number): void {
  if (x.length < n) throw new RangeError(`${op}: ${name} has ${x.length} elements, the geometry needs ${n}`);
}

/** Throws when a conv geometry is not one the kernels can run (the ops never produce one). */
function checkConvGeometry(op: string, g: Conv2dGeometry): void {
  const sizes = [g.batch, g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.outHeight, g.outWidth, g.kernelHeight, g.kernelWidth, g.padTop, g.padLeft];
  const steps = [g.strideH, g.strideW, g.dilationH, g.dilationW, g.groups];
  if (!sizes.every(isIndex) || !steps.every((s) => isIndex(s) && s > 0)) {
    throw new RangeError(`${op}: invalid geometry ${JSON.stringify(g)}`);
  }
  if (g.inChannels % g.groups !== 0 || g.outChannels % g.groups !== 0) {
    throw new RangeError(`${op}: groups ${g.groups} must divide the ${g.inChannels} input and ${g.outChannels} output channels`);
  }
}

/** Throws when a pool geometry is not one the kernels can run. */
function checkPoolGeometry(op: string, g: Pool2dGeometry): void {
  const sizes = [g.planes, g.inHeight, g.inWidth, g.outHeight, g.outWidth, g.kernelHeight, g.kernelWidth, g.padH, g.padW];
  const steps = [g.strideH, g.strideW, g.dilationH, g.dilationW];
  if (!sizes.every(isIndex) || !steps.every((s) => isIndex(s) && s > 0)) {
    throw new RangeError(`${op}: invalid geometry ${JSON.stringify(g)}`);
  }
}

/** Throws when a stored `rows × cols` matrix with row stride `ld` does not fit in `x` from `offset` (as jsBackend's gemm). */
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

function setConv(k: KernelExports, g: Conv2dGeometry): void {
  k.setConvGeometry(
    g.batch, g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.outHeight, g.outWidth,
    g.kernelHeight, g.kernelWidth, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW, g.groups,
  );
}

function setPool(k: KernelExports, g: Pool2dGeometry, planes = g.planes): void {
  k.setPoolGeometry(
    planes, g.inHeight, g.inWidth, g.outHeight, g.outWidth, g.kernelHeight, g.kernelWidth,
    g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW,
  );
}

/** Element counts of a conv's input, weight and output. */
function convSizes(g: Conv2dGeometry): { input: number; weight: number; out: number } {
  return {
    input: g.batch * g.inChannels * g.inHeight * g.inWidth,
    weight: g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth,
    out: g.batch * g.outChannels * g.outHeight * g.outWidth,
  };
}

/** Bytes of scratch the conv kernel `which` needs (see asm convWorkBytes), after checking its i32 arithmetic cannot overflow. */
function convWork(op: string, m: Machine, g: Conv2dGeometry, which: number, algo: number, cols = 0): number {
  const K = (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
  if (K * g.outHeight * g.outWidth * 4 + 16 * 1024 * 1024 > MAX_BUFFER) {
    throw new RangeError(`${op}: the im2col matrix of this convolution (${K} × ${g.outHeight * g.outWidth}) is more than a WebAssembly kernel can address (2 GiB)`);
  }
  // the direct kernels' padded planes: one item and group of the larger side, plus as much again
  const padded = (Math.max(g.inChannels, g.outChannels) / g.groups) * (g.inHeight + g.outHeight + 2 * g.kernelHeight * g.dilationH) * (g.inWidth + g.outWidth + 2 * g.kernelWidth * g.dilationW);
  if ((algo === 1 || algo === 3) && padded * 4 * 2 + 16 * 1024 * 1024 > MAX_BUFFER) {
    throw new RangeError(`${op}: the padded planes of this convolution are more than a WebAssembly kernel can address (2 GiB)`);
  }
  return m.k.convWorkBytes(which, cols, algo);
}

/**
 * Convolutions of at most this many floating-point operations per direction run in jsBackend's
 * kernels: measured per ndarray call on the test machine, TypeScript and WebAssembly take about
 * the same time at 648 FLOP (1.1–1.8 µs), WebAssembly is faster from 2592 on, and at the
 * textbook's 168 FLOP TypeScript's input and weight gradients take 1.3 and 0.9 µs against 1.7
 * and 1.5.
 */
const TINY_CONV_FLOPS = 1024;
/**
 * Floats (input and output together) per chunk of units that the calling thread copies in,
 * computes and copies out (see runByUnits): 512 KiB, half of a Zen 4 core's L2. Measured against
 * one chunk per call: 1.02–1.08× on a depthwise layer and LeNet's first layer, 1.00–1.03× on S1.
 */
const UNIT_CHUNK_FLOATS = 128 * 1024;

/** Floating-point operations of one direction of a convolution: 2 per multiply-add. */
function convFlops(g: Conv2dGeometry): number {
  return 2 * g.batch * g.outChannels * g.outHeight * g.outWidth * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
}

/**
 * Element-wise kernels are split among threads from this many elements on. Below it the copies
 * into shared memory (about half as fast as into the private one) and the hand-offs cost what
 * the second thread saves: measured on the test machine, two threads against one on a sigmoid
 * of 1.2 M elements (LeNet's first layer at batch 256): 0.98×, and 0.97–0.98× on a whole
 * two-thread LeNet step; at 4 M elements: 1.06×.
 */
const MIN_PARALLEL_ELEMENTS = 1 << 22;

/**
 * Elements per block of the element-wise and pooling kernels (32 KiB of float32): a block copied
 * into the kernel's memory is still in cache when the kernel reads it, and its result still there
 * when it is copied out, so each element crosses main memory once each way instead of three times.
 */
const BLOCK = 1 << 13;
/** …and per block split among the threads (each share still fits a core's L2). */
const THREADED_BLOCK = 1 << 18;

/** Planes per block of the pooling kernels: about BLOCK input elements, at least one plane. */
function poolBlockPlanes(g: Pool2dGeometry): number {
  return Math.max(1, Math.min(g.planes, Math.floor(BLOCK / Math.max(1, g.inHeight * g.inWidth))));
}

/**
 * Calls `block(p, n)` for the planes `[p, p + n)` of `g`, `per` at a time (the last block may be
 * shorter), with the kernels' pooling geometry set to `n` planes.
 */
function forPlaneBlocks(k: KernelExports, g: Pool2dGeometry, per: number, block: (p: number, n: number) => void): void {
  for (let p = 0; p < g.planes; p += per) {
    const n = Math.min(per, g.planes - p);
    setPool(k, g, n);
    block(p, n);
  }
}

/** `convAlgorithm`'s `prefer` argument of the asm kernels. */
const PREFER = { auto: -1, im2col: 0, direct: 1, winograd: 3 } as const;

/** The 16 values of `setConvGeometry`, for the worker threads. */
function geometryArgs(g: Conv2dGeometry): number[] {
  return [
    g.batch, g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.outHeight, g.outWidth,
    g.kernelHeight, g.kernelWidth, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW, g.groups,
  ];
}

/**
 * `[start, end)` ranges splitting `total` into at most `parts` near-equal pieces, each a multiple
 * of `unit` except the last (a multiple of the micro-kernel's tile keeps every share efficient).
 */
function ranges(total: number, parts: number, unit: number): [number, number][] {
  const units = Math.ceil(total / unit);
  const n = Math.max(1, Math.min(parts, units));
  const out: [number, number][] = [];
  for (let t = 0; t < n; t++) {
    const start = Math.floor((units * t) / n) * unit;
    const end = Math.min(total, Math.floor((units * (t + 1)) / n) * unit);
    if (end > start) out.push([start, end]);
  }
  return out;
}

/** The number of logical CPUs (for `numThreads: 'auto'`). */
async function logicalCpus(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  try {
    const os = await nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('node:os');
    return os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  } catch {
    return 1;
  }
}

async function resolveThreads(n: number | 'auto'): Promise<number> {
  if (n === 'auto') return Math.min(MAX_THREADS, Math.max(1, await logicalCpus()));
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_THREADS)) {
    throw new RangeError(`@torchlet/backend-wasm: numThreads must be 'auto' or an integer in [1, ${MAX_THREADS}], got ${String(n)}`);
  }
  return n;
}

/** The backend's mutable state: the machines it runs on now. */
interface State {
  m: Machine;
  /**
   * With worker threads (`m` over a shared memory), a one-thread machine over a private memory
   * for the calls that run on one thread: V8 copies typed arrays into and out of shared memory
   * about half as fast as into private memory (4.8 MB in cache: 0.18 against 0.10 ms), and every
   * call copies its operands in and its result out. Null when `m` is not shared.
   */
  solo: Machine | null;
  readonly build: WasmBuild;
  readonly minParallelFlops: number;
  /** PREFER's value for the chosen `convAlgorithm` option. */
  readonly convPrefer: number;
}

function makeBackend(state: State): WasmBackend {
  const f32 = (x: FloatArray) => x as Float32Array;
  /** How many threads a call of `flops` operations is split among. */
  const threadsFor = (flops: number) => (state.m.pool && flops >= state.minParallelFlops ? state.m.threads : 1);
  /**
   * Whether a convolution is so small that the TypeScript kernels finish it sooner than the copies
   * in and out of WebAssembly memory would (the textbook's 6×8 image: 168 FLOP per direction).
   * Only with `convAlgorithm: 'auto'`: a forced algorithm always runs in WebAssembly.
   */
  const tiny = (g: Conv2dGeometry) => state.convPrefer === PREFER.auto && convFlops(g) <= TINY_CONV_FLOPS;
  /** The machine a call split among `threads` runs on. */
  const machine = (threads: number) => (threads > 1 || state.solo === null ? state.m : state.solo);
  /**
   * Runs a command on one thread (the caller's instance of `m`) or splits it among `m`'s pool's
   * threads; `own`, when given, does the calling thread's share (`args[0]`) in place of the plain
   * kernel call: on one thread, that is all of it.
   */
  const run = (m: Machine, cmd: Cmd, args: number[][], geometry: number[] | null, own?: OwnShare) => {
    const { k, pool } = m;
    if (args.length === 1 || !pool) {
      args.forEach((a, t) => (t === 0 && own ? own() : callKernel(k, cmd, a)));
    } else {
      pool.run(cmd, args, geometry, own);
    }
  };
  /**
   * Runs a conv command split by (item, group) units, where each unit reads its own span of `src`
   * (`nSrc` floats in all, copied to `pSrc`) and writes its own span of `dst` (from `pDst`);
   * each thread's arguments end with its first unit, its end unit and the algorithm. The
   * workers' shares of `src` are copied in first; the calling thread then does its share in
   * chunks of units, each copied in, computed and copied out while its data is still in cache (a
   * whole-batch copy in has evicted the first items' data by the time the kernel reads them);
   * the rest is copied out last.
   */
  const runByUnits = (m: Machine, cmd: Cmd, args: number[][], g: Conv2dGeometry, pSrc: number, src: Float32Array, nSrc: number, pDst: number, dst: Float32Array, nDst: number) => {
    const at = args[0]!.length - 3;
    const units = g.batch * g.groups;
    const srcUnit = nSrc / units;
    const dstUnit = nDst / units;
    const own = args[0]![at + 1]!;
    const step = Math.max(1, Math.floor(UNIT_CHUNK_FLOATS / (srcUnit + dstUnit)));
    m.putSpan(pSrc, src, own * srcUnit, nSrc);
    run(m, cmd, args, geometryArgs(g), () => {
      const a = args[0]!.slice();
      for (let u = 0; u < own; u += step) {
        const v = Math.min(own, u + step);
        m.putSpan(pSrc, src, u * srcUnit, v * srcUnit);
        a[at] = u;
        a[at + 1] = v;
        callKernel(m.k, cmd, a);
        m.getSpan(pDst, dst, u * dstUnit, v * dstUnit);
      }
    });
    m.getSpan(pDst, dst, own * dstUnit, nDst);
  };
  let pendingThreads: Promise<void> = Promise.resolve();

  return {
    name: 'wasm',
    build: state.build,
    get memoryBytes() {
      return state.m.memory.buffer.byteLength + (state.solo?.memory.buffer.byteLength ?? 0);
    },
    get numThreads() {
      return state.m.threads;
    },
    setNumThreads(n) {
      const change = async () => {
        const threads = await resolveThreads(n);
        if (threads === state.m.threads && !state.m.pool?.broken) return;
        const old = state.m;
        const m = await Machine.create(state.build, threads, old.memory.buffer.byteLength);
        const solo = m.pool === null ? null : (state.solo ?? (old.pool === null ? old : await Machine.create(state.build, 1, 0)));
        state.m = m;
        state.solo = solo;
        await old.pool?.stop();
      };
      pendingThreads = pendingThreads.catch(() => undefined).then(change);
      return pendingThreads;
    },

    gemm(transA, transB, M, N, K, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc) {
      if (!isF32(a, b, c)) {
        jsBackend.gemm(transA, transB, M, N, K, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        return;
      }
      if (!(isIndex(M) && isIndex(N) && isIndex(K))) {
        throw new RangeError(`gemm: m, n, k must be non-negative integers, got ${M}, ${N}, ${K}`);
      }
      if (!(isIndex(aOffset) && isIndex(bOffset) && isIndex(cOffset) && isIndex(lda) && isIndex(ldb) && isIndex(ldc))) {
        throw new RangeError(`gemm: offsets and leading dimensions must be non-negative integers`);
      }
      if (M === 0 || N === 0) return;
      checkOperand('C', c, cOffset, ldc, M, N);
      if (K === 0 || alpha === 0) {
        // C = beta · C, A and B not read (BLAS semantics); C not read when beta = 0
        for (let i = 0; i < M; i++) {
          const row = cOffset + i * ldc;
          if (beta === 0) c.fill(0, row, row + N);
          else if (beta !== 1) for (let j = row; j < row + N; j++) c[j] = beta * c[j]!;
        }
        return;
      }
      const [aRows, aCols] = transA ? [K, M] : [M, K];
      const [bRows, bCols] = transB ? [N, K] : [K, N];
      checkOperand('A', a, aOffset, lda, aRows, aCols);
      checkOperand('B', b, bOffset, ldb, bRows, bCols);
      const threads = threadsFor(2 * M * N * K);
      const m = machine(threads);
      // A and B are copied as the spans they occupy (their strides are kept); C is dense (ldc = N) inside
      const aSpan = (aRows - 1) * lda + aCols;
      const bSpan = (bRows - 1) * ldb + bCols;
      // split the longer side of C among the threads, in whole micro-tiles (4 rows or 8 columns)
      const byColumns = N >= M;
      const parts = ranges(byColumns ? N : M, threads, byColumns ? 8 : 4);
      m.reset();
      const pa = m.take(aSpan * 4);
      const pb = m.take(bSpan * 4);
      const pc = m.take(M * N * 4);
      const args = parts.map(([s, e]) => {
        const [mt, nt] = byColumns ? [M, e - s] : [e - s, N];
        const work = m.take(m.k.sgemmWorkBytes(mt, nt, K));
        const at = byColumns ? pa : pa + (transA ? s : s * lda) * 4;
        const bt = byColumns ? pb + (transB ? s * ldb : s) * 4 : pb;
        const ct = pc + (byColumns ? s : s * N) * 4;
        return [transA ? 1 : 0, transB ? 1 : 0, mt, nt, K, alpha, at, lda, bt, ldb, beta, ct, N, work];
      });
      m.commit();
      const mem = m.f32;
      mem.set(f32(a).subarray(aOffset, aOffset + aSpan), pa >>> 2);
      mem.set(f32(b).subarray(bOffset, bOffset + bSpan), pb >>> 2);
      const cf = f32(c);
      if (ldc === N) {
        if (beta !== 0) mem.set(cf.subarray(cOffset, cOffset + M * N), pc >>> 2);
        run(m, Cmd.Sgemm, args, null);
        cf.set(mem.subarray(pc >>> 2, (pc >>> 2) + M * N), cOffset);
        return;
      }
      if (beta !== 0) {
        for (let i = 0; i < M; i++) mem.set(cf.subarray(cOffset + i * ldc, cOffset + i * ldc + N), (pc >>> 2) + i * N);
      }
      run(m, Cmd.Sgemm, args, null);
      for (let i = 0; i < M; i++) cf.set(mem.subarray((pc >>> 2) + i * N, (pc >>> 2) + (i + 1) * N), cOffset + i * ldc);
    },

    conv2dForward(g, input, weight, bias, out) {
      if (!isF32(input, weight, bias, out)) {
        jsBackend.conv2dForward(g, input, weight, bias, out);
        return;
      }
      const op = 'conv2dForward';
      checkConvGeometry(op, g);
      const n = convSizes(g);
      checkLength(op, 'input', input, n.input);
      checkLength(op, 'weight', weight, n.weight);
      checkLength(op, 'out', out, n.out);
      if (bias) checkLength(op, 'bias', bias, g.outChannels);
      if (n.out === 0) return;
      if (tiny(g)) {
        jsBackend.conv2dForward(g, input, weight, bias, out);
        return;
      }
      const threads = threadsFor(convFlops(g));
      const m = machine(threads);
      setConv(m.k, g);
      const parts = ranges(g.batch * g.groups, threads, 1);
      m.reset();
      const pIn = m.take(n.input * 4);
      const pW = m.take(n.weight * 4);
      const pB = bias ? m.take(g.outChannels * 4) : 0;
      const pOut = m.take(n.out * 4);
      const algo = m.k.convAlgorithm(0, state.convPrefer);
      const args = parts.map(([s, e]) => [pIn, pW, pB, pOut, m.take(convWork(op, m, g, 0, algo)), s, e, algo]);
      m.commit();
      m.put(pW, f32(weight), n.weight);
      if (bias) m.put(pB, f32(bias), g.outChannels);
      runByUnits(m, Cmd.Conv2dForward, args, g, pIn, f32(input), n.input, pOut, f32(out), n.out);
    },

    conv2dBackwardInput(g, gradOut, weight, gradInput) {
      if (!isF32(gradOut, weight, gradInput)) {
        jsBackend.conv2dBackwardInput(g, gradOut, weight, gradInput);
        return;
      }
      const op = 'conv2dBackwardInput';
      checkConvGeometry(op, g);
      const n = convSizes(g);
      checkLength(op, 'gradOut', gradOut, n.out);
      checkLength(op, 'weight', weight, n.weight);
      checkLength(op, 'gradInput', gradInput, n.input);
      if (n.input === 0) return;
      if (tiny(g)) {
        jsBackend.conv2dBackwardInput(g, gradOut, weight, gradInput);
        return;
      }
      const threads = threadsFor(convFlops(g));
      const m = machine(threads);
      setConv(m.k, g);
      const parts = ranges(g.batch * g.groups, threads, 1);
      m.reset();
      const pGo = m.take(n.out * 4);
      const pW = m.take(n.weight * 4);
      const pGi = m.take(n.input * 4);
      const algo = m.k.convAlgorithm(1, state.convPrefer);
      const args = parts.map(([s, e]) => [pGo, pW, pGi, m.take(convWork(op, m, g, 1, algo)), s, e, algo]);
      m.commit();
      m.put(pW, f32(weight), n.weight);
      runByUnits(m, Cmd.Conv2dBackwardInput, args, g, pGo, f32(gradOut), n.out, pGi, f32(gradInput), n.input);
    },

    conv2dBackwardWeight(g, input, gradOut, gradWeight, gradBias = null) {
      if (!isF32(input, gradOut, gradWeight, gradBias)) {
        jsBackend.conv2dBackwardWeight(g, input, gradOut, gradWeight, gradBias);
        return;
      }
      const op = 'conv2dBackwardWeight';
      checkConvGeometry(op, g);
      const n = convSizes(g);
      checkLength(op, 'input', input, n.input);
      checkLength(op, 'gradOut', gradOut, n.out);
      checkLength(op, 'gradWeight', gradWeight, n.weight);
      if (gradBias) checkLength(op, 'gradBias', gradBias, g.outChannels);
      if (tiny(g) || n.weight === 0 || n.out === 0) {
        // (jsBackend's kernels also write the empty sums' zeros)
        jsBackend.conv2dBackwardWeight(g, input, gradOut, gradWeight, gradBias);
        return;
      }
      const K = (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
      const threads = threadsFor(convFlops(g));
      const m = machine(threads);
      setConv(m.k, g);
      // the direct and Winograd kernels split the batch into chunks (see weightChunks), im2col
      // splits the taps; im2col also serves them when an input is not finite (decided once copied
      // in; a chunk holding a value Winograd cannot take goes direct)
      const algo = m.k.convAlgorithm(2, state.convPrefer);
      const direct = (algo === 1 || algo === 3) && n.out > 0;
      const chunks = direct ? m.k.weightChunks() : 0;
      const tapParts = ranges(K, threads, 8);
      const chunkParts = ranges(chunks, threads, 1);
      m.reset();
      const pIn = m.take(n.input * 4);
      const pGo = m.take(n.out * 4);
      const pGw = m.take(n.weight * 4);
      const pGb = gradBias ? m.take(g.outChannels * 4) : 0;
      const pPartials = m.take(chunks * n.weight * 4);
      const work: number[] = [];
      for (let t = 0; t < Math.max(tapParts.length, chunkParts.length); t++) {
        const tap = tapParts[t];
        const forTaps = tap ? convWork(op, m, g, 2, 0, tap[1] - tap[0]) : 0;
        const forChunks = t < chunkParts.length ? convWork(op, m, g, 2, algo, K) : 0;
        work.push(m.take(Math.max(forTaps, forChunks)));
      }
      m.commit();
      m.put(pIn, f32(input), n.input);
      if (direct && m.k.allFiniteF32(pIn, n.input) === 1) {
        // chunk c sums the items [⌊c·N/chunks⌋, ⌊(c+1)·N/chunks⌋) (see asm's conv2dBackwardWeightChunks):
        // the calling thread copies its chunks' output gradient while the workers compute theirs
        const ownItems = Math.floor((chunkParts[0]![1] * g.batch) / chunks);
        const own = ownItems * (n.out / g.batch);
        m.putSpan(pGo, f32(gradOut), own, n.out);
        const args = chunkParts.map(([s, e], t) => [pIn, pGo, pPartials, work[t]!, s, e, algo]);
        run(m, Cmd.Conv2dBackwardWeightChunks, args, geometryArgs(g), () => {
          m.putSpan(pGo, f32(gradOut), 0, own);
          callKernel(m.k, Cmd.Conv2dBackwardWeightChunks, args[0]!);
        });
        m.k.sumWeightChunks(pPartials, pGw);
      } else {
        m.put(pGo, f32(gradOut), n.out);
        run(m, Cmd.Conv2dBackwardWeight, tapParts.map(([s, e], t) => [pIn, pGo, pGw, work[t]!, s, e]), geometryArgs(g));
      }
      m.get(pGw, f32(gradWeight), n.weight);
      if (gradBias) {
        // gradOut is already here (and partly still in cache): no second pass over it from JS
        m.k.convBiasGradient(pGo, pGb);
        m.get(pGb, f32(gradBias), g.outChannels);
      }
    },

    maxPool2dForward(g, input, out, indices) {
      if (!isF32(input, out)) {
        jsBackend.maxPool2dForward(g, input, out, indices);
        return;
      }
      const op = 'maxPool2dForward';
      checkPoolGeometry(op, g);
      const nIn = g.planes * g.inHeight * g.inWidth;
      const nOut = g.planes * g.outHeight * g.outWidth;
      checkLength(op, 'input', input, nIn);
      checkLength(op, 'out', out, nOut);
      checkLength(op, 'indices', indices, nOut);
      if (nOut === 0) return;
      // in blocks of planes, as avgPool2dForward (indices are within a plane: blocks do not change them)
      const m = machine(1);
      const k = m.k;
      const inPlane = g.inHeight * g.inWidth;
      const outPlane = g.outHeight * g.outWidth;
      const per = poolBlockPlanes(g);
      setPool(k, g);
      m.reset();
      const pIn = m.take(per * inPlane * 4);
      const pOut = m.take(per * outPlane * 4);
      const pIdx = m.take(per * outPlane * 4);
      const work = m.take(k.poolWorkBytes());
      m.commit();
      const src = f32(input);
      const dst = f32(out);
      forPlaneBlocks(k, g, per, (p, n) => {
        const o0 = p * outPlane;
        const o1 = (p + n) * outPlane;
        m.put(pIn, src.subarray(p * inPlane, (p + n) * inPlane), n * inPlane);
        k.maxPool2dForward(pIn, pOut, pIdx, work);
        m.get(pOut, dst.subarray(o0, o1), n * outPlane);
        m.getI32(pIdx, indices.subarray(o0, o1), n * outPlane);
      });
    },

    maxPool2dBackward(g, gradOut, indices, gradInput) {
      if (!isF32(gradOut, gradInput)) {
        jsBackend.maxPool2dBackward(g, gradOut, indices, gradInput);
        return;
      }
      const op = 'maxPool2dBackward';
      checkPoolGeometry(op, g);
      const nIn = g.planes * g.inHeight * g.inWidth;
      const nOut = g.planes * g.outHeight * g.outWidth;
      checkLength(op, 'gradOut', gradOut, nOut);
      checkLength(op, 'indices', indices, nOut);
      checkLength(op, 'gradInput', gradInput, nIn);
      const plane = g.inHeight * g.inWidth;
      for (let i = 0; i < nOut; i++) {
        const idx = indices[i]!;
        // the kernel writes gradInput[plane·p + idx]: an index outside the plane would write elsewhere
        if (!(idx >= -1 && idx < plane)) throw new RangeError(`${op}: index ${idx} at ${i} is outside the ${g.inHeight}×${g.inWidth} input plane`);
      }
      if (nIn === 0) return;
      const m = machine(1);
      const k = m.k;
      setPool(k, g);
      m.reset();
      const pGo = m.take(nOut * 4);
      const pIdx = m.take(nOut * 4);
      const pGi = m.take(nIn * 4);
      m.commit();
      m.put(pGo, f32(gradOut), nOut);
      m.putI32(pIdx, indices, nOut);
      k.maxPool2dBackward(pGo, pIdx, pGi);
      m.get(pGi, f32(gradInput), nIn);
    },

    avgPool2dForward(g, divisor, input, out) {
      if (!isF32(input, out)) {
        jsBackend.avgPool2dForward(g, divisor, input, out);
        return;
      }
      const op = 'avgPool2dForward';
      checkPoolGeometry(op, g);
      const nIn = g.planes * g.inHeight * g.inWidth;
      const nOut = g.planes * g.outHeight * g.outWidth;
      checkLength(op, 'input', input, nIn);
      checkLength(op, 'out', out, nOut);
      if (nOut === 0) return;
      // a block of planes at a time, so that what is copied in is still in cache when read (see BLOCK)
      const m = machine(1);
      const k = m.k;
      const inPlane = g.inHeight * g.inWidth;
      const outPlane = g.outHeight * g.outWidth;
      const per = poolBlockPlanes(g);
      setPool(k, g);
      m.reset();
      const pIn = m.take(per * inPlane * 4);
      const pOut = m.take(per * outPlane * 4);
      const work = m.take(k.poolWorkBytes());
      m.commit();
      const [inc, has, value] = divisorArgs(divisor);
      const src = f32(input);
      const dst = f32(out);
      forPlaneBlocks(k, g, per, (p, n) => {
        m.put(pIn, src.subarray(p * inPlane, (p + n) * inPlane), n * inPlane);
        k.avgPool2dForward(inc, has, value, pIn, pOut, work);
        m.get(pOut, dst.subarray(p * outPlane, (p + n) * outPlane), n * outPlane);
      });
    },

    avgPool2dBackward(g, divisor, gradOut, gradInput) {
      if (!isF32(gradOut, gradInput)) {
        jsBackend.avgPool2dBackward(g, divisor, gradOut, gradInput);
        return;
      }
      const op = 'avgPool2dBackward';
      checkPoolGeometry(op, g);
      const nIn = g.planes * g.inHeight * g.inWidth;
      const nOut = g.planes * g.outHeight * g.outWidth;
      checkLength(op, 'gradOut', gradOut, nOut);
      checkLength(op, 'gradInput', gradInput, nIn);
      if (nIn === 0) return;
      // in blocks of planes, as avgPool2dForward
      const m = machine(1);
      const k = m.k;
      const inPlane = g.inHeight * g.inWidth;
      const outPlane = g.outHeight * g.outWidth;
      const per = poolBlockPlanes(g);
      setPool(k, g);
      m.reset();
      const pGo = m.take(per * outPlane * 4);
      const pGi = m.take(per * inPlane * 4);
      const work = m.take(k.poolWorkBytes());
      m.commit();
      const [inc, has, value] = divisorArgs(divisor);
      const src = f32(gradOut);
      const dst = f32(gradInput);
      forPlaneBlocks(k, g, per, (p, n) => {
        m.put(pGo, src.subarray(p * outPlane, (p + n) * outPlane), n * outPlane);
        k.avgPool2dBackward(inc, has, value, pGo, pGi, work);
        m.get(pGi, dst.subarray(p * inPlane, (p + n) * inPlane), n * inPlane);
      });
    },

    sigmoidForward(input, out, n) {
      if (!isF32(input, out)) {
        jsBackend.sigmoidForward(input, out, n);
        return;
      }
      const op = 'sigmoidForward';
      if (!isIndex(n)) throw new RangeError(`${op}: n must be a non-negative integer, got ${n}`);
      checkLength(op, 'input', input, n);
      checkLength(op, 'out', out, n);
      if (n === 0) return;
      // In blocks that stay in cache (see BLOCK), in place; split among threads (in multiples of
      // 4: an element's result does not depend on its position) only from MIN_PARALLEL_ELEMENTS.
      const threaded = state.m.pool !== null && n >= MIN_PARALLEL_ELEMENTS;
      const m = machine(threaded ? state.m.threads : 1);
      const block = Math.min(n, threaded ? THREADED_BLOCK : BLOCK);
      m.reset();
      const p = m.take(block * 4);
      m.commit();
      const src = f32(input);
      const dst = f32(out);
      for (let s = 0; s < n; s += block) {
        const len = Math.min(block, n - s);
        m.put(p, src.subarray(s, s + len), len);
        if (threaded) run(m, Cmd.SigmoidForward, ranges(len, m.threads, 4).map(([a, b]) => [p + a * 4, p + a * 4, b - a]), null);
        else m.k.sigmoidForward(p, p, len);
        m.get(p, dst.subarray(s, s + len), len);
      }
    },

    sigmoidBackward(grad, output, out, n) {
      if (!isF32(grad, output, out)) {
        jsBackend.sigmoidBackward(grad, output, out, n);
        return;
      }
      const op = 'sigmoidBackward';
      if (!isIndex(n)) throw new RangeError(`${op}: n must be a non-negative integer, got ${n}`);
      checkLength(op, 'grad', grad, n);
      checkLength(op, 'output', output, n);
      checkLength(op, 'out', out, n);
      if (n === 0) return;
      // in cache-sized blocks, as sigmoidForward
      const m = machine(1);
      const block = Math.min(n, BLOCK);
      m.reset();
      const pGrad = m.take(block * 4);
      const pY = m.take(block * 4);
      m.commit();
      const g = f32(grad);
      const y = f32(output);
      const dst = f32(out);
      for (let s = 0; s < n; s += block) {
        const len = Math.min(block, n - s);
        m.put(pGrad, g.subarray(s, s + len), len);
        m.put(pY, y.subarray(s, s + len), len);
        m.k.sigmoidBackward(pGrad, pY, pGrad, len);
        m.get(pGrad, dst.subarray(s, s + len), len);
      }
    },
  };
}

function divisorArgs(d: AvgPoolDivisor): [number, number, number] {
  return [d.countIncludePad ? 1 : 0, d.divisorOverride === null ? 0 : 1, d.divisorOverride ?? 0];
}

/**
 * Loads the WebAssembly kernels (asynchronously) and returns a backend to hand to `setBackend`.
 * The build is chosen with `WebAssembly.validate` (see {@link WasmBackendOptions.build}); every
 * backend owns its own memory, so several can coexist (and be garbage-collected).
 * @example
 * ```ts
 * import { createWasmBackend } from '@torchlet/backend-wasm';
 * import { setBackend } from '@torchlet/ndarray';
 * const wasm = await createWasmBackend();
 * const previous = setBackend(wasm);
 * console.log(wasm.build); // 'relaxed-simd' or 'simd'
 * setBackend(previous);
 * ```
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const build = selectBuild(options.build ?? 'auto');
  const initial = options.initialMemoryBytes ?? 16 * 1024 * 1024;
  if (!(initial >= 0 && initial <= MAX_BYTES)) throw new RangeError(`createWasmBackend: initialMemoryBytes must be in [0, 4 GiB], got ${initial}`);
  const minParallelFlops = options.minParallelFlops ?? 32e6;
  if (!(minParallelFlops >= 0)) throw new RangeError(`createWasmBackend: minParallelFlops must be a non-negative number, got ${minParallelFlops}`);
  const convAlgorithm = options.convAlgorithm ?? 'auto';
  if (!Object.hasOwn(PREFER, convAlgorithm)) {
    throw new RangeError(`createWasmBackend: convAlgorithm must be 'auto', 'im2col', 'direct' or 'winograd', got ${JSON.stringify(convAlgorithm)}`);
  }
  const threads = await resolveThreads(options.numThreads ?? 1);
  const m = await Machine.create(build, threads, initial);
  const solo = m.pool === null ? null : await Machine.create(build, 1, 0);
  return makeBackend({ m, solo, build, minParallelFlops, convPrefer: PREFER[convAlgorithm] });
}
