/**
 * Combines speech models (different seeds, or different --input-norm) into one model file
 * whose members' probabilities are averaged when decoding:
 *   tsx --conditions=@tensorkit/source apps/speech-to-text/scripts/make-ensemble.ts OUT.safetensors A.safetensors B.safetensors [C …]
 */
import { runCli } from '@tensorkit/train';
import { makeEnsemble } from '../src/ensemble.js';
import { saveModel } from '../src/model-file.js';

await runCli(async () => {
  const [out, ...members] = process.argv.slice(2);
  if (!out || members.length < 2) throw new Error('usage: make-ensemble.ts OUT.safetensors A.safetensors B.safetensors [C …]');
  const info = await makeEnsemble(members);
  await saveModel(out, info, { half: false });
  console.log(`wrote ${out}: an ensemble of ${members.length} models (${members.join(', ')})`);
});
