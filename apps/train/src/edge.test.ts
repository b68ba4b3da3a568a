import { describe, expect, it } from 'vitest';
import { crossCorrelationExamples, edgeImage } from './edge.js';

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
});
