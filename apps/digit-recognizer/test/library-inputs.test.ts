/** The library API (classify, prepareImage, integratedGradients) with invalid inputs a program may pass. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { blackBaseline, integratedGradients, MAX_EXPLAIN_STEPS } from '../src/explain.js';
import { loadModel, type LoadedModel } from '../src/model-file.js';
import { classify, prepareFile, type PreparedInput } from '../src/predict.js';
import { buildProgram } from '../src/program.js';
import { prepareImage, standardiseUnit } from '../src/preprocess.js';
import { SAMPLES, SHIPPED_MODEL } from './helpers.js';

let shipped: LoadedModel;
let three: PreparedInput;
beforeAll(async () => {
  shipped = await loadModel(SHIPPED_MODEL);
  three = await prepareFile(join(SAMPLES, '3-scan.jpg'), shipped);
});

describe('classify with hand-made inputs', () => {
  it('still classifies a valid 28×28 [0, 1] image', () => {
    expect(classify(shipped, [three])[0].digit).toBe(3);
  });

  it('refuses images of the wrong size instead of padding or spilling into the next one', () => {
    expect(() => classify(shipped, [{ ...three, unit: three.unit.subarray(0, 100) }])).toThrow(/input 0 .*784 pixels in \[0, 1\], got 100/);
    // A 785-value image used to shift its last pixel into the following image, which then read as 1.
    expect(() => classify(shipped, [{ ...three, unit: new Float32Array(785) }, three])).toThrow(/input 0 .*got 785/);
  });

  it('refuses 0–255 and NaN pixels instead of returning a confident digit', () => {
    expect(() => classify(shipped, [three, { ...three, unit: three.unit.map((v) => v * 255) }])).toThrow(/input 1 .*divide them by 255/);
    const nan = Float32Array.from(three.unit);
    nan[300] = NaN;
    expect(() => classify(shipped, [{ ...three, unit: nan }])).toThrow(/pixel 300 is NaN/);
  });

  it('prepareImage refuses NaN pixels with a message instead of crashing in the ink search', () => {
    const data = Float32Array.from(three.unit);
    data[5] = NaN;
    expect(() => prepareImage({ data, width: 28, height: 28 })).toThrow(/pixel 5 is NaN/);
  });
});

describe('integratedGradients with invalid options', () => {
  const x = () => standardiseUnit(Float32Array.from(three.unit), shipped.meta.preprocess);
  const base = () => blackBaseline(shipped.meta.preprocess);

  it('refuses NaN step counts (which used to loop forever) and rounds fractional ones up', () => {
    expect(() => integratedGradients(shipped.model, x(), base(), 3, { minSteps: NaN })).toThrow(/must be finite/);
    expect(() => integratedGradients(shipped.model, x(), base(), 3, { maxSteps: NaN, tolerance: 0 })).toThrow(/must be finite/);
    const r = integratedGradients(shipped.model, x(), base(), 3, { minSteps: 2.5, maxSteps: 3 });
    expect(r.steps).toBe(3);
    expect(Number.isFinite(r.sum)).toBe(true);
  });

  it('refuses more starting steps than the most it doubles to (--steps 100000000 ran for hours), in the library and the CLI', () => {
    expect(() => integratedGradients(shipped.model, x(), base(), 3, { minSteps: 100_000_000 })).toThrow('integratedGradients: minSteps 100000000 is more than maxSteps 1024');
    expect(() => integratedGradients(shipped.model, x(), base(), 3, { minSteps: 8, maxSteps: 4 })).toThrow(/minSteps 8 is more than maxSteps 4/);
    const steps = buildProgram().commands.find((c) => c.name() === 'explain')!.options.find((o) => o.long === '--steps')!;
    expect(steps.parseArg!(String(MAX_EXPLAIN_STEPS), undefined)).toBe(1024);
    expect(() => steps.parseArg!('100000000', undefined)).toThrow("--steps must be an integer from 1 to 1024, got '100000000'");
  });

  it('refuses a target outside 0…9 and inputs of the wrong length instead of returning NaN', () => {
    expect(() => integratedGradients(shipped.model, x(), base(), -1)).toThrow(/target must be a digit 0…9, got -1/);
    expect(() => integratedGradients(shipped.model, x(), base(), 10)).toThrow(/target must be a digit/);
    expect(() => integratedGradients(shipped.model, x().subarray(0, 10), base(), 3)).toThrow(/784 values each, got 10 and 784/);
  });
});
