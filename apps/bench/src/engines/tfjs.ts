/**
 * TensorFlow.js 4.22 peers: `tfjs-cpu` (@tensorflow/tfjs-backend-cpu, plain JavaScript, in the union
 * package) and `tfjs-wasm` (@tensorflow/tfjs-backend-wasm, XNNPACK with SIMD; single-threaded under
 * Node, where its threaded build cannot start). tfjs is NHWC with `[kH, kW, C, O]` filters: inputs
 * are transposed once when an op is prepared, outside the timed region, and outputs are transposed
 * back only for the correctness check. The backward directions call the kernels themselves
 * (`Conv2DBackpropInput`, `Conv2DBackpropFilter`, their depthwise variants, `MaxPoolGrad`,
 * `AvgPoolGrad`) through `tf.engine().runKernel`, as tfjs' own gradients do.
 */
import type * as TF from '@tensorflow/tfjs';
import type { ConvCase, ConvInputs, Direction, LenetCase, LenetInputs, MatmulCase, MatmulInputs, PoolCase, PoolInputs } from '../workloads.js';
import { convOut, poolOut } from '../workloads.js';
import { nchwToNhwc, oihwToHwio, type Engine, type Op, type Prepared } from './engine.js';

type Tf = typeof TF;
type Tensor = TF.Tensor;
type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

const padOf = (p: number): ExplicitPad => [
  [0, 0],
  [p, p],
  [p, p],
  [0, 0],
];

/** An op that computes one tensor per call (synchronously: the cpu and wasm backends run kernels eagerly). */
function tensorOp(call: () => Tensor, back: (data: Float32Array) => Float32Array, held: Tensor[]): Op {
  return {
    run: () => call().dispose(),
    output: async () => {
      const y = call();
      const data = (await y.data()) as Float32Array;
      y.dispose();
      return [back(data)];
    },
    dispose: () => held.forEach((t) => t.dispose()),
  };
}

class TfjsEngine implements Engine {
  readonly family = 'peer';

  constructor(
    private readonly tf: Tf,
    private readonly backendName: 'cpu' | 'wasm',
    readonly threads: number,
    readonly description: string,
  ) {}

  get name(): string {
    return `tfjs-${this.backendName}`;
  }

  supports(): boolean {
    return true;
  }

  async activate(): Promise<void> {
    if (this.tf.getBackend() !== this.backendName) await this.tf.setBackend(this.backendName);
  }

  private hasKernel(kernel: string): boolean {
    return this.tf.getKernel(kernel, this.backendName) !== undefined;
  }

  private missing(kernel: string): Prepared {
    return { unsupported: `tfjs-backend-${this.backendName} has no ${kernel} kernel` };
  }

  conv(c: ConvCase, direction: Direction, inputs: ConvInputs): Promise<Prepared> {
    const tf = this.tf;
    const depthwise = c.groups > 1 && c.groups === c.C && c.O === c.C;
    if (c.groups > 1 && !depthwise) return Promise.resolve({ unsupported: 'tfjs has no grouped convolution other than depthwise' });
    const [oh, ow] = convOut(c);
    const I = c.C / c.groups;
    // depthwise filters are [kH, kW, C, 1]: the same memory as HWIO with I = 1 and O = C
    const filterShape: [number, number, number, number] = depthwise ? [c.kh, c.kw, c.C, 1] : [c.kh, c.kw, c.C, c.O];
    const inputShape: [number, number, number, number] = [c.N, c.H, c.W, c.C];
    const pad = padOf(c.pad);
    const strides: [number, number] = [c.stride, c.stride];
    const dilations: [number, number] = [c.dilation, c.dilation];
    const toNchwOut = (d: Float32Array): Float32Array => nchwToNhwc(d, c.N, c.O, oh, ow, true);
    if (direction === 'forward') {
      const x = tf.tensor4d(nchwToNhwc(inputs.x, c.N, c.C, c.H, c.W), inputShape);
      const f = tf.tensor4d(oihwToHwio(inputs.w, c.O, I, c.kh, c.kw), filterShape);
      const call = depthwise
        ? () => tf.depthwiseConv2d(x, f, strides, pad, 'NHWC', dilations)
        : () => tf.conv2d(x, f, strides, pad, 'NHWC', dilations);
      return Promise.resolve(tensorOp(call, toNchwOut, [x, f]));
    }
    const kernel =
      direction === 'backward-input'
        ? depthwise
          ? 'DepthwiseConv2dNativeBackpropInput'
          : 'Conv2DBackpropInput'
        : depthwise
          ? 'DepthwiseConv2dNativeBackpropFilter'
          : 'Conv2DBackpropFilter';
    if (!this.hasKernel(kernel)) return Promise.resolve(this.missing(kernel));
    if (c.dilation > 1 && !depthwise) return Promise.resolve({ unsupported: `tfjs' ${kernel} has no dilation attribute` });
    const dy = tf.tensor4d(nchwToNhwc(inputs.gy, c.N, c.O, oh, ow), [c.N, oh, ow, c.O]);
    const attrs = depthwise ? { strides, pad, dilations, dimRoundingMode: undefined } : { strides, pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const run = (tensors: TF.NamedTensorMap, extra: TF.NamedAttrMap) => () =>
      tf.engine().runKernel<Tensor>(kernel, tensors, { ...attrs, ...extra } as unknown as TF.NamedAttrMap);
    if (direction === 'backward-input') {
      const f = tf.tensor4d(oihwToHwio(inputs.w, c.O, I, c.kh, c.kw), filterShape);
      const call = run({ dy, filter: f }, { inputShape });
      return Promise.resolve(tensorOp(call, (d) => nchwToNhwc(d, c.N, c.C, c.H, c.W, true), [dy, f]));
    }
    const x = tf.tensor4d(nchwToNhwc(inputs.x, c.N, c.C, c.H, c.W), inputShape);
    const call = run({ x, dy }, { filterShape });
    return Promise.resolve(tensorOp(call, (d) => oihwToHwio(d, c.O, I, c.kh, c.kw, true), [x, dy]));
  }

  matmul(m: MatmulCase, inputs: MatmulInputs): Promise<Prepared> {
    const a = this.tf.tensor2d(inputs.a, [m.m, m.k]);
    const b = this.tf.tensor2d(inputs.b, [m.k, m.n]);
    return Promise.resolve(tensorOp(() => this.tf.matMul(a, b), (d) => d, [a, b]));
  }

  pool(p: PoolCase, direction: Direction, inputs: PoolInputs): Promise<Prepared> {
    const tf = this.tf;
    const [oh, ow] = poolOut(p);
    const x = tf.tensor4d(nchwToNhwc(inputs.x, p.N, p.C, p.H, p.W), [p.N, p.H, p.W, p.C]);
    const size: [number, number] = [p.k, p.k];
    const strides: [number, number] = [p.stride, p.stride];
    const forward = () => (p.op === 'max' ? tf.maxPool(x, size, strides, 'valid') : tf.avgPool(x, size, strides, 'valid'));
    if (direction === 'forward') return Promise.resolve(tensorOp(forward, (d) => nchwToNhwc(d, p.N, p.C, oh, ow, true), [x]));
    const kernel = p.op === 'max' ? 'MaxPoolGrad' : 'AvgPoolGrad';
    if (!this.hasKernel(kernel)) {
      x.dispose();
      return Promise.resolve(this.missing(kernel));
    }
    const dy = tf.tensor4d(nchwToNhwc(inputs.gy, p.N, p.C, oh, ow), [p.N, oh, ow, p.C]);
    const attrs = { filterSize: size, strides, pad: 'valid', dimRoundingMode: undefined } as unknown as TF.NamedAttrMap;
    // MaxPoolGrad takes the forward's output (computed here, outside the timed call) and finds the maxima again
    const y = p.op === 'max' ? forward() : null;
    const inputsOf: TF.NamedTensorMap = y ? { dy, input: x, output: y } : { dy, input: x };
    const call = () => tf.engine().runKernel<Tensor>(kernel, inputsOf, attrs);
    const op = tensorOp(call, (d) => nchwToNhwc(d, p.N, p.C, p.H, p.W, true), y ? [x, dy, y] : [x, dy]);
    if (p.op === 'max' && this.backendName === 'wasm') {
      // seen with 4.22.0: tf.grad of maxPool on this backend gives the same wrong values
      op.mismatchHint = "tfjs-backend-wasm's MaxPoolGrad gives no gradient to windows whose maximum is negative";
    }
    return Promise.resolve(op);
  }

  lenetStep(l: LenetCase, inputs: LenetInputs): Promise<Prepared> {
    if (!this.hasKernel('Conv2DBackpropFilter')) {
      return Promise.resolve({ unsupported: `tfjs-backend-${this.backendName} has no Conv2DBackpropFilter kernel: it cannot train a convolution` });
    }
    const tf = this.tf;
    const P = inputs.params;
    const transpose2d = (w: Float32Array, rows: number, cols: number): Float32Array => {
      const out = new Float32Array(w.length);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
      return out;
    };
    // fc1 reads the NHWC flatten (h, w, c) where torchlet's reads (c, h, w): permute its rows once
    const fc1 = new Float32Array(400 * 120);
    for (let o = 0; o < 120; o++)
      for (let c = 0; c < 16; c++) for (let hw = 0; hw < 25; hw++) fc1[(hw * 16 + c) * 120 + o] = P[4]![o * 400 + c * 25 + hw]!;
    // tidy frees the initial tensors; variables outlive it
    const vars = tf.tidy(() => ({
      c1w: tf.variable(tf.tensor4d(oihwToHwio(P[0]!, 6, 1, 5, 5), [5, 5, 1, 6])),
      c1b: tf.variable(tf.tensor1d(P[1]!)),
      c2w: tf.variable(tf.tensor4d(oihwToHwio(P[2]!, 16, 6, 5, 5), [5, 5, 6, 16])),
      c2b: tf.variable(tf.tensor1d(P[3]!)),
      f1w: tf.variable(tf.tensor2d(fc1, [400, 120])),
      f1b: tf.variable(tf.tensor1d(P[5]!)),
      f2w: tf.variable(tf.tensor2d(transpose2d(P[6]!, 84, 120), [120, 84])),
      f2b: tf.variable(tf.tensor1d(P[7]!)),
      f3w: tf.variable(tf.tensor2d(transpose2d(P[8]!, 10, 84), [84, 10])),
      f3b: tf.variable(tf.tensor1d(P[9]!)),
    }));
    const x = tf.tensor4d(nchwToNhwc(inputs.x, l.N, 1, 28, 28), [l.N, 28, 28, 1]);
    const labels = tf.tensor1d(inputs.labels, 'int32');
    const oneHot = tf.oneHot(labels, 10).toFloat();
    const optimizer = tf.train.sgd(l.lr);
    const loss = (): TF.Scalar => {
      let h: TF.Tensor4D = tf.sigmoid(tf.conv2d(x, vars.c1w as TF.Tensor4D, 1, padOf(2)).add(vars.c1b));
      h = tf.avgPool(h, 2, 2, 'valid');
      h = tf.sigmoid(tf.conv2d(h, vars.c2w as TF.Tensor4D, 1, 'valid').add(vars.c2b));
      h = tf.avgPool(h, 2, 2, 'valid');
      let z: TF.Tensor2D = h.reshape([l.N, 400]);
      z = tf.sigmoid(tf.matMul(z, vars.f1w).add(vars.f1b));
      z = tf.sigmoid(tf.matMul(z, vars.f2w).add(vars.f2b));
      const logits = tf.matMul(z, vars.f3w).add(vars.f3b);
      return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)));
    };
    const step = async (keep: boolean): Promise<Float32Array[]> => {
      const { value, grads } = tf.variableGrads(loss);
      optimizer.applyGradients(grads);
      const out = [(await value.data()) as Float32Array];
      if (keep) {
        out.push(oihwToHwio((await grads[vars.c1w.name]!.data()) as Float32Array, 6, 1, 5, 5, true));
        out.push(oihwToHwio((await grads[vars.c2w.name]!.data()) as Float32Array, 16, 6, 5, 5, true));
        out.push(transpose2d((await grads[vars.f3w.name]!.data()) as Float32Array, 84, 10));
      }
      value.dispose();
      Object.values(grads).forEach((g) => g.dispose());
      return out;
    };
    return Promise.resolve({
      run: async () => void (await step(false)),
      output: () => step(true),
      dispose: () => {
        Object.values(vars).forEach((v) => v.dispose());
        [x, labels, oneHot].forEach((t) => t.dispose());
        optimizer.dispose();
      },
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The tfjs engines that load, and header lines about them (versions, SIMD, threads, failures). */
export interface TfjsEngines {
  engines: Engine[];
  notes: string[];
}

/** Loads `@tensorflow/tfjs` (cpu backend) and `@tensorflow/tfjs-backend-wasm`; either may fail alone. */
export async function tfjsEngines(): Promise<TfjsEngines> {
  const notes: string[] = [];
  let tf: Tf;
  try {
    tf = await import('@tensorflow/tfjs');
  } catch (e) {
    return { engines: [], notes: [`tfjs-cpu, tfjs-wasm: not measured, @tensorflow/tfjs did not load (${(e as Error).message.split('\n')[0]})`] };
  }
  // prod mode: no NaN checks, no "install tfjs-node" banner
  tf.enableProdMode();
  const engines: Engine[] = [];
  if (await tf.setBackend('cpu')) engines.push(new TfjsEngine(tf, 'cpu', 1, `@tensorflow/tfjs ${tf.version_core}, backend cpu (JavaScript)`));
  else notes.push('tfjs-cpu: setBackend("cpu") failed');
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") returned false');
    const threads = wasm.getThreadsCount();
    engines.push(
      new TfjsEngine(tf, 'wasm', threads, `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm}, ${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread (its threaded build does not start under Node)`),
    );
  } catch (e) {
    notes.push(`tfjs-wasm: not measured (${(e as Error).message.split('\n')[0]})`);
  }
  return { engines, notes };
}
