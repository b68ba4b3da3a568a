/**
 * What is measured: the workloads (convolutions S0–S4, depthwise, dilated; matmul; pooling; a
 * LeNet-5 training step; an epoch of `pnpm train`), their directions, their FLOP counts, and the
 * inputs every engine receives. Inputs are generated once per workload from a fixed seed, in
 * torchlet's layouts (NCHW activations, `[O, C/groups, kH, kW]` weights, row-major matrices), so
 * every engine computes on the very same numbers; a smaller batch is a prefix of the full one.
 */

/** A direction of a workload: what one timed call computes. */
export type Direction = 'forward' | 'backward-input' | 'backward-weight' | 'backward' | 'step' | 'epoch';

/** A 2-D convolution (PyTorch's `conv2d` arguments). */
export interface ConvCase {
  kind: 'conv';
  /** Short id used by `--filter` and in the JSON rows (`S1`, `depthwise`, …). */
  id: string;
  /** One line describing the shapes. */
  title: string;
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  kh: number;
  kw: number;
  stride: number;
  pad: number;
  dilation: number;
  groups: number;
  /** The textbook's example (1×1×6×8 input, 1×2 kernel): timed in µs, and also through torchlet's autograd API. */
  textbook?: boolean;
}

/** `C = A · B` with `A` m×k and `B` k×n. */
export interface MatmulCase {
  kind: 'matmul';
  id: string;
  title: string;
  m: number;
  n: number;
  k: number;
}

/** Max or average pooling over `[N, C, H, W]` (square window, no padding). */
export interface PoolCase {
  kind: 'pool';
  id: string;
  title: string;
  op: 'max' | 'avg';
  N: number;
  C: number;
  H: number;
  W: number;
  k: number;
  stride: number;
}

/** One training step of the textbook's LeNet-5 (sigmoid, average pooling, SGD, cross-entropy). */
export interface LenetCase {
  kind: 'lenet';
  id: string;
  title: string;
  /** Samples per step. */
  N: number;
  /** SGD learning rate (no momentum). */
  lr: number;
}

/** One epoch of `pnpm train` (torchlet only; a child process running apps/train). */
export interface EpochCase {
  kind: 'epoch';
  id: string;
  title: string;
}

/** Anything the harness can time. */
export type Workload = ConvCase | MatmulCase | PoolCase | LenetCase | EpochCase;

function conv(id: string, N: number, C: number, O: number, H: number, k: number, extra: Partial<ConvCase> = {}): ConvCase {
  const c: ConvCase = { kind: 'conv', id, title: '', N, C, H, W: H, O, kh: k, kw: k, stride: 1, pad: 0, dilation: 1, groups: 1, ...extra };
  const opts = [c.pad ? `pad ${c.pad}` : '', c.stride > 1 ? `stride ${c.stride}` : '', c.dilation > 1 ? `dilation ${c.dilation}` : '', c.groups > 1 ? `groups ${c.groups}` : '']
    .filter(Boolean)
    .join(', ');
  c.title = `conv2d N=${N} ${C}→${O} ${c.H}×${c.W} ${c.kh}×${c.kw}${opts ? `, ${opts}` : ''}`;
  return c;
}

function pool(op: 'max' | 'avg'): PoolCase {
  return { kind: 'pool', id: `${op}pool`, title: `${op === 'max' ? 'max' : 'average'} pooling 2×2 stride 2 on S1's output (64×6×28×28)`, op, N: 64, C: 6, H: 28, W: 28, k: 2, stride: 2 };
}

function matmul(n: number): MatmulCase {
  return { kind: 'matmul', id: `matmul-${n}`, title: `matmul ${n}×${n} · ${n}×${n}`, m: n, n, k: n };
}

/** Every workload, in the order they run and are reported. */
export const WORKLOADS: readonly Workload[] = [
  { ...conv('S0', 1, 1, 1, 6, 1), kw: 2, W: 8, title: "conv2d, the textbook's 1×1×6×8 input with a 1×2 kernel", textbook: true },
  conv('S1', 64, 1, 6, 28, 5, { pad: 2 }),
  conv('S2', 64, 6, 16, 14, 5),
  conv('S3', 8, 64, 64, 56, 3, { pad: 1 }),
  conv('S4', 8, 64, 128, 56, 3, { pad: 1, stride: 2 }),
  conv('depthwise', 8, 64, 64, 56, 3, { pad: 1, groups: 64 }),
  conv('dilated', 8, 64, 64, 56, 3, { pad: 2, dilation: 2 }),
  matmul(256),
  matmul(512),
  matmul(1024),
  pool('max'),
  pool('avg'),
  { kind: 'lenet', id: 'lenet-step', title: "one LeNet-5 training step, batch 256 (the textbook's: sigmoid, average pooling, SGD lr 0.1, cross-entropy)", N: 256, lr: 0.1 },
  { kind: 'epoch', id: 'train-epoch', title: 'one epoch of `pnpm train` (apps/train defaults: LeNet-5 with ReLU, Adam, batch 32, bundled digits)' },
];

/** The directions timed for a workload. */
export function directionsOf(w: Workload): Direction[] {
  switch (w.kind) {
    case 'conv':
      return ['forward', 'backward-input', 'backward-weight'];
    case 'pool':
      return ['forward', 'backward'];
    case 'matmul':
      return ['forward'];
    case 'lenet':
      return ['step'];
    case 'epoch':
      return ['epoch'];
  }
}

/** The batch a workload can be scaled along (`N`), or null when it has none. */
export function batchOf(w: Workload): number | null {
  return w.kind === 'conv' || w.kind === 'pool' || w.kind === 'lenet' ? w.N : null;
}

/** The same workload on `n` samples instead of `N` (a prefix of the inputs). */
export function withBatch<W extends Workload>(w: W, n: number): W {
  return 'N' in w ? { ...w, N: n } : w;
}

/** Output size of a convolution or pooling along one dim (floor mode). */
export function outSize(size: number, kernel: number, stride: number, pad: number, dilation = 1): number {
  return Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** `[outH, outW]` of a convolution. */
export function convOut(c: ConvCase): [number, number] {
  return [outSize(c.H, c.kh, c.stride, c.pad, c.dilation), outSize(c.W, c.kw, c.stride, c.pad, c.dilation)];
}

/** `[outH, outW]` of a pooling. */
export function poolOut(p: PoolCase): [number, number] {
  return [outSize(p.H, p.k, p.stride, 0), outSize(p.W, p.k, p.stride, 0)];
}

/**
 * Floating-point operations of one call, or null where none is defined (pooling, training):
 * `2·N·O·outH·outW·(C/groups)·kH·kW` for each convolution direction, `2·m·n·k` for matmul.
 */
export function flopsOf(w: Workload): number | null {
  if (w.kind === 'conv') {
    const [oh, ow] = convOut(w);
    return 2 * w.N * w.O * oh * ow * (w.C / w.groups) * w.kh * w.kw;
  }
  if (w.kind === 'matmul') return 2 * w.m * w.n * w.k;
  return null;
}

/** Parameter shapes of LeNet-5 in `nn.Sequential` order (PyTorch's state_dict order and layouts). */
export const LENET_PARAMS: readonly { name: string; shape: readonly number[] }[] = [
  { name: '0.weight', shape: [6, 1, 5, 5] },
  { name: '0.bias', shape: [6] },
  { name: '3.weight', shape: [16, 6, 5, 5] },
  { name: '3.bias', shape: [16] },
  { name: '7.weight', shape: [120, 400] },
  { name: '7.bias', shape: [120] },
  { name: '9.weight', shape: [84, 120] },
  { name: '9.bias', shape: [84] },
  { name: '11.weight', shape: [10, 84] },
  { name: '11.bias', shape: [10] },
];

/** Inputs of a convolution: input `x`, weight `w` and output gradient `gy`. */
export interface ConvInputs {
  x: Float32Array;
  w: Float32Array;
  gy: Float32Array;
}
/** Inputs of a matmul. */
export interface MatmulInputs {
  a: Float32Array;
  b: Float32Array;
}
/** Inputs of a pooling: input `x` and output gradient `gy`. */
export interface PoolInputs {
  x: Float32Array;
  gy: Float32Array;
}
/** Inputs of a LeNet step: images `[N, 1, 28, 28]` in [0, 1), labels in 0..9, the initial parameters. */
export interface LenetInputs {
  x: Float32Array;
  labels: Int32Array;
  params: Float32Array[];
}

/** A seeded xorshift32 stream of floats in [lo, hi). */
export function seededUniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = lo + ((s >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}

/** The textbook's image: ones with columns 2..5 zero (a vertical black stripe). */
function textbookImage(): Float32Array {
  const x = new Float32Array(6 * 8).fill(1);
  for (let r = 0; r < 6; r++) for (let c = 2; c < 6; c++) x[r * 8 + c] = 0;
  return x;
}

/** The inputs of a convolution (the textbook's X and K = [1, −1] for S0, seeded uniform otherwise). */
export function convInputs(c: ConvCase): ConvInputs {
  const [oh, ow] = convOut(c);
  const wSize = c.O * (c.C / c.groups) * c.kh * c.kw;
  if (c.textbook) return { x: textbookImage(), w: Float32Array.of(1, -1), gy: new Float32Array(c.N * c.O * oh * ow).fill(1) };
  return { x: seededUniform(c.N * c.C * c.H * c.W, 1), w: seededUniform(wSize, 2, -0.2, 0.2), gy: seededUniform(c.N * c.O * oh * ow, 3) };
}

/** The inputs of a matmul. */
export function matmulInputs(m: MatmulCase): MatmulInputs {
  return { a: seededUniform(m.m * m.k, 4), b: seededUniform(m.k * m.n, 5) };
}

/** The inputs of a pooling. */
export function poolInputs(p: PoolCase): PoolInputs {
  const [oh, ow] = poolOut(p);
  return { x: seededUniform(p.N * p.C * p.H * p.W, 6), gy: seededUniform(p.N * p.C * oh * ow, 7) };
}

/** The inputs of a LeNet step; parameters initialised like PyTorch's default (uniform ±1/√fan_in). */
export function lenetInputs(l: LenetCase): LenetInputs {
  const labels = new Int32Array(l.N);
  const u = seededUniform(l.N, 8, 0, 10);
  for (let i = 0; i < l.N; i++) labels[i] = Math.min(9, Math.floor(u[i]!));
  const params = LENET_PARAMS.map((p, i) => {
    const weight = p.name.endsWith('weight') ? p : LENET_PARAMS[i - 1]!;
    const fanIn = weight.shape.slice(1).reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    return seededUniform(p.shape.reduce((a, b) => a * b, 1), 100 + i, -bound, bound);
  });
  return { x: seededUniform(l.N * 28 * 28, 9, 0, 1), labels, params };
}

/** The first `n` of `N` equal-sized samples of `data` (a view, no copy). */
export function firstSamples<T extends Float32Array | Int32Array>(data: T, N: number, n: number): T {
  return data.subarray(0, (data.length / N) * n) as T;
}
