/**
 * @torchlet/io — tensors to and from the safetensors format, PyTorch's weight files: browser-safe
 * (bytes in, bytes out), hardened for untrusted files, with training checkpoints. File paths and
 * atomic writes are in `@torchlet/io/node`.
 *
 * @example
 * ```ts
 * import { deserialize, serialize } from '@torchlet/io';
 * import { tensor } from '@torchlet/autograd';
 * const bytes = serialize({ 'fc.weight': tensor([[1, 2], [3, 4]]), 'fc.bias': tensor([0, 1]) });
 * deserialize(bytes)['fc.weight']!.toArray(); // [[1, 2], [3, 4]]
 * ```
 * @packageDocumentation
 */
export { SafetensorsError } from './errors.js';
export type { SafetensorsDType } from './dtypes.js';
export { readHeader, MAX_HEADER_BYTES, type TensorInfo, type SafetensorsHeader, type ReadOptions } from './header.js';
export { serialize, type StateDict, type SerializeOptions } from './serialize.js';
export { deserialize, deserializeWithMetadata, type SafetensorsContents } from './deserialize.js';
export {
  serializeCheckpoint,
  deserializeCheckpoint,
  CHECKPOINT_METADATA_KEY,
  type Checkpoint,
  type LoadedCheckpoint,
  type PlainValue,
  type PlainObject,
} from './checkpoint.js';
