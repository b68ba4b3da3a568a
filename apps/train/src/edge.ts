/**
 * The textbook's section on 2-D cross-correlation (Dive into Deep Learning §7.2), computed with
 * torchlet: the worked example, the vertical edges of a black-and-white image, the transposed
 * image whose vertical-edge detector sees nothing, and gradient descent learning the kernel back.
 */
import { noGrad, tensor, type Tensor } from '@torchlet/autograd';
import { array, corr2d, ones, type NDArray } from '@torchlet/ndarray';
import { Conv2d } from '@torchlet/nn';

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

/** Options of {@link learnKernel}. */
export interface LearnOptions {
  /** Gradient-descent steps (default 10, the textbook's). */
  iterations?: number;
  /** Learning rate (default 3e-2). */
  lr?: number;
}

/**
 * Learns the 1×2 edge kernel back from the image and its edges, as the textbook does: a
 * `Conv2d(1, 1, [1, 2], { bias: false })` (initialised from the seeded generator), squared error,
 * plain gradient descent on its weight, the loss printed every 2 steps. Returns the learned kernel.
 */
export function learnKernel(print: (text: string) => void, options: LearnOptions = {}): Tensor {
  const { iterations = 10, lr = 3e-2 } = options;
  const conv = new Conv2d(1, 1, [1, 2], { bias: false });
  const X = tensor(edgeImage().reshape(1, 1, 6, 8));
  const Y = tensor(corr2d(edgeImage(), array([[1, -1]])).reshape(1, 1, 6, 7));
  for (let i = 0; i < iterations; i++) {
    const loss = conv.forward(X).sub(Y).pow(2).sum();
    conv.zeroGrad();
    loss.backward();
    noGrad(() => conv.weight.sub_(conv.weight.grad!.mul(lr)));
    if ((i + 1) % 2 === 0) print(`epoch ${i + 1}, loss ${loss.item().toFixed(3)}`);
  }
  return conv.weight.detach();
}
