/**
 * The optimizer base: parameter groups with per-group options, `step`, `zeroGrad`,
 * `addParamGroup` and a plain-data state dict — PyTorch's `torch.optim.Optimizer`.
 */
import { Tensor, enableGrad, noGrad } from '@torchlet/autograd';
import { checkBuffer, checkNumber, defined, filled, paramDType, show, type FloatArray } from './util.js';

/**
 * The options every parameter group has: the learning rate (the one option schedulers change).
 *
 * @example
 * ```ts
 * import type { GroupOptions } from '@torchlet/optim';
 * const options: GroupOptions = { lr: 0.1 };
 * ```
 */
export interface GroupOptions {
  /** Learning rate. */
  lr: number;
}

/**
 * Entries that learning-rate schedulers store in a parameter group (PyTorch's `initial_lr`,
 * `max_lr`, `min_lr`, `max_momentum`, `base_momentum`); they are saved with the group.
 *
 * @example
 * ```ts
 * import type { SchedulerGroupFields } from '@torchlet/optim';
 * const fields: SchedulerGroupFields = { initialLr: 0.1 };
 * ```
 */
export interface SchedulerGroupFields {
  /** The learning rate a scheduler started from (its base lr). */
  initialLr?: number;
  /** OneCycleLR: the peak learning rate. */
  maxLr?: number;
  /** OneCycleLR: the final learning rate. */
  minLr?: number;
  /** OneCycleLR: the momentum at the start and end of the cycle. */
  maxMomentum?: number;
  /** OneCycleLR: the momentum at the peak learning rate. */
  baseMomentum?: number;
}

/**
 * One parameter group of an optimizer: its parameters and the group's complete options.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD } from '@torchlet/optim';
 * const opt = new SGD([tensor([1, 2], { requiresGrad: true })], { lr: 0.1 });
 * opt.paramGroups[0]!.lr = 0.01; // what a scheduler does
 * ```
 */
export type ParamGroup<O extends GroupOptions = GroupOptions> = O & SchedulerGroupFields & { params: Tensor[] };

/**
 * A parameter group as given to a constructor or to `addParamGroup`: its parameters and any
 * options that differ from the optimizer's defaults.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, type ParamGroupInput, type SGDOptions } from '@torchlet/optim';
 * const w = tensor([1, 2], { requiresGrad: true });
 * const b = tensor([0], { requiresGrad: true });
 * const groups: ParamGroupInput<SGDOptions>[] = [{ params: [w] }, { params: [b], lr: 0.01 }];
 * new SGD(groups, { lr: 0.1, momentum: 0.9 });
 * ```
 */
export type ParamGroupInput<O extends GroupOptions = GroupOptions> = Partial<O> & SchedulerGroupFields & { params: Iterable<Tensor> | Tensor };

/**
 * What an optimizer optimizes: any iterable of tensors (one group), or parameter groups.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import type { Params } from '@torchlet/optim';
 * const params: Params = [tensor([1, 2], { requiresGrad: true })];
 * ```
 */
export type Params<O extends GroupOptions = GroupOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/**
 * One value of a parameter's saved state: a step count, or a buffer as plain numbers (the
 * parameter's elements in row-major order; typed arrays are accepted when loading), or `null`
 * (PyTorch's `None`, e.g. SGD's momentum buffer without momentum).
 *
 * @example
 * ```ts
 * import type { StateValue } from '@torchlet/optim';
 * const step: StateValue = 3;
 * const buffer: StateValue = [0.5, -0.25];
 * ```
 */
export type StateValue = number | boolean | null | number[] | FloatArray;

/**
 * A parameter group as saved: its options and its parameters as indices (counted across groups).
 *
 * @example
 * ```ts
 * import type { SavedParamGroup, SGDOptions } from '@torchlet/optim';
 * const g: SavedParamGroup<SGDOptions> = {
 *   lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, params: [0, 1],
 * };
 * ```
 */
export type SavedParamGroup<O extends GroupOptions = GroupOptions> = O & SchedulerGroupFields & { params: number[] };

/**
 * An optimizer's state as plain data (PyTorch's `state_dict()`): per-parameter state keyed by
 * the parameter's index, and the groups' options. JSON-serialisable: `JSON.parse(JSON.stringify(d))`
 * loads back into an identical optimizer, so a resumed run continues bit-identically.
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { SGD, type OptimizerStateDict } from '@torchlet/optim';
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * const saved: OptimizerStateDict = JSON.parse(JSON.stringify(opt.stateDict()));
 * opt.loadStateDict(saved);
 * ```
 */
export interface OptimizerStateDict<O extends GroupOptions = GroupOptions> {
  /** Parameter index (as a string key, like JSON objects) → that parameter's state. */
  state: Record<string, Record<string, StateValue>>;
  /** Each group's options, with `params` as parameter indices. */
  paramGroups: SavedParamGroup<O>[];
}

/** Options of {@link Optimizer.zeroGrad}. */
export interface ZeroGradOptions {
  /** Set each `.grad` to null instead of filling it with zeros (default true, as PyTorch 2). */
  setToNone?: boolean;
}


/**
 * The base of every optimizer (PyTorch's `torch.optim.Optimizer`). A subclass declares its
 * options and validation ({@link Optimizer.resolveOptions}), how it updates one group
 * ({@link Optimizer.updateGroup}) and how its per-parameter state is read back from a state
 * dict ({@link Optimizer.parseState}).
 *
 * @example
 * ```ts
 * import { tensor } from '@torchlet/autograd';
 * import { Adam, type Optimizer } from '@torchlet/optim';
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt: Optimizer = new Adam([w], { lr: 0.01 });
 * w.mul(w).sum().backward();
 * opt.step();
 * opt.zeroGrad();
 * ```
 */
export abstract class Optimizer<O extends GroupOptions = GroupOptions, S extends object = object> {
  /** The class name used in error messages (`SGD`, `Adam`, …). */
  readonly name: string;
  /** The constructor's options, filled with the class defaults; groups take what they do not set from here. */
  readonly defaults: Readonly<Partial<O>>;
  /** The parameter groups, each with its complete options. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moment estimates, step counts), created on first use. */
  readonly state = new Map<Tensor, S>();

  /**
   * @param name - the class name for error messages
   * @param params - an iterable of tensors, or of parameter groups
   * @param defaults - the constructor's options merged over the class defaults (already validated)
   */
  protected constructor(name: string, params: Params<O>, defaults: Partial<O>) {
    this.name = name;
    this.defaults = { ...defaults };
    if (params instanceof Tensor || typeof params !== 'object' || params === null || !(Symbol.iterator in params)) {
      throw new TypeError(`${name}: params must be an iterable of Tensors or of parameter groups, got ${show(params)}`);
    }
    const items: unknown[] = [...(params as Iterable<unknown>)];
    if (items.length === 0) throw new RangeError(`${name}: got an empty parameter list`);
    if (items.every((p) => p instanceof Tensor)) {
      this.addParamGroup({ params: items } as unknown as ParamGroupInput<O>);
    } else if (items.every((g) => typeof g === 'object' && g !== null && !(g instanceof Tensor))) {
      for (const g of items) this.addParamGroup(g as ParamGroupInput<O>);
    } else {
      throw new TypeError(`${name}: params must be all Tensors or all parameter groups, got a mix`);
    }
  }

  /**
   * Fills a group's options from the defaults (done by the caller) and validates them: returns
   * the complete options, or throws naming the class, the option and the bad value.
   * @param options - the merged options (possibly incomplete or mistyped when coming from JS)
   * @param where - where they come from, for messages (e.g. `parameter group 1`)
   */
  protected abstract resolveOptions(options: Partial<O>, where: string): O;

  /** Updates the parameters of one group that have a gradient (runs under `noGrad`). */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** Reads one parameter's state back from a state dict (validating it against the parameter). */
  protected abstract parseState(raw: Readonly<Record<string, StateValue>>, param: Tensor, where: string): S;

  /**
   * Adds a parameter group (e.g. layers unfrozen during fine-tuning); options it omits come
   * from the optimizer's defaults.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD } from '@torchlet/optim';
   * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
   * opt.addParamGroup({ params: [tensor([2], { requiresGrad: true })], lr: 0.01 });
   * ```
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const where = `parameter group ${this.paramGroups.length}`;
    if (typeof group !== 'object' || group === null || group instanceof Tensor || !('params' in group)) {
      throw new TypeError(`${this.name}: a parameter group must be an object with params, got ${show(group)}`);
    }
    const { params: given, ...rest } = group;
    let params: Tensor[];
    if (given instanceof Tensor) params = [given];
    else if (typeof given === 'object' && given !== null && Symbol.iterator in given) params = [...(given as Iterable<unknown>)] as Tensor[];
    else throw new TypeError(`${this.name}: ${where}: params must be a Tensor or an iterable of Tensors, got ${show(given)}`);
    const seen = new Set<Tensor>();
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${this.name}: ${where}: params[${i}] must be a Tensor, got ${show(p)}`);
      if (!p.isLeaf && !p.retainsGrad) {
        throw new RangeError(`${this.name}: ${where}: params[${i}] is not a leaf tensor (computed by ${p.gradFn?.name ?? '?'}); only leaves can be optimized`);
      }
      if (seen.has(p)) throw new RangeError(`${this.name}: ${where}: params[${i}] appears twice in the group`);
      seen.add(p);
    });
    for (const g of this.paramGroups) {
      if (g.params.some((p) => seen.has(p))) throw new RangeError(`${this.name}: some parameters appear in more than one parameter group`);
    }
    const merged = { ...this.defaults, ...defined(rest) } as Partial<O> & SchedulerGroupFields;
    const options = this.resolveOptions(merged, where);
    const extras = schedulerFields(this.name, merged, where);
    this.paramGroups.push({ ...extras, ...options, params });
  }

  /**
   * Performs one optimization step on every parameter that has a gradient (parameters whose
   * `grad` is null are skipped). With a `closure` (which recomputes the loss and calls
   * `backward`), the closure runs first, with grad mode on, and its result is returned.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD } from '@torchlet/optim';
   * const w = tensor([1, -1], { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.1 });
   * const loss = opt.step(() => {
   *   opt.zeroGrad();
   *   const l = w.mul(w).sum();
   *   l.backward();
   *   return l;
   * });
   * ```
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /**
   * Clears every parameter's gradient: sets it to null (the default), or with
   * `setToNone: false` writes zeros into it (detaching it from any graph first).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD } from '@torchlet/optim';
   * const w = tensor([1, -1], { requiresGrad: true });
   * const opt = new SGD([w], { lr: 0.1 });
   * w.sum().backward();
   * opt.zeroGrad({ setToNone: false }); // w.grad is [0, 0]
   * opt.zeroGrad();                     // w.grad is null
   * ```
   */
  zeroGrad(options: ZeroGradOptions = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) {
          p.grad = null;
        } else {
          if (p.grad.gradFn !== null) p.grad = p.grad.detach();
          const g = p.grad;
          noGrad(() => g.zero_());
        }
      }
    }
  }

  /**
   * The optimizer's state as plain, JSON-serialisable data (copies: later steps do not change it).
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { Adam } from '@torchlet/optim';
   * const w = tensor([1, -1], { requiresGrad: true });
   * const opt = new Adam([w]);
   * w.sum().backward();
   * opt.step();
   * const json = JSON.stringify(opt.stateDict()); // {"state":{"0":{"step":1,"expAvg":[…],…}},…}
   * ```
   */
  stateDict(): OptimizerStateDict<O> {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      const ids = params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return { ...copyOptions(options), params: ids } as SavedParamGroup<O>;
    });
    const state: Record<string, Record<string, StateValue>> = {};
    for (const [p, i] of index) {
      const s = this.state.get(p);
      if (!s) continue;
      const out: Record<string, StateValue> = {};
      for (const [k, v] of Object.entries(s as Record<string, number | FloatArray | null>)) out[k] = typeof v === 'object' && v !== null ? Array.from(v) : v;
      state[String(i)] = out;
    }
    return { state, paramGroups };
  }

  /**
   * Restores state saved by {@link Optimizer.stateDict} (possibly through JSON) into this
   * optimizer, whose groups must hold the same numbers of parameters. The groups' options are
   * replaced by the saved ones; buffers are copied into the parameters' dtype.
   * @example
   * ```ts
   * import { tensor } from '@torchlet/autograd';
   * import { SGD } from '@torchlet/optim';
   * const w = tensor([1, -1], { requiresGrad: true });
   * const saved = JSON.stringify(new SGD([w], { lr: 0.5 }).stateDict());
   * const opt = new SGD([w], { lr: 0.1 });
   * opt.loadStateDict(JSON.parse(saved));
   * opt.paramGroups[0]!.lr; // 0.5
   * ```
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const name = `${this.name}.loadStateDict`;
    if (typeof stateDict !== 'object' || stateDict === null || !Array.isArray(stateDict.paramGroups) || typeof stateDict.state !== 'object' || stateDict.state === null) {
      throw new TypeError(`${name}: expected { state, paramGroups }, got ${show(stateDict)}`);
    }
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length) {
      throw new RangeError(`${name}: the state dict has ${saved.length} parameter groups but the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const groups = saved.map((g, gi) => {
      const current = this.paramGroups[gi]!;
      if (typeof g !== 'object' || g === null || !Array.isArray(g.params)) throw new TypeError(`${name}: parameter group ${gi} has no params list`);
      if (g.params.length !== current.params.length) {
        throw new RangeError(`${name}: saved parameter group ${gi} has ${g.params.length} parameters but the optimizer's has ${current.params.length}`);
      }
      g.params.forEach((id, k) => {
        if (!Number.isInteger(id) || byIndex.has(id)) throw new RangeError(`${name}: parameter group ${gi} has an invalid or repeated index ${show(id)}`);
        byIndex.set(id, current.params[k]!);
      });
      const { params: _ids, ...rest } = g;
      const where = `saved parameter group ${gi}`;
      const merged = { ...this.defaults, ...defined(rest) } as Partial<O> & SchedulerGroupFields;
      const options = this.resolveOptions(copyOptions(merged) as Partial<O>, where);
      return { ...schedulerFields(this.name, merged, where), ...options, params: current.params };
    });
    const states = new Map<Tensor, S>();
    for (const [key, raw] of Object.entries(stateDict.state)) {
      const p = byIndex.get(Number(key));
      if (p === undefined) throw new RangeError(`${name}: state for parameter ${key}, which no group holds`);
      if (typeof raw !== 'object' || raw === null) throw new TypeError(`${name}: the state of parameter ${key} must be an object, got ${show(raw)}`);
      states.set(p, this.parseState(raw, p, `${name}: parameter ${key}`));
    }
    // everything validated: commit
    groups.forEach((g, i) => (this.paramGroups[i] = g));
    this.state.clear();
    for (const [p, s] of states) this.state.set(p, s);
  }

  /** The parameters of `group` that have a gradient, with their gradients. */
  protected withGrad(group: ParamGroup<O>): [param: Tensor, grad: Tensor][] {
    const out: [Tensor, Tensor][] = [];
    for (const p of group.params) if (p.grad !== null) out.push([p, p.grad]);
    return out;
  }
}


/** A deep enough copy of a group's options (tuples such as `betas` are copied). */
function copyOptions(o: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
  return out;
}

const SCHEDULER_FIELDS = ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'] as const;

/** The scheduler entries of a group, each checked to be a number. */
function schedulerFields(owner: string, o: SchedulerGroupFields, where: string): SchedulerGroupFields {
  const out: SchedulerGroupFields = {};
  for (const k of SCHEDULER_FIELDS) {
    const v = o[k];
    if (v !== undefined) out[k] = checkNumber(owner, `${where}: ${k}`, v);
  }
  return out;
}

/**
 * Reads a numeric entry of a saved parameter state.
 * @internal
 */
export function readNumber(where: string, raw: Readonly<Record<string, StateValue>>, key: string): number {
  const v = raw[key];
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${where}: state ${key} must be a number, got ${show(v)}`);
  return v;
}

/**
 * Reads a buffer entry of a saved parameter state into a fresh typed array of the parameter's
 * dtype (null stays null when `nullable`).
 * @internal
 */
export function readBuffer(where: string, raw: Readonly<Record<string, StateValue>>, key: string, param: Tensor, nullable: true): FloatArray | null;
export function readBuffer(where: string, raw: Readonly<Record<string, StateValue>>, key: string, param: Tensor, nullable?: false): FloatArray;
export function readBuffer(where: string, raw: Readonly<Record<string, StateValue>>, key: string, param: Tensor, nullable = false): FloatArray | null {
  const v = raw[key];
  if (v === null && nullable) return null;
  const n = param.numel();
  const isArrayLike = Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array;
  if (!isArrayLike || v.length !== n) {
    throw new TypeError(`${where}: state ${key} must be an array of ${n} numbers (one per parameter element), got ${show(v)}`);
  }
  const out = filled(paramDType(where, param), n, 0);
  for (let i = 0; i < n; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number') throw new TypeError(`${where}: state ${key}[${i}] must be a number, got ${show(x)}`);
    out[i] = x;
  }
  checkBuffer(where, key, param, out);
  return out;
}
