/** Setting a V8 flag at run time, on Node (the same as starting node with it, process-wide). */
import { nodeBuiltin } from './threads.js';

/**
 * Sets the V8 flag `flag` through `node:v8`. Resolves to whether it was set: false outside Node,
 * or where `node:v8` refuses it. Never rejects.
 */
export async function setV8Flag(flag: string): Promise<boolean> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) return false;
  try {
    const v8 = await nodeBuiltin<{ setFlagsFromString(flags: string): void }>('node:v8');
    v8.setFlagsFromString(flag);
    return true;
  } catch {
    return false;
  }
}
