/** LeNet-5 of Dive into Deep Learning, as the golden `train` and `interop` cases define it. */
import { AvgPool2d, Conv2d, Flatten, Linear, Sequential, Sigmoid } from '@torchlet/nn';

/** `Conv2d(1,6,5,p=2) → σ → AvgPool(2) → Conv2d(6,16,5) → σ → AvgPool(2) → Flatten → 120 → σ → 84 → σ → 10`. */
export function lenet5(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Conv2d(6, 16, 5),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    new Sigmoid(),
    new Linear(120, 84),
    new Sigmoid(),
    new Linear(84, 10),
  );
}
