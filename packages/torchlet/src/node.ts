/**
 * torchlet for Node.js: the same API as the browser entry, with `torch.io` and `torch.data`
 * also holding the file helpers (`save`, `load`, `saveCheckpoint`, `loadMnist`, `loadBundledDigits`).
 * @packageDocumentation
 */
export * from './core.js';
export * as data from './data-node.js';
export * as io from './io-node.js';
