/**
 * The textbook's section on 2-D cross-correlation (Dive into Deep Learning §7.2), computed with
 * torchlet: the worked example, the vertical edges of a black-and-white image, and the transposed
 * image whose vertical-edge detector sees nothing.
 */
import { array, corr2d, ones, type NDArray } from '@torchlet/ndarray';

/** The 6×8 image of the textbook: ones, with columns 2..5 black (zero). */
export function edgeImage(): NDArray {
  const X = ones([6, 8]);
  X.slice(1, 2, 6).fill_(0);
  return X;
}

/** Writes the textbook's cross-correlation examples through `print` (one string per block). */
export function crossCorrelationExamples(print: (text: string) => void): void {
  const X = array([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
  const K = array([[0, 1], [2, 3]]);
  print(`corr2d(X, K) with\nX = ${X.toString()}\nK = ${K.toString()}\n= ${corr2d(X, K).toString()}`);

  const image = edgeImage();
  const edge = array([[1, -1]]);
  print(`The image (1 = white, 0 = black):\n${image.toString()}`);
  print(`Its vertical edges, corr2d(image, [[1, -1]]): 1 = white to black, -1 = black to white\n${corr2d(image, edge).toString()}`);
  print(`The transposed image has only horizontal edges, which this kernel cannot see:\n${corr2d(image.transpose(0, 1), edge).toString()}`);
}
