/**
 * `Module`: the base class of every layer and model (PyTorch's `nn.Module`). It registers
 * parameters, buffers and sub-modules by name, walks them (`parameters()`, `namedModules()`…),
 * switches train/eval mode, saves and loads state dicts with PyTorch's key names, prints itself
 * like `print(model)`, and runs hooks around the computation.
 */
import { noGrad, Tensor } from '@torchlet/autograd';
import { NDArray, isFloatDType, type FloatDType } from '@torchlet/ndarray';
import { Parameter } from './parameter.js';
import { shapeText } from './repr.js';

/**
 * Any module, whatever its `forward` takes and returns: the type of children, of `apply`'s
 * callback and of what `modules()` lists.
 * @example
 * ```ts
 * const layers: AnyModule[] = [new Linear(4, 2), new ReLU(), new CrossEntropyLoss()];
 * ```
 */
export type AnyModule = Module<unknown[], unknown>;

/**
 * A state dict: tensors by PyTorch's dotted key names (`'0.weight'`, `'features.1.bias'`,
 * `'bn.running_mean'`), in registration order.
 * @example
 * ```ts
 * const sd: StateDict = new Linear(2, 1).stateDict();
 * Object.keys(sd); // ['weight', 'bias']
 * ```
 */
export type StateDict = Record<string, Tensor>;

/**
 * What {@link Module.loadStateDict} accepts: a {@link StateDict}, a `Map`, and values that are
 * tensors or plain NDArrays.
 * @example
 * ```ts
 * const sd: StateDictLike = new Map([['weight', tensor([[1, 2]])], ['bias', tensor([0])]]);
 * ```
 */
export type StateDictLike = Readonly<Record<string, Tensor | NDArray>> | ReadonlyMap<string, Tensor | NDArray>;

/**
 * What {@link Module.loadStateDict} returns: the keys the model expected but did not find, and
 * the keys it found but did not expect (both empty after a successful strict load).
 * @example
 * ```ts
 * const { missingKeys, unexpectedKeys } = model.loadStateDict(sd, { strict: false });
 * ```
 */
export interface LoadStateDictResult {
  /** Keys of the model's state dict that the given one lacks. */
  missingKeys: string[];
  /** Keys of the given state dict that the model does not have. */
  unexpectedKeys: string[];
}

/**
 * The handle returned when registering a hook: `remove()` unregisters it.
 * @example
 * ```ts
 * const handle = model.registerForwardHook(() => console.log('ran'));
 * handle.remove();
 * ```
 */
export interface RemovableHandle {
  /** A unique number per hook. */
  readonly id: number;
  /** Unregisters the hook (idempotent). */
  remove(): void;
}

/**
 * Runs before `compute`: may return replacement arguments.
 * @example
 * ```ts
 * const hook: ForwardPreHook<Linear, [Tensor]> = (m, [x]) => [x.mul(2)];
 * ```
 */
export type ForwardPreHook<M, Args extends unknown[]> = (module: M, args: Args) => Args | void;

/**
 * Runs after `compute`: sees the arguments and the output, and may return a replacement output.
 * @example
 * ```ts
 * const hook: ForwardHook<Linear, [Tensor], Tensor> = (m, args, out) => out.relu();
 * ```
 */
export type ForwardHook<M, Args extends unknown[], Out> = (module: M, args: Args, output: Out) => Out | void;

/**
 * Runs during backward with the gradient w.r.t. the module's output (see
 * {@link Module.registerFullBackwardHook}); may return a replacement gradient.
 * @example
 * ```ts
 * const hook: BackwardHook<Linear> = (m, gradOutput) => gradOutput.clamp(-1, 1);
 * ```
 */
export type BackwardHook<M> = (module: M, gradOutput: Tensor) => Tensor | void;

/**
 * Options of {@link Module.namedParameters}, {@link Module.namedBuffers} and friends.
 * @example
 * ```ts
 * model.namedParameters({ prefix: 'net', recurse: false });
 * ```
 */
export interface NamedOptions {
  /** Prepended to every name, with a dot (default `''`). */
  prefix?: string;
  /** Include the sub-modules' members (default true); false lists this module's own only. */
  recurse?: boolean;
  /** List a tensor shared by several modules once, under its first name (default true). */
  removeDuplicate?: boolean;
}

type LooseHook = (module: never, ...rest: never[]) => unknown;

let nextHookId = 0;

function handle(map: Map<number, LooseHook>, hook: LooseHook): RemovableHandle {
  const id = nextHookId++;
  map.set(id, hook);
  return { id, remove: () => void map.delete(id) };
}

function checkName(op: string, kind: string, name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`${op}: ${kind} name should be a string, got ${typeof name}`);
  if (name === '') throw new Error(`${op}: ${kind} name can't be empty string ""`);
  if (name.includes('.')) throw new Error(`${op}: ${kind} name can't contain ".", got "${name}"`);
  return name;
}

/**
 * The base class of all layers and models (PyTorch's `nn.Module`).
 *
 * A subclass registers its parameters, buffers and sub-modules in its constructor and implements
 * the computation in {@link Module.compute}; users run it with {@link Module.forward}, which
 * runs the forward pre-hooks, `compute`, the forward hooks and attaches the backward hooks.
 * (Override `compute`, not `forward`, or the hooks will not run.)
 *
 * `Args` are the arguments of `forward` and `Out` its result: `Module<[Tensor], Tensor>` for a
 * layer, `Module<[Tensor, Tensor], Tensor>` for a loss.
 *
 * @example
 * ```ts
 * import { tensor, type Tensor } from '@torchlet/autograd';
 * import { Linear, Module, ReLU } from '@torchlet/nn';
 *
 * class MLP extends Module {
 *   readonly hidden = this.registerModule('hidden', new Linear(4, 8));
 *   readonly act = this.registerModule('act', new ReLU());
 *   readonly out = this.registerModule('out', new Linear(8, 2));
 *   protected override compute(x: Tensor): Tensor {
 *     return this.out.forward(this.act.forward(this.hidden.forward(x)));
 *   }
 * }
 * const net = new MLP();
 * net.forward(tensor([[1, 2, 3, 4]])).shape; // [1, 2]
 * Object.keys(net.stateDict());              // ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
 * ```
 */
export class Module<Args extends unknown[] = [Tensor], Out = Tensor> {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Module';

  /** True in training mode (the default), false after `eval()`; read by Dropout and BatchNorm. */
  training = true;
  private readonly _parameters = new Map<string, Parameter | null>();
  private readonly _buffers = new Map<string, Tensor | null>();
  private readonly _nonPersistent = new Set<string>();
  private readonly _modules = new Map<string, AnyModule | null>();
  private readonly _forwardPreHooks = new Map<number, LooseHook>();
  private readonly _forwardHooks = new Map<number, LooseHook>();
  private readonly _backwardHooks = new Map<number, LooseHook>();

  // ------------------------------------------------------------------ running

  /**
   * Runs the module: forward pre-hooks (which may replace the arguments), {@link Module.compute},
   * forward hooks (which may replace the output), and attaches the backward hooks to the output.
   * This is how a model is called: `model.forward(x)` (PyTorch's `model(x)`).
   * @example
   * ```ts
   * const y = new Linear(3, 2).forward(tensor([[1, 2, 3]])); // shape [1, 2]
   * ```
   */
  forward(...args: Args): Out {
    if (this._forwardPreHooks.size === 0 && this._forwardHooks.size === 0 && this._backwardHooks.size === 0) {
      return this.compute(...args);
    }
    let a = args;
    for (const hook of [...this._forwardPreHooks.values()]) {
      const r = (hook as unknown as ForwardPreHook<this, Args>)(this, a);
      if (r !== undefined) a = r;
    }
    let out = this.compute(...a);
    for (const hook of [...this._forwardHooks.values()]) {
      const r = (hook as unknown as ForwardHook<this, Args, Out>)(this, a, out);
      if (r !== undefined) out = r;
    }
    if (this._backwardHooks.size > 0 && out instanceof Tensor && out.requiresGrad) {
      // a leaf output (e.g. Identity on a parameter) gets a fresh node, so that the hook does
      // not stay on the caller's tensor
      const target = out.isLeaf ? (out.clone() as Out & Tensor) : out;
      const hooks = [...this._backwardHooks.values()] as unknown as BackwardHook<this>[];
      target.registerHook((g) => {
        let grad = g;
        for (const hook of hooks) {
          const r = hook(this, grad);
          if (r !== undefined) grad = r;
        }
        return grad === g ? undefined : grad;
      });
      out = target;
    }
    return out;
  }

  /**
   * The computation of this module, implemented by every subclass (PyTorch's `forward` body).
   * Call {@link Module.forward} to run it with the hooks.
   * @example
   * ```ts
   * class Double extends Module {
   *   protected override compute(x: Tensor): Tensor {
   *     return x.mul(2);
   *   }
   * }
   * ```
   */
  protected compute(...args: Args): Out {
    void args;
    throw new Error(
      `Module [${this.typeName()}] is missing the required "compute" method: a subclass implements compute(...), which forward() runs with the hooks`,
    );
  }

  /**
   * Registers a hook run before every `compute`, with the module and its arguments; returning an
   * arguments array replaces them.
   * @example
   * ```ts
   * const h = layer.registerForwardPreHook((m, [x]) => [x.mul(0.5)]);
   * h.remove();
   * ```
   */
  registerForwardPreHook(hook: ForwardPreHook<this, Args>): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError('registerForwardPreHook: the hook must be a function');
    return handle(this._forwardPreHooks, hook);
  }

  /**
   * Registers a hook run after every `compute`, with the module, its arguments and its output;
   * returning a value replaces the output.
   * @example
   * ```ts
   * const shapes: number[][] = [];
   * model.registerForwardHook((m, args, out) => void shapes.push([...out.shape]));
   * ```
   */
  registerForwardHook(hook: ForwardHook<this, Args, Out>): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError('registerForwardHook: the hook must be a function');
    return handle(this._forwardHooks, hook);
  }

  /**
   * Registers a hook run during backward with the gradient w.r.t. this module's output.
   *
   * Simplified from PyTorch: the hook is `hook(module, gradOutput)` — a hook on the gradient of
   * the output tensor (when the output is a Tensor that requires grad) — and receives no
   * `grad_input`; returning a tensor replaces the gradient that flows back into the module.
   * @example
   * ```ts
   * const norms: number[] = [];
   * layer.registerFullBackwardHook((m, g) => void norms.push(g.pow(2).sum().sqrt().item()));
   * ```
   */
  registerFullBackwardHook(hook: BackwardHook<this>): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError('registerFullBackwardHook: the hook must be a function');
    return handle(this._backwardHooks, hook);
  }

  // ------------------------------------------------------------------ registration

  /**
   * Registers (or, with `null`, declares as absent) the parameter `name`; returns it, so that a
   * subclass can keep a typed field: `this.w = this.registerParameter('w', new Parameter(…))`.
   * @example
   * ```ts
   * const m = new Module();
   * m.registerParameter('scale', new Parameter(tensor([1])));
   * m.namedParameters().map(([n]) => n); // ['scale']
   * ```
   */
  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    const op = 'registerParameter';
    checkName(op, 'parameter', name);
    if (param !== null && !(param instanceof Parameter)) {
      const what = param instanceof Tensor ? 'a Tensor' : typeof param;
      throw new TypeError(`${op}: cannot assign ${what} as parameter "${name}" (a Parameter or null is required); wrap it: new Parameter(t)`);
    }
    this.checkFree(op, name, 'parameter');
    this._parameters.set(name, param);
    return param;
  }

  /**
   * Registers (or, with `null`, declares as absent) the buffer `name`: state that is not
   * learned, e.g. BatchNorm's running statistics. Persistent buffers (the default) are part of
   * the state dict. Returns the tensor.
   * @example
   * ```ts
   * const m = new Module();
   * m.registerBuffer('steps', tensor(0, { dtype: 'int32' }));
   * Object.keys(m.stateDict()); // ['steps']
   * ```
   */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, options: { persistent?: boolean } = {}): T {
    const op = 'registerBuffer';
    checkName(op, 'buffer', name);
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(`${op}: cannot assign ${typeof tensor} as buffer "${name}" (a Tensor or null is required)`);
    }
    if (tensor instanceof Parameter) throw new TypeError(`${op}: "${name}" is a Parameter; register it with registerParameter`);
    this.checkFree(op, name, 'buffer');
    this._buffers.set(name, tensor);
    if (options.persistent ?? true) this._nonPersistent.delete(name);
    else this._nonPersistent.add(name);
    return tensor;
  }

  /**
   * Registers (or, with `null`, declares as absent) the sub-module `name`; returns it. Its
   * parameters appear under `name.` in `namedParameters()` and `stateDict()`.
   * @example
   * ```ts
   * class Net extends Module {
   *   readonly fc = this.registerModule('fc', new Linear(2, 1));
   * }
   * Object.keys(new Net().stateDict()); // ['fc.weight', 'fc.bias']
   * ```
   */
  registerModule<M extends AnyModule | null>(name: string, module: M): M {
    const op = 'registerModule';
    checkName(op, 'module', name);
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(`${op}: "${name}" is not a Module (got ${typeof module})`);
    }
    this.checkFree(op, name, 'module');
    this._modules.set(name, module);
    return module;
  }

  /**
   * PyTorch's `add_module`: the same as {@link Module.registerModule}.
   * @example
   * ```ts
   * const m = new Module();
   * m.addModule('act', new ReLU());
   * m.namedChildren().map(([n]) => n); // ['act']
   * ```
   */
  addModule<M extends AnyModule | null>(name: string, module: M): M {
    return this.registerModule(name, module);
  }

  private checkFree(op: string, name: string, kind: 'parameter' | 'buffer' | 'module'): void {
    const taken: [string, boolean][] = [
      ['parameter', this._parameters.has(name)],
      ['buffer', this._buffers.has(name)],
      ['module', this._modules.has(name)],
    ];
    for (const [other, has] of taken) {
      if (has && other !== kind) {
        throw new Error(`${op}: "${name}" is already a ${other} of this ${this.typeName()}; names are unique across parameters, buffers and modules`);
      }
    }
  }

  /**
   * This module's own parameter `name` (null when registered as absent or not registered).
   * @example
   * ```ts
   * class Scale extends Module {
   *   constructor() { super(); this.registerParameter('s', new Parameter(tensor([2]))); }
   *   protected override compute(x: Tensor): Tensor { return x.mul(this.ownParameter('s')!); }
   * }
   * ```
   */
  protected ownParameter(name: string): Parameter | null {
    return this._parameters.get(name) ?? null;
  }

  /**
   * This module's own buffer `name` (null when registered as absent or not registered).
   * @example
   * ```ts
   * const runningMean = this.ownBuffer('running_mean');
   * ```
   */
  protected ownBuffer(name: string): Tensor | null {
    return this._buffers.get(name) ?? null;
  }

  /**
   * This module's own sub-module `name` (null when registered as absent or not registered).
   * @example
   * ```ts
   * const first = this.ownModule('0');
   * ```
   */
  protected ownModule(name: string): AnyModule | null {
    return this._modules.get(name) ?? null;
  }

  /** Removes the sub-module `name` (used by containers that renumber their children). */
  protected deleteModule(name: string): void {
    this._modules.delete(name);
  }

  /** The names of this module's own sub-module slots, in order. */
  protected moduleNames(): string[] {
    return [...this._modules.keys()];
  }

  /**
   * The sub-module at a dotted path (PyTorch's `get_submodule`); `''` is this module.
   * @throws Error naming the missing part of the path
   * @example
   * ```ts
   * const net = new Sequential(new Linear(2, 2), new Sequential(new ReLU()));
   * net.getSubmodule('1.0').toString(); // 'ReLU()'
   * ```
   */
  getSubmodule(target: string): AnyModule {
    return target === ''
      ? this
      : target.split('.').reduce<AnyModule>((mod, part) => {
          const next = mod._modules.get(part);
          if (!next) throw new Error(`getSubmodule: ${mod.typeName()} has no sub-module "${part}" (path "${target}")`);
          return next;
        }, this);
  }

  /**
   * The parameter at a dotted path (PyTorch's `get_parameter`), e.g. `'features.0.weight'`.
   * @throws Error when the path does not name a registered (non-null) parameter
   * @example
   * ```ts
   * new Sequential(new Linear(2, 3)).getParameter('0.weight').shape; // [3, 2]
   * ```
   */
  getParameter(target: string): Parameter {
    const dot = target.lastIndexOf('.');
    const mod = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    const p = mod._parameters.get(name);
    if (!p) throw new Error(`getParameter: ${mod.typeName()} has no parameter "${name}" (path "${target}")`);
    return p;
  }

  /**
   * The buffer at a dotted path (PyTorch's `get_buffer`), e.g. `'bn.running_mean'`.
   * @throws Error when the path does not name a registered (non-null) buffer
   * @example
   * ```ts
   * new Sequential(new BatchNorm2d(3)).getBuffer('0.running_var').shape; // [3]
   * ```
   */
  getBuffer(target: string): Tensor {
    const dot = target.lastIndexOf('.');
    const mod = this.getSubmodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    const b = mod._buffers.get(name);
    if (!b) throw new Error(`getBuffer: ${mod.typeName()} has no buffer "${name}" (path "${target}")`);
    return b;
  }

  // ------------------------------------------------------------------ traversal

  /**
   * Every module of the tree with its dotted name, this one first (as `''`), depth-first in
   * registration order; a module reachable twice is listed once unless `removeDuplicate` is false.
   * @example
   * ```ts
   * new Sequential(new Linear(2, 2), new ReLU()).namedModules().map(([n]) => n); // ['', '0', '1']
   * ```
   */
  namedModules(options: { prefix?: string; removeDuplicate?: boolean } = {}): [string, AnyModule][] {
    const { prefix = '', removeDuplicate = true } = options;
    const out: [string, AnyModule][] = [];
    const memo = new Set<AnyModule>();
    const visit = (mod: AnyModule, name: string): void => {
      if (removeDuplicate) {
        if (memo.has(mod)) return;
        memo.add(mod);
      }
      out.push([name, mod]);
      for (const [key, child] of mod._modules) {
        if (child) visit(child, name ? `${name}.${key}` : key);
      }
    };
    visit(this, prefix);
    return out;
  }

  /**
   * Every module of the tree, this one first (see {@link Module.namedModules}).
   * @example
   * ```ts
   * new Sequential(new Linear(2, 2), new ReLU()).modules().length; // 3
   * ```
   */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * The direct sub-modules with their names (each listed once).
   * @example
   * ```ts
   * new Sequential(new Linear(2, 2), new ReLU()).namedChildren().map(([n]) => n); // ['0', '1']
   * ```
   */
  namedChildren(): [string, AnyModule][] {
    const seen = new Set<AnyModule>();
    const out: [string, AnyModule][] = [];
    for (const [name, child] of this._modules) {
      if (child && !seen.has(child)) {
        seen.add(child);
        out.push([name, child]);
      }
    }
    return out;
  }

  /**
   * The direct sub-modules.
   * @example
   * ```ts
   * new Sequential(new Linear(2, 2), new ReLU()).children().length; // 2
   * ```
   */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  private namedMembers<T extends Tensor>(pick: (m: AnyModule) => Iterable<[string, T | null]>, options: NamedOptions): [string, T][] {
    const { prefix = '', recurse = true, removeDuplicate = true } = options;
    const mods: [string, AnyModule][] = recurse
      ? this.namedModules({ prefix, removeDuplicate })
      : [[prefix, this]];
    const memo = new Set<Tensor>();
    const out: [string, T][] = [];
    for (const [modPrefix, mod] of mods) {
      for (const [name, t] of pick(mod)) {
        if (t === null) continue;
        if (removeDuplicate) {
          if (memo.has(t)) continue;
          memo.add(t);
        }
        out.push([modPrefix ? `${modPrefix}.${name}` : name, t]);
      }
    }
    return out;
  }

  /**
   * Every parameter with its dotted name (`'0.weight'`), this module's own first, then each
   * sub-module's; a shared parameter is listed once.
   * @example
   * ```ts
   * new Sequential(new Linear(2, 3)).namedParameters().map(([n, p]) => [n, p.shape]);
   * // [['0.weight', [3, 2]], ['0.bias', [3]]]
   * ```
   */
  namedParameters(options: NamedOptions = {}): [string, Parameter][] {
    return this.namedMembers((m) => m._parameters, options);
  }

  /**
   * Every parameter (what an optimizer is given).
   * @example
   * ```ts
   * new Linear(400, 120).parameters().map((p) => p.shape); // [[120, 400], [120]]
   * ```
   */
  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(options).map(([, p]) => p);
  }

  /**
   * Every buffer with its dotted name (`'bn.running_mean'`), including non-persistent ones.
   * @example
   * ```ts
   * new BatchNorm2d(4).namedBuffers().map(([n]) => n); // ['running_mean', 'running_var', 'num_batches_tracked']
   * ```
   */
  namedBuffers(options: NamedOptions = {}): [string, Tensor][] {
    return this.namedMembers((m) => m._buffers, options);
  }

  /**
   * Every buffer.
   * @example
   * ```ts
   * new BatchNorm2d(4).buffers().length; // 3
   * ```
   */
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, b]) => b);
  }

  // ------------------------------------------------------------------ modes and gradients

  /**
   * Sets training mode (`mode` true, the default) or evaluation mode on this module and every
   * sub-module; returns this module.
   * @example
   * ```ts
   * model.train();       // Dropout drops, BatchNorm uses batch statistics
   * model.train(false);  // the same as model.eval()
   * ```
   */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`train: mode is expected to be a boolean, got ${typeof mode}`);
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /**
   * Sets evaluation mode (`train(false)`); returns this module.
   * @example
   * ```ts
   * model.eval();
   * model.training; // false
   * ```
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Resets the gradients of every parameter: to `null` (the default, `setToNone: true`) or to
   * zeros in place.
   * @example
   * ```ts
   * model.zeroGrad();                       // p.grad === null
   * model.zeroGrad({ setToNone: false });   // p.grad filled with 0
   * ```
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) {
        p.grad = null;
      } else {
        const g = p.grad.isLeaf ? p.grad : p.grad.detach();
        if (g.requiresGrad) g.requiresGrad_(false);
        noGrad(() => g.zero_());
        p.grad = g;
      }
    }
  }

  /**
   * Sets `requiresGrad` on every parameter (freezing with `false`); returns this module.
   * @example
   * ```ts
   * model.getSubmodule('features').requiresGrad_(false); // fine-tune the head only
   * ```
   */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Calls `fn` on every sub-module (children first, recursively) and then on this module;
   * returns this module. The usual way to re-initialise weights.
   * @example
   * ```ts
   * model.apply((m) => {
   *   if (m instanceof Linear) init.xavierUniform_(m.weight);
   * });
   * ```
   */
  apply(fn: (module: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Converts every floating-point parameter, gradient and buffer to `dtype`, in place (the
   * tensors keep their identity, so optimizers and hooks still hold them); integer buffers such
   * as `num_batches_tracked` are kept. Returns this module.
   * @example
   * ```ts
   * const conv = new Conv2d(1, 2, 3).to('float64');
   * conv.weight.dtype; // 'float64'
   * ```
   */
  to(dtype: FloatDType): this {
    if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`to: dtype must be 'float32' or 'float64', got ${String(dtype)}`);
    const convert = (t: Tensor): void => {
      if (isFloatDType(t.dtype) && t.dtype !== dtype) t.data = t.data.astype(dtype);
    };
    for (const mod of this.modules()) {
      for (const p of mod._parameters.values()) {
        if (!p) continue;
        convert(p);
        if (p.grad) convert(p.grad);
      }
      for (const b of mod._buffers.values()) if (b) convert(b);
    }
    return this;
  }

  /**
   * Converts the floating-point parameters and buffers to float64 (`to('float64')`).
   * @example
   * ```ts
   * new Linear(2, 1).double().weight.dtype; // 'float64'
   * ```
   */
  double(): this {
    return this.to('float64');
  }

  /**
   * Converts the floating-point parameters and buffers to float32 (`to('float32')`).
   * @example
   * ```ts
   * new Linear(2, 1).double().float().weight.dtype; // 'float32'
   * ```
   */
  float(): this {
    return this.to('float32');
  }

  // ------------------------------------------------------------------ state dict

  /**
   * The module's state: every parameter and persistent buffer by dotted name, with PyTorch's
   * keys (`'0.weight'`, `'features.1.bias'`, `'bn.running_mean'`, `'bn.num_batches_tracked'`).
   * The values are detached tensors that share storage with the module (as in PyTorch): clone
   * them to keep a snapshot. `keepVars` returns the parameters themselves.
   * @example
   * ```ts
   * const sd = new Sequential(new Conv2d(1, 6, 5), new BatchNorm2d(6)).stateDict();
   * Object.keys(sd);
   * // ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']
   * ```
   */
  stateDict(options: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const { prefix = '', keepVars = false } = options;
    const out: StateDict = {};
    const visit = (mod: AnyModule, pre: string): void => {
      for (const [name, p] of mod._parameters) if (p) out[pre + name] = keepVars ? p : p.detach();
      for (const [name, b] of mod._buffers) {
        if (b && !mod._nonPersistent.has(name)) out[pre + name] = keepVars ? b : b.detach();
      }
      for (const [name, child] of mod._modules) if (child) visit(child, `${pre}${name}.`);
    };
    visit(this, prefix);
    return out;
  }

  /**
   * Copies the values of `stateDict` into this module's parameters and buffers, in place and
   * without recording gradients (the tensors keep their identity). Values are cast to each
   * tensor's dtype.
   *
   * Everything is checked before anything is copied: a value whose shape differs from the
   * model's always throws; with `strict` (the default) missing and unexpected keys throw too,
   * all listed in one error. Non-strict loading copies the matching keys and returns the others.
   * @throws Error `Error(s) in loading state_dict for Sequential: …` listing every problem
   * @example
   * ```ts
   * const a = new Linear(3, 2);
   * const b = new Linear(3, 2);
   * b.loadStateDict(a.stateDict()); // { missingKeys: [], unexpectedKeys: [] }
   * ```
   */
  loadStateDict(stateDict: StateDictLike, options: { strict?: boolean } = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    if (stateDict === null || typeof stateDict !== 'object') {
      throw new TypeError(`loadStateDict: expected a state dict (an object or a Map of tensors), got ${stateDict === null ? 'null' : typeof stateDict}`);
    }
    const given = new Map<string, Tensor | NDArray>(
      stateDict instanceof Map ? stateDict : Object.entries(stateDict as Readonly<Record<string, Tensor | NDArray>>),
    );
    const own = this.stateDict({ keepVars: true });
    const missingKeys: string[] = [];
    const unexpectedKeys: string[] = [];
    const mismatches: string[] = [];
    const copies: [Tensor, Tensor | NDArray][] = [];
    for (const [key, target] of Object.entries(own)) {
      const src = given.get(key);
      if (src === undefined) {
        missingKeys.push(key);
        continue;
      }
      if (!(src instanceof Tensor) && !(src instanceof NDArray)) {
        throw new TypeError(`loadStateDict: the value of "${key}" must be a Tensor or an NDArray, got ${src === null ? 'null' : typeof src}`);
      }
      const shape = src.shape;
      if (shape.length !== target.shape.length || shape.some((d, i) => d !== target.shape[i])) {
        mismatches.push(
          `size mismatch for ${key}: copying a param with shape ${shapeText(shape)} from checkpoint, the shape in current model is ${shapeText(target.shape)}.`,
        );
        continue;
      }
      copies.push([target, src]);
    }
    for (const key of given.keys()) if (!(key in own)) unexpectedKeys.push(key);
    const errors: string[] = [];
    const quoted = (keys: string[]): string => keys.map((k) => `"${k}"`).join(', ');
    if (strict && missingKeys.length > 0) errors.push(`Missing key(s) in state_dict: ${quoted(missingKeys)}.`);
    if (strict && unexpectedKeys.length > 0) errors.push(`Unexpected key(s) in state_dict: ${quoted(unexpectedKeys)}.`);
    errors.push(...mismatches);
    if (errors.length > 0) {
      throw new Error(`Error(s) in loading state_dict for ${this.typeName()}:\n\t${errors.join('\n\t')}`);
    }
    noGrad(() => {
      for (const [target, src] of copies) {
        if (src instanceof Tensor && src === target) continue;
        target.copy_(src instanceof Tensor ? src.detach() : new Tensor(src));
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ------------------------------------------------------------------ printing

  /**
   * The class name printed by `toString()` (PyTorch's `_get_name`): the class's own static
   * `displayName` when it declares one (every built-in layer does), else `constructor.name`.
   * @example
   * ```ts
   * new ReLU().typeName(); // 'ReLU'
   * ```
   */
  typeName(): string {
    const ctor = this.constructor as { name: string; displayName?: unknown };
    return Object.hasOwn(ctor, 'displayName') && typeof ctor.displayName === 'string' ? ctor.displayName : ctor.name;
  }

  /**
   * The layer's arguments as `toString()` prints them inside the parentheses (PyTorch's
   * `extra_repr`); empty by default. Subclasses override it.
   * @example
   * ```ts
   * new Linear(4, 2).extraRepr(); // 'in_features=4, out_features=2, bias=True'
   * ```
   */
  extraRepr(): string {
    return '';
  }

  /**
   * The module tree as PyTorch's `print(model)` shows it.
   * @example
   * ```ts
   * new Sequential(new Conv2d(1, 6, 5, { padding: 2 }), new Sigmoid()).toString();
   * // Sequential(
   * //   (0): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
   * //   (1): Sigmoid()
   * // )
   * ```
   */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines: string[] = [];
    for (const [key, child] of this._modules) {
      const text = child ? child.toString() : 'None';
      childLines.push(`(${key}): ${text.split('\n').join('\n  ')}`);
    }
    const lines = [...extraLines, ...childLines];
    let main = `${this.typeName()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0]!;
      else main += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }
}
