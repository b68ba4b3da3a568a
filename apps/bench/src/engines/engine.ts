/**
 * The contract between the harness and an engine (a torchlet backend or a peer library): an engine
 * prepares one workload direction on given inputs (uploading and re-laying them out as it needs,
 * outside the timed region) and hands back an {@link Op} whose `run()` is one timed call.
 */
import type { ConvCase, ConvInputs, Direction, LenetCase, LenetInputs, MatmulCase, MatmulInputs, PoolCase, PoolInputs } from '../workloads.js';

/** A prepared call. */
export interface Op {
  /** One call, complete (results computed, not just scheduled) when it returns or resolves. */
  run(): void | Promise<void>;
  /**
   * One call whose results come back in torchlet's layouts (NCHW, `[O, C/g, kH, kW]`, row-major),
   * for the correctness check: one array per output (a LeNet step: the loss, then gradients).
   */
  output(): Promise<Float32Array[]>;
  /** Frees what the op holds (peer tensors); the op is not used afterwards. */
  dispose(): void;
  /** A known defect of the engine that explains a mismatch of this op, appended to the row's note if one occurs. */
  mismatchHint?: string;
}

/** Why an engine cannot run a workload direction (shown in the report as "unsupported: …"). */
export interface Unsupported {
  unsupported: string;
}

/** What {@link Engine} preparation returns. */
export type Prepared = Op | Unsupported;

/** Narrows a {@link Prepared}. */
export function isUnsupported(p: Prepared): p is Unsupported {
  return 'unsupported' in p;
}

/** A library configuration that runs workloads. */
export interface Engine {
  /** The engine's name in the report (`torchlet-js`, `tfjs-cpu`, `jax-js`, …). */
  readonly name: string;
  /** torchlet's own engines are compared against the peers. */
  readonly family: 'torchlet' | 'peer';
  /** Threads it computes on. */
  readonly threads: number;
  /** Version, build and settings, for the report header. */
  readonly description: string;
  /** Whether the engine takes part in this workload at all (no row otherwise; `Unsupported` gives a row). */
  supports(w: ConvCase | MatmulCase | PoolCase | LenetCase): boolean;
  /** Makes this engine the current one of its library (torchlet's `setBackend`, tfjs' `setBackend`). */
  activate(): Promise<void>;
  conv(c: ConvCase, direction: Direction, inputs: ConvInputs): Promise<Prepared>;
  matmul(m: MatmulCase, inputs: MatmulInputs): Promise<Prepared>;
  pool(p: PoolCase, direction: Direction, inputs: PoolInputs): Promise<Prepared>;
  lenetStep(l: LenetCase, inputs: LenetInputs): Promise<Prepared>;
  /** Releases the engine (worker threads, backends). */
  close(): Promise<void>;
}

/** `[kh, kw, C/g, O]` (tfjs' filter layout) from `[O, C/g, kh, kw]`, or back with `inverse`. */
export function oihwToHwio(w: Float32Array, O: number, I: number, kh: number, kw: number, inverse = false): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) {
          const oihw = ((o * I + i) * kh + y) * kw + x;
          const hwio = ((y * kw + x) * I + i) * O + o;
          if (inverse) out[oihw] = w[hwio]!;
          else out[hwio] = w[oihw]!;
        }
  return out;
}

/** NHWC from NCHW, or back with `inverse`. */
export function nchwToNhwc(a: Float32Array, N: number, C: number, H: number, W: number, inverse = false): Float32Array {
  const out = new Float32Array(N * C * H * W);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) {
          const nchw = ((n * C + c) * H + h) * W + w;
          const nhwc = ((n * H + h) * W + w) * C + c;
          if (inverse) out[nchw] = a[nhwc]!;
          else out[nhwc] = a[nchw]!;
        }
  return out;
}
