/**
 * Typed, JSON-serialisable module configs and the registry that turns them
 * back into modules (Burn's `XConfig → init()` pattern). A checkpoint stores
 * `model.config` next to the state dict, so `buildModule(config)` +
 * `loadStateDict` rebuilds the trained model without the code that made it.
 */
import { isRecord } from '@tensorkit/core';
import type { Generator } from '@tensorkit/core';
import type { Module } from './module.js';
import { checkOptionKeys, whileBuildingFromConfig } from './options.js';

/** Every config names its module type; the remaining fields are plain JSON values. */
export interface ModuleConfig {
  readonly type: string;
}

/**
 * Module type name → config type, for typed config literals. Built-in layers
 * add themselves; apps add theirs by augmentation:
 *
 *   declare module '@tensorkit/nn' { interface ModuleConfigRegistry { TinyNet: TinyNetConfig } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ModuleConfigRegistry {}

/** The config of any module type known to the type system (a union discriminated on `type`). */
export type AnyModuleConfig = ModuleConfigRegistry[keyof ModuleConfigRegistry];

/** Construction-time options that are not part of the architecture (and so not in the config). */
export interface InitOptions {
  /** Source of initial weights (and of dropout masks); default: core's default generator. */
  generator?: Generator;
}

/** A module's constructor options: its config without `type`, plus InitOptions. */
export type ModuleOptions<C extends ModuleConfig> = Omit<C, 'type'> & InitOptions;

export type ModuleFactory<C extends ModuleConfig = ModuleConfig> = (config: C, opts: InitOptions) => Module;

const registry = new Map<string, ModuleFactory<any>>();

/**
 * Registers how to build modules of `type` from their config. Apps register
 * their own model classes this way so checkpoints can rebuild them.
 */
export function registerModule<C extends ModuleConfig>(type: C['type'], factory: ModuleFactory<C>, opts: { replace?: boolean } = {}): void {
  if (typeof type !== 'string' || type === '') throw new Error('registerModule: type must be a non-empty string');
  if (registry.has(type) && !opts.replace) throw new Error(`registerModule: '${type}' is already registered (pass {replace: true} to override)`);
  registry.set(type, factory);
}

export function registeredModuleTypes(): string[] {
  return [...registry.keys()].sort();
}

/** Builds a module (tree) from its config; the caller may name the expected class. */
export function buildModule<M extends Module = Module>(config: AnyModuleConfig | ModuleConfig, opts: InitOptions = {}): M {
  if (config === null || typeof config !== 'object' || typeof config.type !== 'string') {
    throw new Error(`buildModule: expected a config object with a string 'type', got ${JSON.stringify(config)}`);
  }
  const factory = registry.get(config.type);
  if (!factory) throw new Error(`buildModule: unknown module type '${config.type}' (registered: ${registeredModuleTypes().join(', ')}); apps register their own with registerModule()`);
  const module = whileBuildingFromConfig(() => factory(config, opts)) as M;
  checkConfigKeys(`buildModule: ${config.type} config`, config, module.config);
  return module;
}

/**
 * Refuses keys of `given` that the built module's config does not have: a config holds every
 * field its module reads (optional ones with their defaults, or null), so any other key is a typo
 * the module ignored. Nested config objects (TransformerEncoder's `layer`, `norm`) are checked too.
 */
function checkConfigKeys(what: string, given: object, built: object): void {
  checkOptionKeys(what, given, Object.keys(built), 'key');
  for (const [k, v] of Object.entries(given)) {
    const b = (built as Record<string, unknown>)[k];
    if (isRecord(v) && isRecord(b)) checkConfigKeys(`${what}.${k}`, v, b);
  }
}

