/** `torch.data` in Node.js: datasets and loaders plus the IDX/MNIST file readers. */
export * from '@torchlet/data';
export * from '@torchlet/data/node';
