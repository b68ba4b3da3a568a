import type { Backend } from '../backend.js';
import { gemm } from './gemm.js';

/**
 * The pure-TypeScript backend: the default everywhere, and the reference the WebAssembly backend
 * is tested against.
 */
export const jsBackend: Backend = {
  name: 'js',
  gemm,
  conv2dForward: notYet('conv2dForward'),
  conv2dBackwardInput: notYet('conv2dBackwardInput'),
  conv2dBackwardWeight: notYet('conv2dBackwardWeight'),
  maxPool2dForward: notYet('maxPool2dForward'),
  maxPool2dBackward: notYet('maxPool2dBackward'),
  avgPool2dForward: notYet('avgPool2dForward'),
  avgPool2dBackward: notYet('avgPool2dBackward'),
};

function notYet(name: string): () => never {
  return () => {
    throw new Error(`${name}: kernel not written yet`);
  };
}
