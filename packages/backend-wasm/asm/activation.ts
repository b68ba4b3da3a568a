// Activation kernels of @torchlet/backend-wasm: the logistic function σ and its gradient over f32,
// 4 lanes per step (re-exported by kernels.ts, so every build of it contains them).
//
// Only plain SIMD arithmetic here, never relaxed_madd, even in the relaxed-SIMD build: a fused
// multiply-add rounds once where mul + add round twice, so the results would depend on the build
// and the hardware. With plain IEEE operations every build gives the same bits on every engine.
// (The one relaxed instruction, relaxed_laneselect, only ever gets masks of all-ones or all-zeros
// lanes, for which every engine must pick whole lanes: it is an exact select.)
//
// The tail (n % 4 elements) runs each element through the same 4-lane function (splat, compute,
// take lane 0), so an element's result never depends on where it falls in the array.

// exp(t) for t ≤ 0, after Cephes' expf (Stephen L. Moshier, http://www.netlib.org/cephes/):
// t = m·ln2 + r with m = round(t·log2 e) and |r| ≤ ln2/2, e^r by a degree-7 polynomial, times 2^m.
const LOG2E: f32 = 1.44269504088896341;
// ln 2 split so that m·LN2_HI is exact for |m| < 2^15 (LN2_HI has 9 significant bits): Cody–Waite
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;
// below e^−104 ≈ 6.8e−46, under half the smallest denormal (2^−149 ≈ 1.4e−45): exp rounds to 0;
// the clamp keeps 2^m within reach of the exponent bits built below (m ≥ −151)
const MIN_T: f32 = -104.0;
// 1.5·2^23: adding it to |y| < 2^22 rounds y to an integer (to nearest even, the default
// rounding) and leaves that integer in the low mantissa bits, so one add gives both m and its bits
const MAGIC: f32 = 12582912.0;
// 2^−64 as f32 bits: the scale 2^m is applied as 2^(m+64) · 2^−64 (see sigmoidLanes)
const TWO_M64_BITS: i32 = (127 - 64) << 23;

/**
 * `mask ? a : b` per lane, for a mask whose lanes are all ones or all zeros: relaxed_laneselect
 * is exactly that for such masks on every engine (one blend instruction on x86), bitselect
 * elsewhere; the same bits in both builds.
 */
@inline function select(a: v128, b: v128, mask: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return i32x4.relaxed_laneselect(a, b, mask);
  } else {
    return v128.bitselect(a, b, mask);
  }
}

/**
 * σ(x) per lane with one exp: e = e^t for t = −|x| ≤ 0 never overflows; σ = 1/(1+e) where x's
 * sign bit is clear and e/(1+e) where it is set (for −0, e = 1 and both are ½). e^t after
 * Cephes' expf: t = m·ln2 + r, e^r by the polynomial, times 2^m.
 * 2^(m+64) is a normal float for every m in [−151, 0], so p(r)·2^(m+64) is exact-exponent
 * arithmetic and the last multiply by 2^−64 is one rounding: a result below the normal range is
 * rounded once, correctly, as a denormal. NaN gives NaN (pmax keeps its first operand when the
 * comparison fails, and every later step propagates it); ±Infinity gives 1 or 0.
 *
 * The constants come in as arguments: V8 does not hoist a splat out of a loop, and rebuilding a
 * dozen of them per vector cost more than the arithmetic itself.
 */
@inline function sigmoidLanes(
  x: v128, minT: v128, log2e: v128, magic: v128, ln2Hi: v128, ln2Lo: v128,
  p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, p5: v128, one: v128, bias: v128, scale: v128, sign: v128,
): v128 {
  const t = f32x4.pmax(v128.or(x, sign), minT);
  const y = f32x4.add(f32x4.mul(t, log2e), magic);
  const m = f32x4.sub(y, magic);
  let r = f32x4.sub(t, f32x4.mul(m, ln2Hi));
  r = f32x4.sub(r, f32x4.mul(m, ln2Lo));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(p0, r), p1);
  p = f32x4.add(f32x4.mul(p, r), p2);
  p = f32x4.add(f32x4.mul(p, r), p3);
  p = f32x4.add(f32x4.mul(p, r), p4);
  p = f32x4.add(f32x4.mul(p, r), p5);
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), one);
  // y's bits minus MAGIC's are m (two's complement); + (64 + 127) then << 23: the bits of 2^(m+64)
  const bits = i32x4.shl(i32x4.add(y, bias), 23);
  const e = f32x4.mul(f32x4.mul(p, bits), scale);
  const num = select(e, one, i32x4.shr_s(x, 31));
  return f32x4.div(num, f32x4.add(one, e));
}

/** `out[i] = σ(inp[i])` for `i < n` (f32; `out` may equal `inp`). Within 2 ulp of the correctly rounded σ. */
export function sigmoidForward(inp: usize, out: usize, n: i32): void {
  const minT = f32x4.splat(MIN_T);
  const log2e = f32x4.splat(LOG2E);
  const magic = f32x4.splat(MAGIC);
  const ln2Hi = f32x4.splat(LN2_HI);
  const ln2Lo = f32x4.splat(LN2_LO);
  const p0 = f32x4.splat(P0);
  const p1 = f32x4.splat(P1);
  const p2 = f32x4.splat(P2);
  const p3 = f32x4.splat(P3);
  const p4 = f32x4.splat(P4);
  const p5 = f32x4.splat(P5);
  const one = f32x4.splat(1);
  // MAGIC's bits are 0x4B400000: subtracting them and adding 64 + 127 in one step
  const bias = i32x4.splat(64 + 127 - 0x4b400000);
  const scale = i32x4.splat(TWO_M64_BITS);
  const sign = i32x4.splat(0x80000000);
  let i = 0;
  // (−|x| as x with its sign bit set, and the sign test as an arithmetic shift of x's bits into a
  // lane mask, with a blend where the build has one: same bits over all 2³² inputs, 1.11–1.16× the
  // abs, neg, compare and bitselect they replace, in cache and on 1.2 M floats)
  // eight independent vectors per step: each is one long chain of dependent operations ending in
  // a division, and more chains in flight hide their latency. Measured on 1.2 M floats, speed
  // relative to 2 vectors per step: 1 vector 0.91×, 4 vectors 1.15×, 8 vectors 1.29×, 16 0.87×
  // (spills)
  for (; i + 32 <= n; i += 32) {
    const at = inp + (<usize>i << 2);
    const to = out + (<usize>i << 2);
    const y0 = sigmoidLanes(v128.load(at, 0), minT, log2e, magic, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, one, bias, scale, sign);
    const y1 = sigmoidLanes(v128.load(at, 16), minT, log2e, magic, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, one, bias, scale, sign);
    const y2 = sigmoidLanes(v128.load(at, 32), minT, log2e, magic, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, one, bias, scale, sign);
    const y3 = sigmoidLanes(v128.load(at, 48), minT, log2e, magic, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, one, bias, scale, sign);
    const y4 = sigmoidLanes(v128.load(at, 64), minT, log2e, magic, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, one, bias, scale, sign);
    const y5 = sigmoidLanes(v128.load(at, 80), minT, log2e, magic, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, one, bias, scale, sign);
    const y6 = sigmoidLanes(v128.load(at, 96), minT, log2e, magic, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, one, bias, scale, sign);
    const y7 = sigmoidLanes(v128.load(at, 112), minT, log2e, magic, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, one, bias, scale, sign);
    v128.store(to, y0, 0);
    v128.store(to, y1, 16);
    v128.store(to, y2, 32);
    v128.store(to, y3, 48);
    v128.store(to, y4, 64);
    v128.store(to, y5, 80);
    v128.store(to, y6, 96);
    v128.store(to, y7, 112);
  }
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, sigmoidLanes(v128.load(inp + at), minT, log2e, magic, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, one, bias, scale, sign));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const v = sigmoidLanes(f32x4.splat(load<f32>(inp + at)), minT, log2e, magic, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, one, bias, scale, sign);
    store<f32>(out + at, f32x4.extract_lane(v, 0));
  }
}

/**
 * `out[i] = (grad[i] · (1 − y[i])) · y[i]` for `i < n`, the gradient of σ from its output y
 * (PyTorch's `sigmoid_backward`): f32 operations in that order, so the results equal the
 * pure-TypeScript kernel's bit for bit.
 */
export function sigmoidBackward(grad: usize, y: usize, out: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const yv = v128.load(y + at);
    v128.store(out + at, f32x4.mul(f32x4.mul(v128.load(grad + at), f32x4.sub(one, yv)), yv));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const yv = load<f32>(y + at);
    store<f32>(out + at, (load<f32>(grad + at) * (<f32>1 - yv)) * yv);
  }
}
