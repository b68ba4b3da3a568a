import type { Tensor } from '@torchlet/autograd';
import { Module, type AnyModule } from '../module.js';

function normalizeIndex(op: string, index: number, n: number, allowEnd = false): number {
  if (!Number.isInteger(index)) throw new TypeError(`${op}: index must be an integer, got ${String(index)}`);
  const limit = allowEnd ? n : n - 1;
  if (index < -n || index > limit) throw new RangeError(`${op}: index ${index} is out of range for ${n} modules`);
  return index < 0 ? index + n : index;
}

function checkModule(op: string, m: unknown, where: string): AnyModule {
  if (!(m instanceof Module)) throw new TypeError(`${op}: ${where} is not a Module (got ${m === null ? 'null' : typeof m})`);
  return m as AnyModule;
}

/**
 * Modules run one after another, each on the previous one's output (PyTorch's `nn.Sequential`).
 * Pass the modules positionally — they are named `'0'`, `'1'`, … (the state-dict keys become
 * `'0.weight'`…) — or pass one object or `Map` of named modules. (An object's integer-like keys
 * would be reordered by JavaScript; use a `Map` for those.)
 *
 * Indexing: `get(i)`/`at(i)` (negative counts from the end), `length`, `for…of`, `slice`.
 * @example
 * ```ts
 * const net = new Sequential(new Conv2d(1, 6, 5, { padding: 2 }), new Sigmoid(), new AvgPool2d(2, { stride: 2 }));
 * net.forward(tensor(zeros([1, 1, 28, 28]))).shape; // [1, 6, 14, 14]
 * net.get(0);  // the Conv2d
 * net.length;  // 3
 * const named = new Sequential({ conv: new Conv2d(1, 2, 3), act: new ReLU() });
 * Object.keys(named.stateDict()); // ['conv.weight', 'conv.bias']
 * ```
 */
export class Sequential extends Module implements Iterable<AnyModule> {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'Sequential';

  constructor(...modules: AnyModule[]);
  constructor(named: Readonly<Record<string, AnyModule>> | ReadonlyMap<string, AnyModule>);
  constructor(...args: (AnyModule | Readonly<Record<string, AnyModule>> | ReadonlyMap<string, AnyModule>)[]) {
    super();
    const first = args[0];
    if (args.length === 1 && first !== undefined && !(first instanceof Module)) {
      if (typeof first !== 'object' || first === null) throw new TypeError(`Sequential: expected modules or one object of named modules, got ${typeof first}`);
      const entries = first instanceof Map ? [...(first as ReadonlyMap<string, AnyModule>)] : Object.entries(first as Readonly<Record<string, AnyModule>>);
      for (const [name, m] of entries) this.registerModule(name, checkModule('Sequential', m, `"${name}"`));
    } else {
      args.forEach((m, i) => this.registerModule(String(i), checkModule('Sequential', m, `argument ${i}`)));
    }
  }

  /** The number of modules. */
  get length(): number {
    return this.moduleNames().length;
  }

  /**
   * The module at position `index` (negative counts from the end).
   * @throws RangeError when out of range
   * @example
   * ```ts
   * new Sequential(new Linear(2, 2), new ReLU()).get(-1).toString(); // 'ReLU()'
   * ```
   */
  get(index: number): AnyModule {
    const names = this.moduleNames();
    return this.ownModule(names[normalizeIndex('Sequential.get', index, names.length)]!)!;
  }

  /**
   * The same as {@link Sequential.get} (the name arrays use).
   * @example
   * ```ts
   * net.at(0);
   * ```
   */
  at(index: number): AnyModule {
    return this.get(index);
  }

  /**
   * Iterates over the modules in order.
   * @example
   * ```ts
   * for (const layer of net) console.log(layer.toString());
   * ```
   */
  *[Symbol.iterator](): Iterator<AnyModule> {
    for (const name of this.moduleNames()) yield this.ownModule(name)!;
  }

  /**
   * A new Sequential of the modules `start..end` (exclusive), keeping their names and sharing
   * the module objects (PyTorch's `seq[start:end]`).
   * @example
   * ```ts
   * const features = lenet.slice(0, 6);
   * ```
   */
  slice(start = 0, end?: number): Sequential {
    const names = this.moduleNames().slice(start, end);
    return new Sequential(new Map(names.map((n) => [n, this.ownModule(n)!])));
  }

  /**
   * Appends a module (named after its position); returns this Sequential.
   * @example
   * ```ts
   * net.append(new ReLU());
   * ```
   */
  append(module: AnyModule): this {
    this.registerModule(String(this.length), checkModule('Sequential.append', module, 'the argument'));
    return this;
  }

  /**
   * Appends several modules; returns this Sequential.
   * @example
   * ```ts
   * net.extend([new Linear(4, 4), new ReLU()]);
   * ```
   */
  extend(modules: Iterable<AnyModule>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Inserts a module at position `index` and renumbers the modules after it (numbered
   * Sequentials only); returns this Sequential.
   * @example
   * ```ts
   * new Sequential(new Linear(2, 2), new Linear(2, 2)).insert(1, new ReLU()).get(1).toString(); // 'ReLU()'
   * ```
   */
  insert(index: number, module: AnyModule): this {
    const names = this.moduleNames();
    const at = normalizeIndex('Sequential.insert', index, names.length, true);
    checkModule('Sequential.insert', module, 'the argument');
    if (!names.every((n, i) => n === String(i))) {
      throw new Error('Sequential.insert: only numbered Sequentials can be renumbered; this one has named modules');
    }
    const mods = names.map((n) => this.ownModule(n)!);
    mods.splice(at, 0, module);
    for (const n of names) this.deleteModule(n);
    mods.forEach((m, i) => this.registerModule(String(i), m));
    return this;
  }

  protected override compute(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this) x = m.forward(x);
    return x as Tensor;
  }
}

/**
 * A list of sub-modules (PyTorch's `nn.ModuleList`): registered (so their parameters are the
 * owner's), indexable and iterable, but not callable — a model iterates over it in its own
 * `compute`.
 * @example
 * ```ts
 * class Deep extends Module {
 *   readonly blocks = this.registerModule('blocks', new ModuleList([new Linear(4, 4), new Linear(4, 4)]));
 *   protected override compute(x: Tensor): Tensor {
 *     for (const b of this.blocks) x = b.forward(x).relu();
 *     return x;
 *   }
 * }
 * Object.keys(new Deep().stateDict()); // ['blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias']
 * ```
 */
export class ModuleList<M extends AnyModule = AnyModule> extends Module implements Iterable<M> {
  /** The class name that `toString()` and error messages print (kept when bundlers rename classes). */
  static readonly displayName: string = 'ModuleList';

  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  /** The number of modules. */
  get length(): number {
    return this.moduleNames().length;
  }

  /**
   * The module at position `index` (negative counts from the end).
   * @example
   * ```ts
   * new ModuleList([new Linear(2, 3)]).get(0).outFeatures; // 3
   * ```
   */
  get(index: number): M {
    const n = this.length;
    return this.ownModule(String(normalizeIndex('ModuleList.get', index, n))) as M;
  }

  /**
   * The same as {@link ModuleList.get}.
   * @example
   * ```ts
   * list.at(-1);
   * ```
   */
  at(index: number): M {
    return this.get(index);
  }

  /**
   * Replaces the module at position `index`.
   * @example
   * ```ts
   * list.set(0, new Linear(2, 3));
   * ```
   */
  set(index: number, module: M): this {
    const i = normalizeIndex('ModuleList.set', index, this.length);
    this.registerModule(String(i), checkModule('ModuleList.set', module, 'the argument') as M);
    return this;
  }

  /**
   * Iterates over the modules in order.
   * @example
   * ```ts
   * for (const m of list) m.zeroGrad();
   * ```
   */
  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0, n = this.length; i < n; i++) yield this.ownModule(String(i)) as M;
  }

  /**
   * Appends a module; returns this list.
   * @example
   * ```ts
   * list.append(new Linear(4, 4));
   * ```
   */
  append(module: M): this {
    this.registerModule(String(this.length), checkModule('ModuleList.append', module, 'the argument') as M);
    return this;
  }

  /**
   * Appends several modules; returns this list.
   * @example
   * ```ts
   * list.extend([new Linear(4, 4), new Linear(4, 4)]);
   * ```
   */
  extend(modules: Iterable<M>): this {
    if (modules === null || typeof (modules as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new TypeError(`ModuleList: expected an iterable of modules, got ${modules === null ? 'null' : typeof modules}`);
    }
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Inserts a module before position `index`; returns this list.
   * @example
   * ```ts
   * list.insert(0, new Linear(4, 4));
   * ```
   */
  insert(index: number, module: M): this {
    const n = this.length;
    const at = normalizeIndex('ModuleList.insert', index, n, true);
    checkModule('ModuleList.insert', module, 'the argument');
    const mods = [...this];
    mods.splice(at, 0, module);
    for (let i = 0; i < n; i++) this.deleteModule(String(i));
    mods.forEach((m, i) => this.registerModule(String(i), m));
    return this;
  }

  protected override compute(): Tensor {
    throw new Error('ModuleList is not callable (it has no forward): iterate over it and call each module\'s forward()');
  }
}
