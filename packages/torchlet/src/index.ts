/**
 * torchlet — convolutional neural networks, trained for real, in TypeScript. The whole library
 * the way PyTorch users think of it: `torch.tensor`, `torch.nn.Conv2d`, `torch.optim.SGD`,
 * `torch.data.DataLoader`, `torch.io.save`. It only re-exports; each `@torchlet/*` package
 * stays usable alone.
 *
 * In Node.js this entry also carries the file helpers (`torch.io.save`, `torch.data.loadMnist`);
 * in browsers and bundlers it resolves to the same API without them.
 *
 * @example
 * ```ts
 * import * as torch from 'torchlet';
 * torch.manualSeed(0);
 * const net = new torch.nn.Sequential(new torch.nn.Conv2d(1, 6, 5, { padding: 2 }), new torch.nn.ReLU());
 * const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
 * ```
 * @packageDocumentation
 */
export * from './core.js';
export * as data from '@torchlet/data';
export * as io from '@torchlet/io';
