/** Whether ops record the tape: PyTorch's grad mode, a process-wide switch scoped by callbacks. */

let enabled = true;

/** True when ops record their backward (the default); false inside {@link noGrad}. */
export function isGradEnabled(): boolean {
  return enabled;
}

function withMode<T>(mode: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/**
 * Runs `fn` without recording the tape: results do not require grad, and in-place updates of
 * leaves that require grad are allowed — the optimizer's update step.
 * @example
 * ```ts
 * noGrad(() => w.sub_(w.grad!.mul(lr)));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/** Runs `fn` with the tape on, even inside {@link noGrad}. */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn);
}

/** Runs `fn` with grad mode set to `mode`. */
export function setGradEnabled<T>(mode: boolean, fn: () => T): T {
  return withMode(mode, fn);
}
