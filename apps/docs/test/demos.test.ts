/** The arithmetic behind the live demos (.vitepress/theme/lib), checked in Node.js against torchlet. */
import { serialize } from '@torchlet/io';
import { array, conv2d, manualSeed, pad, randn, type Conv2dPaddingMode } from '@torchlet/ndarray';
import { describe, expect, it } from 'vitest';
import { correlate, formatNumber, parseCell, resize, windowAt, type CorrelationSettings } from '../.vitepress/theme/lib/correlation';
import { decodeDigit, SIZE, toMnist } from '../.vitepress/theme/lib/digits';
import { KernelLearner } from '../.vitepress/theme/lib/learn-kernel';
import { DigitModel, lenet5 } from '../.vitepress/theme/lib/lenet';

const plain: CorrelationSettings = { padding: 0, mode: 'zeros', stride: 1, dilation: 1 };

describe('cross-correlation stepper', () => {
  it("shows the textbook's numbers, and each window's sum is the output element", () => {
    const X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]];
    const K = [[0, 1], [2, 3]];
    const c = correlate(X, K, plain);
    expect(c.output).toEqual([[19, 25], [37, 43]]);
    expect([0, 1, 2, 3].map((i) => windowAt(i, c, K, plain).sum)).toEqual([19, 25, 37, 43]);
    expect(windowAt(3, c, K, plain).terms.map((t) => `${t.x}·${t.k}`)).toEqual(['4·0', '5·1', '7·2', '8·3']);
  });

  it('agrees with conv2d and pad for every padding mode, stride and dilation', () => {
    manualSeed(0);
    const X = randn([5, 6]).toArray() as number[][];
    const K = randn([3, 2]).toArray() as number[][];
    const modes: Conv2dPaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];
    let checked = 0;
    for (const mode of modes) {
      for (const [padding, stride, dilation] of [[0, 1, 1], [1, 1, 1], [2, 2, 1], [1, 2, 2], [3, 3, 1]] as const) {
        const s = { padding, mode, stride, dilation };
        const c = correlate(X, K, s);
        const ref = conv2d(array(X).reshape(1, 1, 5, 6), array(K).reshape(1, 1, 3, 2), null, { padding, paddingMode: mode, stride, dilation });
        const [, , h = 0, w = 0] = ref.shape;
        expect(c.error).toBeNull();
        expect([c.outHeight, c.outWidth]).toEqual([h, w]);
        expect(c.output).toEqual(ref.reshape(h, w).toArray());
        expect(c.padded).toEqual(pad(array(X).reshape(1, 5, 6), [padding, padding, padding, padding], mode === 'zeros' ? 'constant' : mode).reshape(5 + 2 * padding, 6 + 2 * padding).toArray());
        for (let i = 0; i < h * w; i++) {
          const win = windowAt(i, c, K, s);
          expect(win.sum).toBeCloseTo(c.output![win.outRow]![win.outCol]!, 4);
        }
        checked++;
      }
    }
    expect(checked).toBe(20);
  });

  it("shows torchlet's error when the kernel does not fit", () => {
    const c = correlate([[1, 2], [3, 4]], [[1, 1, 1], [1, 1, 1], [1, 1, 1]], plain);
    expect(c.output).toBeNull();
    expect(c.error).toMatch(/conv2d/);
    const reflect = correlate([[1, 2], [3, 4]], [[1]], { ...plain, padding: 2, mode: 'reflect' });
    expect(reflect.error).toMatch(/reflect/);
  });

  it('formats, parses and resizes cells', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(-0.0001)).toBe('0');
    expect(formatNumber(-2.5)).toBe('-2.5');
    expect(parseCell(' −2 ')).toBe(-2);
    expect(parseCell('1e2')).toBe(100);
    expect(parseCell('')).toBeNull();
    expect(parseCell('x')).toBeNull();
    expect(resize([[1, 2], [3, 4]], 3, 1)).toEqual([[1], [3], [0]]);
  });
});

describe('learn the kernel', () => {
  it('brings the loss below 1e-3 within the 40 steps of the demo, the kernel to [1, -1]', () => {
    const learner = new KernelLearner(0.03, 0);
    for (let i = 0; i < 40; i++) learner.step();
    const reached = learner.history.findIndex((r) => r.loss < 1e-3);
    expect(reached).toBeGreaterThanOrEqual(0);
    expect(reached).toBeLessThan(40);
    const [w0, w1] = learner.kernel;
    expect(w0).toBeCloseTo(1, 2);
    expect(w1).toBeCloseTo(-1, 2);
    const prediction = learner.prediction();
    prediction[0]!.forEach((v, j) => expect(v).toBeCloseTo(learner.target[0]![j]!, 2));
  });

  it('diverges with a learning rate of 0.1', () => {
    const learner = new KernelLearner(0.1, 0);
    for (let i = 0; i < 40 && !learner.diverged; i++) learner.step();
    expect(learner.diverged).toBe(true);
  });
});

/** A 280×280 picture with a bar of ink, like a drawn 1. */
function bar(x0: number, x1: number, y0: number, y1: number): Float32Array {
  const gray = new Float32Array(280 * 280);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) gray[y * 280 + x] = 1;
  return gray;
}

describe('digit preprocessing', () => {
  it('fits the ink into 20×20 and centres its mass, as MNIST was made', () => {
    const out = toMnist(bar(30, 50, 20, 220), 280, 280)!; // off-centre, 20 wide, 200 tall
    expect(out).toHaveLength(SIZE * SIZE);
    let top = SIZE;
    let bottom = -1;
    let mass = 0;
    let cx = 0;
    let cy = 0;
    out.forEach((v, i) => {
      const [y, x] = [Math.floor(i / SIZE), i % SIZE];
      if (v > 0.05) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
      mass += v;
      cx += v * x;
      cy += v * y;
    });
    expect(bottom - top + 1).toBe(20);
    expect(cx / mass).toBeCloseTo(13.5, 0);
    expect(cy / mass).toBeCloseTo(13.5, 0);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
  });

  it('returns null for an empty picture, and decodes the sample digits', () => {
    expect(toMnist(new Float32Array(100), 10, 10)).toBeNull();
    const pixels = decodeDigit({ label: 1, index: 0, predicted: 1, pixels: Buffer.from(Uint8Array.of(0, 255, 51)).toString('base64') });
    expect(Array.from(pixels)).toEqual([0, 1, Math.fround(0.2)]);
  });
});

describe('the LeNet of the digit demo', () => {
  it('loads weights from safetensors bytes with their metadata and classifies, keeping conv1 maps', () => {
    manualSeed(0);
    const bytes = serialize(lenet5('relu').stateDict(), {
      metadata: { source: 'a test', epochs: '2', activation: 'relu', testAccuracy: '0.9415', testDigits: '2000' },
    });
    const model = DigitModel.fromBytes(bytes);
    expect(model.info).toEqual({ source: 'a test', epochs: 2, activation: 'relu', testAccuracy: 0.9415, testDigits: 2000 });
    const result = model.classify(toMnist(bar(130, 150, 40, 240), 280, 280)!);
    expect(result.probabilities).toHaveLength(10);
    expect(result.probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    expect(result.predicted).toBe(result.probabilities.indexOf(Math.max(...result.probabilities)));
    expect(result.featureMaps).toHaveLength(6);
    expect(result.featureMaps[0]).toHaveLength(784);
    expect(model.filters().map((f) => f.length)).toEqual([25, 25, 25, 25, 25, 25]);
  });

  it('refuses weights of another model', () => {
    manualSeed(0);
    const bytes = serialize(lenet5('relu').stateDict());
    const other = serialize({ ...Object.fromEntries(Object.entries(lenet5('relu').stateDict()).slice(1)) });
    expect(() => DigitModel.fromBytes(bytes)).not.toThrow();
    expect(() => DigitModel.fromBytes(other)).toThrow(/0\.weight/);
  });
});
