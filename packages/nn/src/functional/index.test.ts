import * as ag from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import * as F from './index.js';

describe('functional (F) exports', () => {
  it('exports exactly the functional API, by its fixed names', () => {
    expect(Object.keys(F).sort()).toEqual(
      [
        // autograd's own ops, re-exported so that F is complete
        'adaptiveAvgPool2d',
        'avgPool2d',
        'conv2d',
        'linear',
        'logSoftmax',
        'maxPool2d',
        'pad',
        'relu',
        'sigmoid',
        'softmax',
        'tanh',
        // activations, dropout, normalisation
        'gelu',
        'leakyRelu',
        'softplus',
        'dropout',
        'dropout2d',
        'batchNorm',
        // losses
        'mseLoss',
        'l1Loss',
        'smoothL1Loss',
        'huberLoss',
        'crossEntropy',
        'nllLoss',
        'binaryCrossEntropy',
        'binaryCrossEntropyWithLogits',
      ].sort(),
    );
    for (const v of Object.values(F)) expect(typeof v).toBe('function');
  });

  it('re-exports are autograd\'s functions themselves', () => {
    for (const k of ['adaptiveAvgPool2d', 'avgPool2d', 'conv2d', 'linear', 'logSoftmax', 'maxPool2d', 'pad', 'relu', 'sigmoid', 'softmax', 'tanh'] as const) {
      expect(F[k], k).toBe(ag[k]);
    }
  });
});
