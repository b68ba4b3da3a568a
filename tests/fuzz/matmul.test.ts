/**
 * matmul (torch.matmul semantics: 1-D promotion, batch broadcasting, mixed float dtypes) and
 * linear on every backend, with operands of every layout (contiguous, permuted, strided views),
 * against reference.ts. Invalid shapes must throw, naming the op.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { linear, matmul, type Backend, type NDArray } from '@torchlet/ndarray';
import { BACKENDS, check, expectClose, expectRejects, reportSkippedBackends, values, viewOf, withBackend, type FloatDType } from './harness.js';
import { matmulRef, size, type Dense } from './reference.js';

const LAYOUTS = ['contiguous', 'permuted', 'strided'] as const;
const dim = fc.integer({ min: 0, max: 5 });

/** Sizes around the GEMM kernels' blocking: MR 4, NR 4/8, KC 256, MC 96/128 (jsBackend/wasm). */
const edgy = (max: number, edges: number[]) => fc.oneof(fc.integer({ min: 1, max }), fc.constantFrom(...edges));

const caseArbOf = (m: fc.Arbitrary<number>, k: fc.Arbitrary<number>, n: fc.Arbitrary<number>, maxBatch: number) =>
  fc.record({
    batch: fc.array(fc.integer({ min: 1, max: maxBatch }), { maxLength: 2 }),
    m,
    k,
    n,
    aRank: fc.integer({ min: 0, max: 4 }),
    bRank: fc.integer({ min: 0, max: 4 }),
    /** per batch dim: 0 both keep it, 1 a has 1 there, 2 b has 1 there */
    squash: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 2 }),
    aLayout: fc.constantFrom(...LAYOUTS),
    bLayout: fc.constantFrom(...LAYOUTS),
    aDtype: fc.constantFrom<FloatDType>('float32', 'float64'),
    bDtype: fc.constantFrom<FloatDType>('float32', 'float64'),
    corrupt: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('inner', 'batch') }),
    seed: fc.integer(),
  });
const caseArb = caseArbOf(dim, dim, dim, 3);
const largeArb = caseArbOf(edgy(140, [95, 96, 97, 127, 128, 129]), edgy(300, [255, 256, 257, 512, 513]), edgy(40, [7, 8, 9, 15, 16, 17]), 2).map((c) => ({
  ...c,
  corrupt: null,
}));
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function checkCase(c: Case, backend: Backend): string {
  let bBatch = c.batch;
  if (c.corrupt === 'batch' && c.batch.length > 0) bBatch = c.batch.map((s, i) => (i === 0 ? s + 1 : s));
  const aShape = shapeOf(c.aRank, c.m, c.k, c.k, c.batch, (i) => c.squash[i] === 1);
  const kb = c.corrupt === 'inner' ? c.k + 1 : c.k;
  const bShape = shapeOf(c.bRank, kb, c.n, kb, bBatch, (i) => c.squash[i] === 2);
  const a = operand(aShape, c.seed, c.aDtype, c.aLayout);
  const b = operand(bShape, c.seed + 1, c.bDtype, c.bLayout);
  const want = matmulRef(a.ref, b.ref);
  const dtype: FloatDType = c.aDtype === 'float64' || c.bDtype === 'float64' ? 'float64' : 'float32';
  return withBackend(backend, () => {
    if (want === null) {
      expectRejects('matmul', () => matmul(a.nd, b.nd));
      return 'invalid';
    }
    expectClose(`matmul [${aShape.join(', ')}] @ [${bShape.join(', ')}]`, matmul(a.nd, b.nd), want, dtype);
    return 'valid';
  });
}

/** An operand's shape: rank 1 is a vector, rank ≥ 2 takes the last (rank − 2) batch dims. */
function shapeOf(rank: number, rows: number, cols: number, vector: number, batch: number[], squashed: (i: number) => boolean): number[] {
  if (rank === 0) return [];
  if (rank === 1) return [vector];
  const lead = batch.slice(Math.max(0, batch.length - (rank - 2)));
  const off = batch.length - lead.length;
  return [...lead.map((s, i) => (squashed(off + i) ? 1 : s)), rows, cols];
}

function operand(shape: number[], seed: number, dtype: FloatDType, layout: (typeof LAYOUTS)[number]): { ref: Dense; nd: NDArray } {
  const data = values(size(shape), seed);
  if (dtype === 'float32') for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]!);
  const ref = { data, shape };
  return { ref, nd: viewOf(ref, dtype, layout) };
}

describe.each(BACKENDS)('matmul fuzz on $name', ({ name, backend }) => {
  it('matmul matches the naive reference for every rank, layout and broadcast; invalid shapes throw', () => {
    check(`matmul/${name}`, 150, caseArb, (c) => checkCase(c, backend));
  });

  it('larger products, around the GEMM blocking edges, match the reference', () => {
    check(`matmul-large/${name}`, 10, largeArb, (c) => checkCase(c, backend), 0.1);
  });

  it('linear (x @ wᵀ + b) matches the reference', () => {
    const linArb = fc.record({
      lead: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
      inF: dim,
      outF: dim,
      bias: fc.boolean(),
      xLayout: fc.constantFrom(...LAYOUTS),
      wLayout: fc.constantFrom(...LAYOUTS),
      dtype: fc.constantFrom<FloatDType>('float32', 'float64'),
      wrongFeatures: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      seed: fc.integer(),
    });
    check(`linear/${name}`, 80, linArb, (c) => {
      const x = operand([...c.lead, c.inF], c.seed, c.dtype, c.xLayout);
      const wShape = [c.outF, c.wrongFeatures ? c.inF + 1 : c.inF];
      const w = operand(wShape, c.seed + 1, c.dtype, c.wLayout);
      const bias = c.bias ? operand([c.outF], c.seed + 2, c.dtype, 'contiguous') : null;
      return withBackend(backend, () => {
        if (c.wrongFeatures) {
          expectRejects('linear', () => linear(x.nd, w.nd, bias?.nd ?? null));
          return 'invalid';
        }
        // x @ wᵀ, written with the reference matmul on an explicitly transposed copy of w
        const wt = new Float64Array(w.ref.data.length);
        for (let o = 0; o < c.outF; o++) for (let i = 0; i < c.inF; i++) wt[i * c.outF + o] = w.ref.data[o * c.inF + i]!;
        const want = matmulRef(x.ref, { data: wt, shape: [c.inF, c.outF] })!;
        if (bias) {
          for (let r = 0; r < want.data.length; r++) {
            const v = bias.ref.data[r % c.outF]!;
            want.data[r]! += v;
            want.mag[r]! += Math.abs(v);
            want.terms[r]!++;
          }
        }
        expectClose('linear', linear(x.nd, w.nd, bias?.nd ?? null), want, c.dtype);
        return 'valid';
      });
    });
  });
});

describe('matmul fuzz: backends', () => {
  it(`runs on ${BACKENDS.map((b) => b.name).join(', ')}`, () => {});
  reportSkippedBackends();
});
