import type { Backend } from '../backend.js';
import { sigmoidBackward, sigmoidForward } from './activation.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.js';
import { gemm } from './gemm.js';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from './pool2d.js';

/**
 * The pure-TypeScript backend: the default everywhere, and the reference the WebAssembly backend
 * is tested against.
 */
export const jsBackend: Backend = {
  name: 'js',
  gemm,
  conv2dForward,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  maxPool2dForward,
  maxPool2dBackward,
  avgPool2dForward,
  avgPool2dBackward,
  sigmoidForward,
  sigmoidBackward,
};
