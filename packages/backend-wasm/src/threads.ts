/**
 * Worker threads for the kernels (Node's worker_threads): every worker instantiates the
 * shared-memory build of the kernels over the backend's one shared `WebAssembly.Memory`, then
 * sleeps in `Atomics.wait` on a control block in that memory. A call is dispatched by writing each
 * thread's arguments into the control block, bumping a generation counter and `Atomics.notify`;
 * the calling thread runs its own share meanwhile, then waits (`Atomics.wait`) until every worker
 * has checked in. Kernels only write inside the buffers they are given, so the shares never touch.
 *
 * Every worker checks in for every generation (idle ones at once), so no worker can lag behind
 * and read the arguments of a later call as those of an earlier one.
 */
import type { KernelExports } from './module.js';

/** Int32 slots of the control block. */
const GEN = 0;
const PENDING = 1;
const ACTIVE = 2;
const CMD = 3;
const ERROR = 4;
/** Int32 index of the conv geometry (16 values) in the control block. */
const GEOMETRY = 16;
/** Byte offset of the per-thread argument records (f64) in the control block. */
const RECORDS = 128;
/** f64 slots per thread record. */
const RECORD = 16;
/** The most threads a pool runs (the calling thread included). */
export const MAX_THREADS = 64;
/** Bytes of the control block. */
export const CONTROL_BYTES = RECORDS + MAX_THREADS * RECORD * 8;

/** Commands: the kernel export each thread calls (the conv commands set the conv geometry first). */
export const Cmd = {
  Exit: 0,
  Sgemm: 1,
  Conv2dForward: 2,
  Conv2dBackwardInput: 3,
  Conv2dBackwardWeight: 4,
  Conv2dBackwardWeightChunks: 5,
  SigmoidForward: 6,
} as const;
export type Cmd = (typeof Cmd)[keyof typeof Cmd];
/** The kernel export each command calls. */
export const COMMAND_NAMES = ['setConvGeometry', 'sgemm', 'conv2dForward', 'conv2dBackwardInput', 'conv2dBackwardWeight', 'conv2dBackwardWeightChunks', 'sigmoidForward'] as const;

/**
 * The worker's program, run with `eval: true` (so it needs no file next to the bundle). It loads
 * worker_threads with a dynamic import, which works whether node evaluates it as a script or as a
 * module (`--input-type=module` and `--experimental-default-type=module` are inherited by workers).
 */
const WORKER_SOURCE = `
import('node:worker_threads').then(({ parentPort, workerData }) => {
  const { module, memory, control, index } = workerData;
  const COMMANDS = ${JSON.stringify(COMMAND_NAMES)};
  const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('abort in a WebAssembly kernel'); } } });
  const k = instance.exports;
  // the control block sits below every buffer, so these views stay valid when the memory grows
  const ctl = new Int32Array(memory.buffer, control, ${RECORDS / 4});
  const rec = new Float64Array(memory.buffer, control + ${RECORDS}, ${MAX_THREADS * RECORD});
  let seen = Atomics.load(ctl, ${GEN});
  parentPort.postMessage('ready');
  for (;;) {
    Atomics.wait(ctl, ${GEN}, seen);
    const gen = Atomics.load(ctl, ${GEN});
    if (gen === seen) continue;
    seen = gen;
    const cmd = Atomics.load(ctl, ${CMD});
    if (cmd === ${Cmd.Exit}) break;
    if (index < Atomics.load(ctl, ${ACTIVE})) {
      try {
        if (cmd >= ${Cmd.Conv2dForward} && cmd <= ${Cmd.Conv2dBackwardWeightChunks}) k.setConvGeometry(...ctl.subarray(${GEOMETRY}, ${GEOMETRY + 16}));
        k[COMMANDS[cmd]](...rec.subarray(index * ${RECORD}, (index + 1) * ${RECORD}));
      } catch {
        Atomics.store(ctl, ${ERROR}, 1);
      }
    }
    if (Atomics.sub(ctl, ${PENDING}, 1) === 1) Atomics.notify(ctl, ${PENDING});
  }
});
`;

/** Calls the kernel export of `cmd` on `k` with `args`. */
export function callKernel(k: KernelExports, cmd: Cmd, args: number[]): void {
  const kernel: unknown = k[COMMAND_NAMES[cmd]];
  (kernel as (...a: number[]) => void)(...args);
}

/** The subset of node:worker_threads' Worker this file uses. */
interface NodeWorker {
  once(event: 'message', listener: (value: unknown) => void): void;
  once(event: 'error', listener: (error: Error) => void): void;
  once(event: 'exit', listener: (code: number) => void): void;
  removeAllListeners(): void;
  unref(): void;
  terminate(): Promise<number>;
}

/**
 * Imports a Node built-in through a variable, so that bundlers targeting browsers neither resolve
 * nor bundle it (the code paths that call this run only under Node).
 */
export function nodeBuiltin<T>(name: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name) as Promise<T>;
}

/** node:worker_threads' Worker constructor, or null outside Node (and where SharedArrayBuffer is missing). */
export async function workerConstructor(): Promise<(new (code: string, options: object) => NodeWorker) | null> {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return null;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) return null;
  try {
    const mod = await nodeBuiltin<{ Worker: new (code: string, options: object) => NodeWorker }>('node:worker_threads');
    return mod.Worker;
  } catch {
    return null;
  }
}

/**
 * The calling thread's share of a split call, when it is more than calling the kernel with
 * `args[0]`: it then does that work itself (copying its operands in and its results out around
 * the kernel, in chunks, while the workers compute theirs).
 */
export type OwnShare = () => void;

/** The worker threads of one backend (the calling thread is thread 0 and not part of the pool). */
export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly rec: Float64Array;
  /** Set when a worker died: calls must not wait for it. */
  broken = false;

  private constructor(
    private readonly k: KernelExports,
    memory: WebAssembly.Memory,
    control: number,
    private readonly workers: NodeWorker[],
  ) {
    this.ctl = new Int32Array(memory.buffer, control, RECORDS / 4);
    this.rec = new Float64Array(memory.buffer, control + RECORDS, MAX_THREADS * RECORD);
  }

  /** Starts `count` workers over `memory` (shared) running `module`, and waits until they are all listening. */
  static async start(
    Worker: new (code: string, options: object) => NodeWorker,
    module: WebAssembly.Module,
    k: KernelExports,
    memory: WebAssembly.Memory,
    control: number,
    count: number,
  ): Promise<ThreadPool> {
    const workers: NodeWorker[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 1; index <= count; index++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, index } });
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`@torchlet/backend-wasm: a worker thread exited (code ${code}) before it was ready`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    const pool = new ThreadPool(k, memory, control, workers);
    for (const worker of workers) {
      // idle workers must not keep the process alive: drop the listeners (a 'message' listener
      // holds the worker's port), then unref; a worker that dies makes the next call throw
      worker.removeAllListeners();
      worker.once('error', () => (pool.broken = true));
      worker.once('exit', () => (pool.broken = true));
      worker.unref();
    }
    return pool;
  }

  /** Threads a call can use: the workers plus the calling thread. */
  get size(): number {
    return this.workers.length + 1;
  }

  /**
   * Runs `cmd` with `args[t]` on thread t (t = 0 is the calling thread, which runs it directly);
   * returns when every thread is done. Conv commands get `geometry` (the 16 values of
   * `setConvGeometry`, already set on the calling thread's instance) first. `own`, when given,
   * does the calling thread's share instead of the plain kernel call, once the workers are
   * started: the caller copies its share's operands in and its results out there, overlapping
   * those copies with the workers' work.
   */
  run(cmd: Cmd, args: number[][], geometry: number[] | null, own?: OwnShare): void {
    if (this.broken) throw new Error('@torchlet/backend-wasm: a worker thread died; call setNumThreads() to start new ones');
    const { ctl, rec } = this;
    const active = args.length;
    if (geometry) ctl.set(geometry, GEOMETRY);
    for (let t = 1; t < active; t++) rec.set(args[t]!, t * RECORD);
    Atomics.store(ctl, CMD, cmd);
    Atomics.store(ctl, ACTIVE, active);
    Atomics.store(ctl, ERROR, 0);
    Atomics.store(ctl, PENDING, this.workers.length);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
    try {
      if (own) own();
      else callKernel(this.k, cmd, args[0]!);
    } finally {
      // wait for every worker (even after an error here: they write into the memory)
      for (let p = Atomics.load(ctl, PENDING); p !== 0; p = Atomics.load(ctl, PENDING)) Atomics.wait(ctl, PENDING, p);
    }
    if (Atomics.load(ctl, ERROR) !== 0) throw new Error('@torchlet/backend-wasm: a WebAssembly kernel failed in a worker thread');
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.broken = true;
    Atomics.store(this.ctl, CMD, Cmd.Exit);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
