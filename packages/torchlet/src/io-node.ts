/** `torch.io` in Node.js: safetensors in memory plus atomic file save/load and checkpoints. */
export * from '@torchlet/io';
export * from '@torchlet/io/node';
