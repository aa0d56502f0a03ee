import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_MODEL_WEIGHTS, SpeechModel, speechModelParameterCount, type FrontEndKind } from '../src/model.js';
import { train } from '../src/train.js';
import { tempDir, toneFsddFolder } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('model size limits of train', () => {
  it('counts a config\'s weights without building it, as numParameters() of the built model', () => {
    const fronts: FrontEndKind[] = ['conv1d', 'conv2d', 'conv2d-pool'];
    for (const frontEnd of fronts) {
      for (const [convLayers, numLayers, convChannels, hiddenSize] of [[1, 1, 3, 5], [2, 2, 8, 16], [3, 3, 4, 7]]) {
        const config = { type: 'SpeechCTC' as const, inputDim: 40, numClasses: 29, convChannels, convLayers, frontEnd, subsample: 2, hiddenSize, numLayers, dropout: 0 };
        expect(speechModelParameterCount(config), `${frontEnd} ${convLayers} ${numLayers}`).toBe(new SpeechModel(config).numParameters());
      }
    }
    // The shipped digits members' shape.
    expect(speechModelParameterCount({ inputDim: 40, numClasses: 29, convChannels: 32, convLayers: 2, frontEnd: 'conv2d', hiddenSize: 128, numLayers: 2 })).toBe(660_221);
  });

  it('refuses a model too large to build before reading audio, and a batch larger than the epoch before training', async () => {
    const dir = toneFsddFolder(join(tmp.dir, 'fsdd'), ['alice', 'bob'], 6);
    const out = join(tmp.dir, 'm.safetensors');
    const base = {
      data: dir, seed: 1, out, runDir: join(tmp.dir, 'run'), epochs: 1, batchSize: 4, lr: 3e-3, epochSize: 4, hidden: 4, layers: 1, convChannels: 2, convLayers: 2,
      frontEnd: 'conv2d' as const, dropout: 0, subsample: 2, holdOut: '5', valUtterances: 2, half: false, quiet: true,
    };
    const logs: string[] = [];
    // Each failed deep in allocation ("Invalid typed array length: 96000000000") or never returned.
    await expect(train({ ...base, hidden: 100_000_000, log: (s) => logs.push(s) })).rejects.toThrow(
      /^--hidden 100000000, --layers 1, --conv-channels 2, --conv-layers 2: a model of [\d,]+ weights, more than one may hold \(268,435,456, 2\^28; the default has 660,221\)$/,
    );
    await expect(train({ ...base, layers: 100_000, hidden: 128, log: () => {} })).rejects.toThrow(/^--hidden 128, --layers 100000, .*: a model of 29,6[\d,]+ weights/);
    expect(logs.some((l) => /loading|validation set/.test(l))).toBe(false);
    await expect(train({ ...base, batchSize: 100_000_000, log: () => {} })).rejects.toThrow('--batch-size 100000000 is larger than an epoch of 4 utterances (--epoch-size)');
    expect(existsSync(out)).toBe(false);
    expect(MAX_MODEL_WEIGHTS).toBe(2 ** 28);
  });
});
