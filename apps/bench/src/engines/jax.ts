/**
 * The jax-js peer (`@jax-js/jax`, its WebAssembly device; one thread under Node, which lacks the
 * browser's Web Workers it would use). It is NCHW like torchlet, so inputs go in unchanged.
 * Convolutions use `lax.convGeneralDilated`; each backward direction is the `vjp` of the forward
 * with respect to one operand, linearised once when the op is prepared, so that a timed call is the
 * pullback alone; pooling is `lax.reduceWindow`. Everything runs eagerly (under `jit`, padded
 * convolutions are slower and large ones take seconds to compile). jax-js counts references: every
 * call takes ownership of its arguments, hence the `.ref`s, and each timed call ends with
 * `await y.blockUntilReady()` (its arrays are lazy) before disposing `y`.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as JAX from '@jax-js/jax';
import type { ConvCase, ConvInputs, Direction, LenetCase, LenetInputs, MatmulCase, MatmulInputs, PoolCase, PoolInputs } from '../workloads.js';
import { convOut, poolOut } from '../workloads.js';
import type { Engine, Op, Prepared } from './engine.js';

type Jax = typeof JAX;
type JArray = JAX.Array;

/** An op whose every call returns one new array (disposed after the timed call). */
function arrayOp(call: () => JArray, held: () => void): Op {
  return {
    run: async () => {
      const y = call();
      await y.blockUntilReady();
      y.dispose();
    },
    // data() takes ownership of y (and frees it)
    output: async () => [Float32Array.from((await call().data()) as Float32Array)],
    dispose: held,
  };
}

class JaxEngine implements Engine {
  readonly name = 'jax-js';
  readonly family = 'peer';
  readonly threads = 1;

  constructor(
    private readonly jax: Jax,
    readonly description: string,
  ) {}

  supports(): boolean {
    return true;
  }

  activate(): Promise<void> {
    return Promise.resolve();
  }

  private array(data: Float32Array, shape: number[]): JArray {
    return this.jax.numpy.array(data).reshape(shape);
  }

  private convFn(c: ConvCase): (x: JArray, w: JArray) => JArray {
    const { lax } = this.jax;
    return (x, w) =>
      lax.convGeneralDilated(x, w, [c.stride, c.stride], [
        [c.pad, c.pad],
        [c.pad, c.pad],
      ], { rhsDilation: [c.dilation, c.dilation], featureGroupCount: c.groups });
  }

  conv(c: ConvCase, direction: Direction, inputs: ConvInputs): Promise<Prepared> {
    const [oh, ow] = convOut(c);
    const x = this.array(inputs.x, [c.N, c.C, c.H, c.W]);
    const w = this.array(inputs.w, [c.O, c.C / c.groups, c.kh, c.kw]);
    const conv = this.convFn(c);
    if (direction === 'forward') {
      return Promise.resolve(arrayOp(() => conv(x.ref, w.ref), () => [x, w].forEach((a) => a.dispose())));
    }
    const gy = this.array(inputs.gy, [c.N, c.O, oh, ow]);
    // linearise once; a timed call is the pullback of gy alone
    const [y, pullback] =
      direction === 'backward-input' ? this.jax.vjp((a: JArray) => conv(a, w.ref), [x.ref]) : this.jax.vjp((b: JArray) => conv(x.ref, b), [w.ref]);
    y.dispose();
    return Promise.resolve(
      arrayOp(
        () => pullback(gy.ref)[0],
        () => {
          pullback.dispose();
          [x, w, gy].forEach((a) => a.dispose());
        },
      ),
    );
  }

  matmul(m: MatmulCase, inputs: MatmulInputs): Promise<Prepared> {
    const a = this.array(inputs.a, [m.m, m.k]);
    const b = this.array(inputs.b, [m.k, m.n]);
    return Promise.resolve(arrayOp(() => this.jax.numpy.matmul(a.ref, b.ref), () => [a, b].forEach((t) => t.dispose())));
  }

  private poolFn(op: 'max' | 'avg', k: number, stride: number): (x: JArray) => JArray {
    const { lax, numpy: np } = this.jax;
    return (x) => lax.reduceWindow(x, op === 'max' ? (win) => np.max(win) : (win) => np.mean(win), [k, k], [stride, stride]);
  }

  pool(p: PoolCase, direction: Direction, inputs: PoolInputs): Promise<Prepared> {
    const [oh, ow] = poolOut(p);
    const x = this.array(inputs.x, [p.N, p.C, p.H, p.W]);
    const pool = this.poolFn(p.op, p.k, p.stride);
    if (direction === 'forward') return Promise.resolve(arrayOp(() => pool(x.ref), () => x.dispose()));
    const gy = this.array(inputs.gy, [p.N, p.C, oh, ow]);
    const [y, pullback] = this.jax.vjp(pool, [x.ref]);
    y.dispose();
    return Promise.resolve(
      arrayOp(
        () => pullback(gy.ref)[0],
        () => {
          pullback.dispose();
          [x, gy].forEach((a) => a.dispose());
        },
      ),
    );
  }

  lenetStep(l: LenetCase, inputs: LenetInputs): Promise<Prepared> {
    const { numpy: np, nn, lax, tree } = this.jax;
    const B = l.N;
    const shapes = [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84], [10, 84], [10]];
    let params: JArray[] = inputs.params.map((p, i) => this.array(p, shapes[i]!));
    const x = this.array(inputs.x, [B, 1, 28, 28]);
    const oneHot = nn.oneHot(np.array(inputs.labels, { dtype: np.int32 }), 10);
    const avgPool = this.poolFn('avg', 2, 2);
    const linear = (z: JArray, w: JArray, b: JArray): JArray => np.matmul(z, w.transpose()).add(b);
    const loss = (p: JArray[], images: JArray, targets: JArray): JArray => {
      const [c1w, c1b, c2w, c2b, f1w, f1b, f2w, f2b, f3w, f3b] = p as [JArray, JArray, JArray, JArray, JArray, JArray, JArray, JArray, JArray, JArray];
      let h = nn.sigmoid(lax.convGeneralDilated(images, c1w, [1, 1], [[2, 2], [2, 2]]).add(c1b.reshape([1, 6, 1, 1])));
      h = avgPool(h);
      h = nn.sigmoid(lax.convGeneralDilated(h, c2w, [1, 1], 'VALID').add(c2b.reshape([1, 16, 1, 1])));
      h = avgPool(h).reshape([B, 400]);
      h = nn.sigmoid(linear(h, f1w, f1b));
      h = nn.sigmoid(linear(h, f2w, f2b));
      return nn.logSoftmax(linear(h, f3w, f3b), 1).mul(targets).sum(1).mean().neg();
    };
    const valueAndGrad = this.jax.valueAndGrad(loss);
    const step = async (keep: boolean): Promise<Float32Array[]> => {
      const [value, grads] = valueAndGrad(tree.ref(params), x.ref, oneHot.ref);
      const kept = keep ? [grads[0]!.ref, grads[2]!.ref, grads[8]!.ref] : [];
      params = params.map((p, i) => p.sub(grads[i]!.mul(l.lr)));
      await this.jax.blockUntilReady(params);
      const out = [Float32Array.from((await value.data()) as Float32Array)];
      for (const g of kept) out.push(Float32Array.from((await g.data()) as Float32Array));
      return out;
    };
    return Promise.resolve({
      run: async () => void (await step(false)),
      output: () => step(true),
      dispose: () => {
        tree.dispose(params);
        x.dispose();
        oneHot.dispose();
      },
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The jax-js engine if `@jax-js/jax` loads and its wasm device starts, and header lines about it. */
export async function jaxEngines(): Promise<{ engines: Engine[]; notes: string[] }> {
  try {
    const jax = await import('@jax-js/jax');
    // only the wasm device: init() of every device touches `navigator` (WebGPU), absent in Node 20
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) throw new Error(`the wasm device did not start (devices: ${devices.join(', ')})`);
    jax.defaultDevice('wasm');
    let version = '';
    try {
      const main = createRequire(import.meta.url).resolve('@jax-js/jax');
      version = ` ${(JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string }).version}`;
    } catch {
      // the version is only for the header
    }
    return { engines: [new JaxEngine(jax, `@jax-js/jax${version}, wasm device, eager, 1 thread (no Web Workers in Node)`)], notes: [] };
  } catch (e) {
    return { engines: [], notes: [`jax-js: not measured (${(e as Error).message.split('\n')[0]})`] };
  }
}
