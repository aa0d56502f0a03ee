// Typed JSON configs: a model (with a custom module) rebuilt from its config alone.
import assert from 'node:assert/strict';
import { Generator, noGrad, randn, type Tensor } from '@tensorkit/core';
import {
  buildModule, Dropout, GELU, LayerNorm, Linear, Module, registerModule, Sequential,
  type AnyModuleConfig, type ModuleConfig, type ModuleOptions, type TensorModule,
} from '@tensorkit/nn';

// A custom module declares its config type and registers it, so buildModule can make it
// and config literals that mention it are type-checked.
interface ResidualMlpConfig extends ModuleConfig {
  type: 'ResidualMlp';
  dim: number;
  hidden: number;
  /** Default 0.1. */
  dropout?: number;
}
declare module '@tensorkit/nn' {
  interface ModuleConfigRegistry { ResidualMlp: ResidualMlpConfig }
}

/** x + down(drop(gelu(up(norm(x))))). */
class ResidualMlp extends Module {
  readonly config: Required<ResidualMlpConfig>;

  constructor(opts: ModuleOptions<ResidualMlpConfig>) {
    super();
    this.config = { type: 'ResidualMlp', dim: opts.dim, hidden: opts.hidden, dropout: opts.dropout ?? 0.1 };
    const generator = opts.generator;
    // Children are registered explicitly: their names become state-dict prefixes.
    this.addModule('norm', new LayerNorm({ normalizedShape: opts.dim }));
    this.addModule('up', new Linear({ inFeatures: opts.dim, outFeatures: opts.hidden, generator }));
    this.addModule('act', new GELU());
    this.addModule('drop', new Dropout({ p: this.config.dropout, generator }));
    this.addModule('down', new Linear({ inFeatures: opts.hidden, outFeatures: opts.dim, generator }));
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (const name of ['norm', 'up', 'act', 'drop', 'down']) h = (this.getSubmodule(name) as TensorModule).forward(h);
    return x.add(h);
  }
}
registerModule<ResidualMlpConfig>('ResidualMlp', (config, opts) => new ResidualMlp({ ...config, ...opts }));

const g = new Generator(1);
const model = new Sequential(
  new ResidualMlp({ dim: 8, hidden: 16, generator: g }),
  new Linear({ inFeatures: 8, outFeatures: 3, generator: g }),
);

// The config is plain JSON (every default filled in); save it next to the weights.
const json = JSON.stringify(model.config);
assert.deepEqual(JSON.parse(json).modules[0], { type: 'ResidualMlp', dim: 8, hidden: 16, dropout: 0.1 });
assert.deepEqual(Object.keys(model.stateDict()), ['0.norm.weight', '0.norm.bias', '0.up.weight', '0.up.bias', '0.down.weight', '0.down.bias', '1.weight', '1.bias']);

// Rebuild from the JSON alone (fresh random weights), then load the trained ones.
const rebuilt = buildModule<Sequential>(JSON.parse(json));
rebuilt.loadStateDict(model.stateDict());
const x = randn([4, 8], { generator: g });
// eval(): dropout off, so both give the same deterministic output.
const expected = noGrad(() => model.eval().forward(x));
assert.deepEqual(noGrad(() => rebuilt.eval().forward(x)).toArray(), expected.toArray());

// Config literals are checked by the compiler, and again at build time.
const ok: AnyModuleConfig = { type: 'Sequential', modules: [{ type: 'ResidualMlp', dim: 4, hidden: 8 }, { type: 'Linear', inFeatures: 4, outFeatures: 2 }] };
assert.equal(buildModule(ok).numParameters(), 4 + 4 + 4 * 8 + 8 + 8 * 4 + 4 + 4 * 2 + 2);
// @ts-expect-error -- a typo: LinearConfig has outFeatures, not outFeature
const typo: AnyModuleConfig = { type: 'Linear', inFeatures: 4, outFeature: 2 };
assert.throws(() => buildModule(typo), /Linear: outFeatures must be a positive integer, got undefined/);
assert.throws(() => buildModule({ type: 'Linear', inFeatures: 4, outFeatures: 2, outFeature: 2 } as AnyModuleConfig), /unknown key 'outFeature' \(did you mean 'outFeatures'\?\)/);

// loadStateDict collects every problem (missing/unexpected keys, shapes) into one error
// before writing anything.
const other = buildModule({ type: 'Linear', inFeatures: 8, outFeatures: 4 });
assert.throws(() => other.loadStateDict({ weight: randn([3, 8]) }), /missing keys \(1\): bias[\s\S]*weight: checkpoint shape \[3,8\] vs model shape \[4,8\]/);

console.log(model.toString());
