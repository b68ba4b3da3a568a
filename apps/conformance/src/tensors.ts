/** Converting between the suite's tensors and torchlet's. */
import type { Tensor} from '@torchlet/autograd';
import { tensor } from '@torchlet/autograd';
import type { GoldenTensor } from './suite.js';

/** A golden tensor as a torchlet tensor: float32 keeps its exact bits, int64 class indices become int32. */
export function toTensor(t: GoldenTensor, requiresGrad = false): Tensor {
  switch (t.dtype) {
    case 'float32':
      return tensor(Float32Array.from(t.data as number[]), { shape: t.shape, requiresGrad });
    case 'float64':
      return tensor(Float64Array.from(t.data as number[]), { shape: t.shape, requiresGrad });
    case 'int64':
      return tensor(Int32Array.from(t.data as number[]), { shape: t.shape });
    case 'bool':
      return tensor(Uint8Array.from((t.data as boolean[]).map((b) => (b ? 1 : 0))), { shape: t.shape, dtype: 'bool' });
    default:
      throw new Error(`unsupported: tensor dtype ${String((t as { dtype: unknown }).dtype)}`);
  }
}

/** The flat values and shape of a torchlet tensor, for comparison. */
export function valuesOf(t: Tensor): { shape: readonly number[]; values: ArrayLike<number> } {
  return { shape: t.shape, values: t.data.denseData() };
}
