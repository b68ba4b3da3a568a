import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args.js';
import { nchwToNhwc, oihwToHwio } from './engines/engine.js';
import { formatMs, torchletPeerRatio } from './report.js';
import type { Row } from './run.js';
import { selected } from './run.js';
import { fitBatch, maxRelativeError, median, relativeError } from './stats.js';
import { WORKLOADS, convInputs, convOut, firstSamples, flopsOf, withBatch, type ConvCase } from './workloads.js';

const conv = (id: string): ConvCase => WORKLOADS.find((w) => w.id === id) as ConvCase;

describe('stats', () => {
  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('fits a batch to the time budget with an integer scale', () => {
    expect(fitBatch(64, 1, 100)).toBe(64);
    expect(fitBatch(64, 10, 100)).toBe(8);
    expect(fitBatch(8, 30, 100)).toBe(2);
    expect(fitBatch(8, 500, 100)).toBe(1);
    expect(fitBatch(256, 0.5, 100)).toBe(128);
  });

  it('measures the relative error normwise', () => {
    expect(relativeError(Float32Array.of(1, 2), Float32Array.of(1, 2))).toBe(0);
    expect(relativeError(Float32Array.of(1, 2.5), Float32Array.of(1, 2))).toBeCloseTo(0.25);
    expect(relativeError(Float32Array.of(1), Float32Array.of(1, 2))).toBe(Infinity);
    expect(relativeError(Float32Array.of(NaN), Float32Array.of(1))).toBe(Infinity);
    expect(maxRelativeError([Float32Array.of(1), Float32Array.of(3)], [Float32Array.of(1), Float32Array.of(2)])).toBeCloseTo(0.5);
  });
});

describe('workloads', () => {
  it('counts FLOPs per direction as 2·N·Cout·Hout·Wout·(Cin/groups)·kH·kW', () => {
    expect(flopsOf(conv('S1'))).toBe(2 * 64 * 6 * 28 * 28 * 1 * 25);
    expect(convOut(conv('S4'))).toEqual([28, 28]);
    expect(flopsOf(conv('S4'))).toBe(2 * 8 * 128 * 28 * 28 * 64 * 9);
    expect(flopsOf(conv('depthwise'))).toBe(2 * 8 * 64 * 56 * 56 * 1 * 9);
    expect(convOut(conv('dilated'))).toEqual([56, 56]);
    expect(flopsOf(WORKLOADS.find((w) => w.id === 'matmul-512')!)).toBe(2 * 512 ** 3);
  });

  it("gives S0 the textbook's image and kernel", () => {
    const s0 = conv('S0');
    expect(convOut(s0)).toEqual([6, 7]);
    const { x, w } = convInputs(s0);
    expect(Array.from(x.subarray(0, 8))).toEqual([1, 1, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(w)).toEqual([1, -1]);
  });

  it('scales a workload down to a prefix of its samples', () => {
    const s1 = conv('S1');
    const { x } = convInputs(s1);
    expect(withBatch(s1, 2).N).toBe(2);
    expect(firstSamples(x, 64, 2)).toEqual(x.subarray(0, 2 * 28 * 28));
  });

  it('selects workloads by id substring or kind', () => {
    const ids = (f: string[]): string[] => WORKLOADS.filter((w) => selected(w, f)).map((w) => w.id);
    expect(ids(['S1'])).toEqual(['S1']);
    expect(ids(['matmul'])).toEqual(['matmul-256', 'matmul-512', 'matmul-1024']);
    expect(ids(['pool'])).toEqual(['maxpool', 'avgpool']);
  });
});

describe('layouts', () => {
  it('round-trips NCHW ↔ NHWC and OIHW ↔ HWIO', () => {
    const a = Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i);
    expect(nchwToNhwc(nchwToNhwc(a, 2, 3, 4, 5), 2, 3, 4, 5, true)).toEqual(a);
    expect(nchwToNhwc(a, 2, 3, 4, 5)[1]).toBe(20); // n0 h0 w0 c1
    expect(oihwToHwio(oihwToHwio(a, 2, 3, 4, 5), 2, 3, 4, 5, true)).toEqual(a);
    expect(oihwToHwio(a, 2, 3, 4, 5)[1]).toBe(60); // y0 x0 i0 o1
  });
});

describe('report', () => {
  it('formats durations', () => {
    expect(formatMs(0.0123)).toBe('12.3 µs');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(1234)).toBe('1234 ms');
    expect(formatMs(12345)).toBe('12.3 s');
    expect(formatMs(null)).toBe('—');
  });

  it('divides the fastest torchlet time by the peer time', () => {
    const row = (engine: string, ms: number | null, status: Row['status'] = 'ok'): Row => ({
      workload: 'S1', direction: 'forward', engine, threads: 1, ms, gflops: null, note: '', status, batch: 64, fullBatch: 64, runs: 7, callsPerSample: 1, maxRelErr: 0,
    });
    const rows = [row('torchlet-js', 10), row('torchlet-wasm', 2), row('torchlet-wasm', 1, 'mismatch'), row('tfjs-cpu', 8), row('jax-js', null, 'unsupported')];
    expect(torchletPeerRatio(rows[3]!, rows)).toBe(0.25);
    expect(torchletPeerRatio(rows[0]!, rows)).toBeNull();
    expect(torchletPeerRatio(rows[4]!, rows)).toBeNull();
  });
});

describe('arguments', () => {
  it('parses the options', () => {
    const a = parseArgs(['--quick', '--filter', 'S1,matmul', '--threads', '1,4', '--json', 'out.json']);
    expect(a.options.quick).toBe(true);
    expect(a.options.runs).toBe(2);
    expect(a.options.filter).toEqual(['S1', 'matmul']);
    expect(a.options.threads).toEqual([1, 4]);
    expect(a.json).toBe('out.json');
    const full = parseArgs(['--runs', '9']);
    expect(full.options.runs).toBe(9);
    expect(full.options.maxCallMs).toBe(10_000);
  });

  it('rejects bad options', () => {
    expect(() => parseArgs(['--runs', '0'])).toThrow(UsageError);
    expect(() => parseArgs(['--json'])).toThrow(UsageError);
    expect(() => parseArgs(['--bogus'])).toThrow(UsageError);
  });
});
