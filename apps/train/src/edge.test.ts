import { describe, expect, it } from 'vitest';
import { manualSeed } from '@torchlet/ndarray';
import { crossCorrelationExamples, edgeImage, learnKernel } from './edge.js';

describe('the textbook examples', () => {
  it('builds the 6×8 image with columns 2..5 black', () => {
    expect(edgeImage().toArray()).toEqual(Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1]));
  });

  it('prints the worked example, the edges and the transposed case', () => {
    const out: string[] = [];
    crossCorrelationExamples((t) => out.push(t));
    expect(out).toHaveLength(4);
    expect(out[0]).toContain('[[19., 25.],');
    expect(out[2]).toContain('[ 0.,  1.,  0.,  0.,  0., -1.,  0.]');
    expect(out[3]).toMatch(/\[\[0\., 0\., 0\., 0\., 0\.\],/);
  });

  it('learns a kernel close to [1, -1], printing the loss every 2 steps', () => {
    const lines: string[] = [];
    manualSeed(0);
    const w = learnKernel((l) => lines.push(l), { iterations: 30 });
    expect(lines).toHaveLength(15);
    expect(lines[0]).toMatch(/^epoch 2, loss \d+\.\d{3}$/);
    const k = w.data.denseData();
    expect(k[0]).toBeCloseTo(1, 1);
    expect(k[1]).toBeCloseTo(-1, 1);
  });
});
