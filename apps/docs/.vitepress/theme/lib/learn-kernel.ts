/**
 * The textbook's "learning a kernel" (D2L §7.2.4) as a step-by-step object for the demo: a
 * `Conv2d(1, 1, [1, 2], { bias: false })` learns the edge detector back from the 6×8 image and its
 * edges, by plain gradient descent on the squared error.
 */
import { noGrad, tensor, type Tensor } from '@torchlet/autograd';
import { array, corr2d, manualSeed, ones, type NDArray } from '@torchlet/ndarray';
import { Conv2d } from '@torchlet/nn';

/** The 6×8 image of the textbook: white (1) with a black (0) stripe in columns 2..5. */
export function edgeImage(): NDArray {
  const X = ones([6, 8]);
  X.slice(1, 2, 6).fill_(0);
  return X;
}

/** The true kernel, `[1, −1]`: a vertical-edge detector. */
export const TRUE_KERNEL = [1, -1] as const;

/** One gradient-descent step's record. */
export interface StepRecord {
  /** The loss before the update (the textbook prints this one). */
  loss: number;
  /** The kernel after the update. */
  kernel: [number, number];
}

export class KernelLearner {
  readonly image: number[][];
  readonly target: number[][];
  readonly history: StepRecord[] = [];
  private readonly conv: Conv2d;
  private readonly X: Tensor;
  private readonly Y: Tensor;

  /** A fresh layer: `manualSeed(seed)`, then PyTorch's initialisation of its weight. */
  constructor(
    readonly lr = 3e-2,
    seed = 0,
  ) {
    const image = edgeImage();
    const edges = corr2d(image, array([[1, -1]]));
    this.image = image.toArray() as number[][];
    this.target = edges.toArray() as number[][];
    manualSeed(seed);
    this.conv = new Conv2d(1, 1, [1, 2], { bias: false });
    this.X = tensor(image.reshape(1, 1, 6, 8));
    this.Y = tensor(edges.reshape(1, 1, 6, 7));
  }

  /** The current kernel `[w0, w1]`. */
  get kernel(): [number, number] {
    const [w0 = NaN, w1 = NaN] = this.conv.weight.data.denseData();
    return [w0, w1];
  }

  /** The layer's output for the image with the current kernel, 6×7. */
  prediction(): number[][] {
    return noGrad(() => this.conv.forward(this.X).reshape(6, 7).toArray() as number[][]);
  }

  /** One step: loss = Σ (conv(X) − Y)², backward, `w ← w − lr·∂loss/∂w`. */
  step(): StepRecord {
    const loss = this.conv.forward(this.X).sub(this.Y).pow(2).sum();
    this.conv.zeroGrad();
    loss.backward();
    const grad = this.conv.weight.grad;
    if (grad) noGrad(() => this.conv.weight.sub_(grad.mul(this.lr)));
    const record: StepRecord = { loss: loss.item(), kernel: this.kernel };
    this.history.push(record);
    return record;
  }

  /** True once the loss is no longer a finite number (too large a learning rate). */
  get diverged(): boolean {
    const last = this.history.at(-1);
    return last !== undefined && !(Number.isFinite(last.loss) && Number.isFinite(last.kernel[0]));
  }
}
