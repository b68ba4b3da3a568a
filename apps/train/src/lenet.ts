/** LeNet-5 as in Dive into Deep Learning §7.6, with a choice of activation. */
import { nn } from 'torchlet';

/**
 * `Conv2d(1, 6, 5, padding 2) → act → AvgPool2d(2) → Conv2d(6, 16, 5) → act → AvgPool2d(2) →
 * Flatten → Linear(400, 120) → act → Linear(120, 84) → act → Linear(84, 10)`; the textbook uses
 * sigmoid, ReLU trains faster. The state_dict keys are PyTorch's for the same Sequential.
 */
export function lenet5(activation: 'relu' | 'sigmoid' = 'sigmoid'): nn.Sequential {
  const act = (): nn.Module => (activation === 'relu' ? new nn.ReLU() : new nn.Sigmoid());
  return new nn.Sequential(
    new nn.Conv2d(1, 6, 5, { padding: 2 }),
    act(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Conv2d(6, 16, 5),
    act(),
    new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Flatten(),
    new nn.Linear(16 * 5 * 5, 120),
    act(),
    new nn.Linear(120, 84),
    act(),
    new nn.Linear(84, 10),
  );
}
