/**
 * The digit demo's model: the LeNet-5 of apps/train (D2L §7.6), its weights read from the
 * safetensors file the build ships (public/lenet.safetensors), run by `torchlet` in the page.
 */
import * as torch from 'torchlet';

/** What the build recorded about the weights (the file's `__metadata__`). */
export interface LenetInfo {
  source: string;
  epochs: number;
  activation: 'relu' | 'sigmoid';
  testAccuracy: number;
  testDigits: number;
}

/** One classification: class probabilities, and the first layer's output for the picture. */
export interface Classification {
  probabilities: number[];
  predicted: number;
  /** conv1's 6 feature maps, 28×28 each (before the activation). */
  featureMaps: Float32Array[];
}

/** LeNet-5 with apps/train's layers, so that the state dict's keys (`0.weight`, …) match. */
export function lenet5(activation: 'relu' | 'sigmoid'): torch.nn.Sequential {
  const act = (): torch.nn.Module => (activation === 'relu' ? new torch.nn.ReLU() : new torch.nn.Sigmoid());
  return new torch.nn.Sequential(
    new torch.nn.Conv2d(1, 6, 5, { padding: 2 }),
    act(),
    new torch.nn.AvgPool2d(2, { stride: 2 }),
    new torch.nn.Conv2d(6, 16, 5),
    act(),
    new torch.nn.AvgPool2d(2, { stride: 2 }),
    new torch.nn.Flatten(),
    new torch.nn.Linear(16 * 5 * 5, 120),
    act(),
    new torch.nn.Linear(120, 84),
    act(),
    new torch.nn.Linear(84, 10),
  );
}

export class DigitModel {
  private maps: torch.Tensor | null = null;

  private constructor(
    readonly model: torch.nn.Sequential,
    readonly info: LenetInfo,
  ) {
    // a forward hook keeps conv1's output of the last forward pass
    model.get(0).registerForwardHook((_module, _args, output) => {
      this.maps = output as torch.Tensor;
    });
  }

  /** Parses the safetensors bytes and loads them into a fresh LeNet (strictly: every key and shape). */
  static fromBytes(bytes: Uint8Array): DigitModel {
    const { tensors, metadata } = torch.io.deserializeWithMetadata(bytes);
    const activation = metadata?.activation === 'sigmoid' ? 'sigmoid' : 'relu';
    const model = lenet5(activation);
    model.loadStateDict(tensors);
    model.eval();
    const info: LenetInfo = {
      source: metadata?.source ?? 'unknown',
      epochs: Number(metadata?.epochs ?? NaN),
      activation,
      testAccuracy: Number(metadata?.testAccuracy ?? NaN),
      testDigits: Number(metadata?.testDigits ?? NaN),
    };
    return new DigitModel(model, info);
  }

  /** The first layer's kernels, `6 × 5 × 5`, flattened per filter. */
  filters(): Float32Array[] {
    const w = this.model.get(0).getParameter('weight').data.denseData();
    return Array.from({ length: 6 }, (_, i) => Float32Array.from(w.subarray(i * 25, (i + 1) * 25)));
  }

  /** Classifies 784 pixels in `[0, 1]` (white ink on black, MNIST's layout). */
  classify(pixels: Float32Array): Classification {
    return torch.noGrad(() => {
      const logits = this.model.forward(torch.tensor(pixels).reshape(1, 1, 28, 28));
      const probabilities = Array.from(torch.softmax(logits, 1).data.denseData());
      const predicted = probabilities.indexOf(Math.max(...probabilities));
      const maps = this.maps?.data.denseData() ?? new Float32Array(6 * 784);
      const featureMaps = Array.from({ length: 6 }, (_, i) => Float32Array.from(maps.subarray(i * 784, (i + 1) * 784)));
      return { probabilities, predicted, featureMaps };
    });
  }
}
