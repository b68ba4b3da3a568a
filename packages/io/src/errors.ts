/**
 * The error thrown for a malformed or hostile safetensors file or checkpoint.
 */

/**
 * Thrown when bytes are not a valid safetensors file (or a file is not a valid torchlet
 * checkpoint): a truncated file, a header that is too long, not JSON or not an object, an unknown
 * or unsupported dtype, offsets that overlap, leave gaps or point outside the data, a shape that
 * does not match its byte range, a forbidden key. The message names the operation and what was
 * wrong. Invalid *arguments* (a non-tensor in a state dict, say) throw `TypeError`/`RangeError`
 * instead.
 *
 * @example
 * ```ts
 * import { deserialize, SafetensorsError } from '@torchlet/io';
 * try {
 *   deserialize(new Uint8Array(4));
 * } catch (e) {
 *   e instanceof SafetensorsError; // true: "deserialize: the file is 4 bytes, too short for …"
 * }
 * ```
 */
export class SafetensorsError extends Error {
  /**
   * @param message - what was wrong, prefixed with the operation (`deserialize: …`)
   */
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}
