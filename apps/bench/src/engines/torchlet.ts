/**
 * torchlet's engines: one per backend (`torchlet-js`, the pure-TypeScript kernels; `torchlet-wasm`
 * at each requested thread count, when `@torchlet/backend-wasm` loads), calling the public ops of
 * @torchlet/ndarray; plus, for the textbook case S0, the same backends through the autograd
 * `Tensor` API (`torchlet-js (autograd)`), where per-call overhead is what is measured.
 */
import * as ag from '@torchlet/autograd';
import * as nd from '@torchlet/ndarray';
import { AvgPool2d, Conv2d, F, Flatten, Linear, Sequential, Sigmoid } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import type { ConvCase, ConvInputs, Direction, LenetCase, LenetInputs, MatmulCase, MatmulInputs, PoolCase, PoolInputs } from '../workloads.js';
import { convOut, poolOut } from '../workloads.js';
import type { Engine, Op, Prepared } from './engine.js';

/** What the harness needs of a `@torchlet/backend-wasm` backend (checked at run time: the package may change). */
interface WasmBackendLike extends nd.Backend {
  readonly build?: string;
  readonly numThreads?: number;
  setNumThreads?(n: number): Promise<void>;
}

/** The part of `@torchlet/backend-wasm`'s module the harness uses. */
interface WasmModuleLike {
  createWasmBackend(options?: { numThreads?: number }): Promise<WasmBackendLike>;
  /** Turns on relaxed SIMD on Node 20 (as the torchlet umbrella does when it loads). */
  enableRelaxedSimd?(): Promise<boolean>;
  /** Frees dead typed arrays on the main thread (as the torchlet umbrella does when it loads). */
  enableFastAllocation?(): Promise<boolean>;
}

function isWasmModule(m: unknown): m is WasmModuleLike {
  return typeof m === 'object' && m !== null && typeof (m as { createWasmBackend?: unknown }).createWasmBackend === 'function';
}

const f32 = (data: Float32Array, shape: readonly number[]): nd.NDArray<'float32'> => new nd.NDArray(data, 'float32', shape);
const copy = (a: nd.NDArray | ag.Tensor): Float32Array => Float32Array.from((a instanceof ag.Tensor ? a.data : a).denseData() as Float32Array);

function convOptions(c: ConvCase): nd.Conv2dOptions {
  return { stride: c.stride, padding: c.pad, dilation: c.dilation, groups: c.groups };
}

/** An op from a synchronous call whose result is read back for the check. */
function syncOp(call: () => nd.NDArray | ag.Tensor): Op {
  return {
    run: () => void call(),
    output: () => Promise.resolve([copy(call())]),
    dispose: () => undefined,
  };
}

/** The textbook's LeNet-5: sigmoid, average pooling (as in apps/train's `lenet5('sigmoid')`). */
function lenet5(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Conv2d(6, 16, 5),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    new Sigmoid(),
    new Linear(120, 84),
    new Sigmoid(),
    new Linear(84, 10),
  );
}

/** A torchlet backend seen through the ndarray ops or, for S0, through the autograd API. */
class TorchletEngine implements Engine {
  readonly family = 'torchlet';

  constructor(
    readonly name: string,
    private readonly backend: nd.Backend,
    readonly threads: number,
    readonly description: string,
    private readonly api: 'ndarray' | 'autograd',
  ) {}

  supports(w: ConvCase | MatmulCase | PoolCase | LenetCase): boolean {
    return this.api === 'ndarray' || (w.kind === 'conv' && w.textbook === true);
  }

  activate(): Promise<void> {
    nd.setBackend(this.backend);
    return Promise.resolve();
  }

  conv(c: ConvCase, direction: Direction, inputs: ConvInputs): Promise<Prepared> {
    const opts = convOptions(c);
    const [oh, ow] = convOut(c);
    const xShape = [c.N, c.C, c.H, c.W];
    const wShape = [c.O, c.C / c.groups, c.kh, c.kw];
    const x = f32(inputs.x, xShape);
    const w = f32(inputs.w, wShape);
    const gy = f32(inputs.gy, [c.N, c.O, oh, ow]);
    if (this.api === 'autograd') {
      // tensors that record the tape, as in training: the per-call overhead of the Tensor API
      const X = new ag.Tensor(x, { requiresGrad: true });
      const K = new ag.Tensor(w, { requiresGrad: true });
      const GY = new ag.Tensor(gy);
      if (direction === 'forward') return Promise.resolve(syncOp(() => ag.conv2d(X, K, null, opts)));
      if (direction === 'backward-input') return Promise.resolve(syncOp(() => ag.conv2dBackwardInput(GY, K, xShape, opts)));
      return Promise.resolve(syncOp(() => ag.conv2dBackwardWeight(X, GY, wShape, opts)));
    }
    if (direction === 'forward') return Promise.resolve(syncOp(() => nd.conv2d(x, w, null, opts)));
    if (direction === 'backward-input') return Promise.resolve(syncOp(() => nd.conv2dBackwardInput(gy, w, xShape, opts)));
    return Promise.resolve(syncOp(() => nd.conv2dBackwardWeight(x, gy, wShape, opts)));
  }

  matmul(m: MatmulCase, inputs: MatmulInputs): Promise<Prepared> {
    const a = f32(inputs.a, [m.m, m.k]);
    const b = f32(inputs.b, [m.k, m.n]);
    return Promise.resolve(syncOp(() => nd.matmul(a, b)));
  }

  pool(p: PoolCase, direction: Direction, inputs: PoolInputs): Promise<Prepared> {
    const [oh, ow] = poolOut(p);
    const xShape = [p.N, p.C, p.H, p.W];
    const x = f32(inputs.x, xShape);
    const gy = f32(inputs.gy, [p.N, p.C, oh, ow]);
    const opts = { stride: p.stride };
    if (p.op === 'max') {
      if (direction === 'forward') return Promise.resolve(syncOp(() => nd.maxPool2d(x, p.k, opts)));
      // the indices come from the forward (as in training), outside the timed call
      const { indices } = nd.maxPool2dWithIndices(x, p.k, opts);
      return Promise.resolve(syncOp(() => nd.maxPool2dBackward(gy, indices, xShape, p.k, opts)));
    }
    if (direction === 'forward') return Promise.resolve(syncOp(() => nd.avgPool2d(x, p.k, opts)));
    return Promise.resolve(syncOp(() => nd.avgPool2dBackward(gy, xShape, p.k, opts)));
  }

  lenetStep(l: LenetCase, inputs: LenetInputs): Promise<Prepared> {
    const model = lenet5();
    const params = model.parameters();
    ag.noGrad(() => params.forEach((p, i) => (p.data.denseData() as Float32Array).set(inputs.params[i]!)));
    const optimizer = new SGD(params, { lr: l.lr });
    const x = new ag.Tensor(f32(inputs.x, [l.N, 1, 28, 28]));
    const y = new ag.Tensor(new nd.NDArray(inputs.labels, 'int32', [l.N]));
    const step = (): number => {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      return loss.item();
    };
    return Promise.resolve({
      run: () => void step(),
      output: () => {
        const loss = step();
        // the loss, then the gradients of conv1, conv2 and the last linear layer's weights
        const grads = [params[0]!, params[2]!, params[8]!].map((p) => copy(p.grad!));
        return Promise.resolve([Float32Array.of(loss), ...grads]);
      },
      dispose: () => undefined,
    });
  }

  async close(): Promise<void> {
    const b = this.backend as WasmBackendLike;
    if (this.api === 'ndarray' && this.threads > 1 && b.setNumThreads) await b.setNumThreads(1);
  }
}

/** The reference every engine's output is checked against: torchlet's pure-TypeScript kernels. */
export function referenceEngine(): Engine {
  return new TorchletEngine('torchlet-js', nd.jsBackend, 1, 'reference', 'ndarray');
}

/** torchlet's engines and what the header should say about them. */
export interface TorchletEngines {
  engines: Engine[];
  /** Lines for the report header (the wasm build, a missing backend, fewer threads than asked). */
  notes: string[];
}

/**
 * Builds torchlet's engines: `torchlet-js`, then `torchlet-wasm` for each of `threads` when
 * `@torchlet/backend-wasm` can be imported (a dynamic import: the harness works without it), then
 * the autograd-API variants (used for S0 only).
 */
export async function torchletEngines(threads: readonly number[]): Promise<TorchletEngines> {
  const notes: string[] = [];
  const backends: { name: string; backend: nd.Backend; threads: number; description: string }[] = [
    { name: 'torchlet-js', backend: nd.jsBackend, threads: 1, description: 'pure TypeScript kernels (@torchlet/ndarray jsBackend)' },
  ];
  const specifier = '@torchlet/backend-wasm';
  let mod: unknown = null;
  try {
    mod = (await import(specifier)) as unknown;
  } catch (e) {
    notes.push(`torchlet-wasm: not measured, ${specifier} did not load (${(e as Error).message.split('\n')[0]})`);
  }
  if (mod !== null && !isWasmModule(mod)) notes.push(`torchlet-wasm: not measured, ${specifier} has no createWasmBackend()`);
  if (isWasmModule(mod)) {
    // measure what a torchlet user gets: the umbrella sets these V8 flags before creating its
    // backend; they are process-wide, so the peers measured in this run get them too
    await mod.enableRelaxedSimd?.();
    if (await mod.enableFastAllocation?.()) {
      notes.push('V8 flag --no-concurrent-array-buffer-sweeping set at start, as `import \'torchlet\'` sets it (process-wide: every engine of this run has it)');
    }
    for (const t of [...new Set(threads)]) {
      try {
        const backend = await mod.createWasmBackend({ numThreads: t });
        const actual = backend.numThreads ?? 1;
        if (actual !== t) notes.push(`torchlet-wasm: asked for ${t} threads, runs on ${actual}`);
        if (backends.some((b) => b.name === 'torchlet-wasm' && b.threads === actual)) continue;
        backends.push({ name: 'torchlet-wasm', backend, threads: actual, description: `@torchlet/backend-wasm, ${backend.build ?? 'wasm'} build, ${actual} thread${actual > 1 ? 's' : ''}` });
      } catch (e) {
        notes.push(`torchlet-wasm (${t} threads): createWasmBackend failed (${(e as Error).message.split('\n')[0]})`);
      }
    }
  }
  const engines: Engine[] = backends.map((b) => new TorchletEngine(b.name, b.backend, b.threads, b.description, 'ndarray'));
  for (const b of backends) engines.push(new TorchletEngine(`${b.name} (autograd)`, b.backend, b.threads, `${b.description}, through the autograd Tensor API`, 'autograd'));
  return { engines, notes };
}
