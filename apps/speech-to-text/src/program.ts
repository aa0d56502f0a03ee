/** The `speech` command tree (commander); cli.ts runs it. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { checkWritableFolder, printJsonLine, runCli, UserError } from '@tensorkit/train';
import { evaluate, formatEval } from './evaluate.js';
import { explain } from './explain.js';
import { cancelledMixNote, quietNote, TRAINABLE_NORMS, type InputNorm } from './features.js';
import { DEFAULT_MODEL_PATH } from './paths.js';
import { FRONT_ENDS } from './model.js';
import { DEFAULT_BEAM, MAX_BEAM } from './recognizer.js';
import { outsideWordListNote } from './decode.js';
import { writeEvalReport } from './report.js';
import { NOISE_PROFILES } from './synth.js';
import { DEFAULT_EXTRA_WEIGHT, train, TRAIN_DEFAULTS } from './train.js';
import { formatTranscripts, transcribeFiles } from './transcribe.js';

function int(name: string, min = 0, max = Infinity) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(max === Infinity ? `${name} must be an integer ≥ ${min}` : `${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** A finite number > 0 (or >= 0 with allowZero). */
function num(name: string, opts: { allowZero?: boolean } = {}) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (n === 0 && !opts.allowZero)) throw new InvalidArgumentError(`${name} must be a ${opts.allowZero ? 'number >= 0' : 'positive number'}`);
    return n;
  };
}

/** The model and decoding flags shared by eval, transcribe and explain. */
function withDecoding(cmd: Command, model: { help: string; default?: string } = { help: 'model file', default: DEFAULT_MODEL_PATH }): Command {
  // Help shows the shipped model by its place in the repository, not this machine's absolute path.
  const modelOption = new Option('--model <file>', model.help);
  if (model.default) modelOption.default(model.default, model.default === DEFAULT_MODEL_PATH ? 'the shipped model, apps/speech-to-text/models/digits.safetensors' : model.default);
  return cmd
    .addOption(modelOption)
    .option('--beam <n>', `beam width, 1-${MAX_BEAM} (1 = greedy: each frame's best label, among those that keep spelling a listed word unless --no-lexicon)`, int('--beam', 1, MAX_BEAM), DEFAULT_BEAM)
    .option('--no-lexicon', 'do not restrict output words to the model\'s word list');
}

export function buildProgram(): Command {
  const program = new Command('speech')
    .description('Speech to text with a CTC acoustic model (log-mel → conv → BiGRU → characters).')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program.command('train')
    .description('train a model on an FSDD-style folder, a yesno folder or a NeMo manifest')
    .option('--data <path>', 'FSDD recordings folder, yesno folder, or .jsonl manifest (required, except with --resume: then the checkpoint\'s)')
    .option('--epochs <n>', 'epochs (FSDD default 36 × 1600 utterances, others 60; with --resume, the checkpoint\'s)', int('--epochs', 1))
    .option('--seed <n>', 'random seed (init, data stream, augmentation, dropout)', int('--seed'), TRAIN_DEFAULTS.seed)
    .option('--out <file>', 'model file to write (default, in the current folder: digits.safetensors for FSDD, yesno.safetensors for yesno, speech.safetensors for a manifest; name a shipped model to replace it)')
    .option('--resume <ckpt>', 'continue from a training checkpoint (run folder/checkpoint.safetensors) with its own options, --out and run folder (flags left off are taken from it; contradicting ones are refused, except --epochs, which may change its length)')
    .option('--run-dir <dir>', 'run folder for metrics.jsonl, training curve and checkpoint (default <out dir>/runs/<out name>; with --resume, the checkpoint\'s folder)')
    .option('--val-speaker <name>', 'FSDD: leave this speaker out of training and report its WER (unseen speaker)')
    .option('--input-norm <kind>', 'log-mel normalisation: loudness (speech level subtracted), speech-mean (each band\'s mean over speech frames subtracted) or speech-envelope (only the smooth part of those means: level and spectral tilt); default speech-envelope for FSDD folders, loudness otherwise, or the resumed checkpoint\'s', (v: string) => {
      if (!TRAINABLE_NORMS.includes(v as InputNorm)) throw new InvalidArgumentError(`expected one of ${TRAINABLE_NORMS.join(', ')}`);
      return v;
    })
    .option('--extra-data <dirs>', 'FSDD-style folder(s) whose speakers are only trained on, never validated on (e.g. scripts/synth-voices.ts output); repeatable or comma-separated', (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter(Boolean)])
    .option('--extra-weight <x>', `fraction of training utterances drawn from --extra-data (0 < x < 1, default ${DEFAULT_EXTRA_WEIGHT})`, (v: string) => {
      const x = Number(v);
      if (!(x > 0 && x < 1)) throw new InvalidArgumentError('expected a number between 0 and 1 (exclusive)');
      return x;
    })
    .option('--hold-out <range>', 'FSDD: recording indices held back for validation', TRAIN_DEFAULTS.holdOut)
    .option('--val-utterances <n>', 'FSDD: connected utterances per validation set', int('--val-utterances', 1), TRAIN_DEFAULTS.valUtterances)
    .option('--val-recordings <n>', 'yesno/manifest: recordings held back for validation (default yesno 3, manifest 200; at most a fifth)', int('--val-recordings', 1))
    .option('--batch-size <n>', 'utterances per step', int('--batch-size', 1), TRAIN_DEFAULTS.batchSize)
    .option('--lr <x>', 'peak learning rate (Adam, warmup + cosine)', num('--lr'), TRAIN_DEFAULTS.lr)
    .option('--epoch-size <n>', 'utterances per epoch (default: FSDD 1600; yesno/manifest 8 passes over the training recordings, at least 256)', int('--epoch-size', 1))
    .option('--hidden <n>', 'GRU hidden size', int('--hidden', 1), TRAIN_DEFAULTS.hidden)
    .option('--layers <n>', 'BiGRU layers', int('--layers', 1), TRAIN_DEFAULTS.layers)
    .option('--front-end <kind>', 'conv2d (time × frequency, strided over frequency), conv2d-pool (the same, max-pooled over frequency instead) or conv1d (mel bands as channels)', (v: string) => {
      if (!(FRONT_ENDS as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected ${FRONT_ENDS.join(', ')}`);
      return v;
    }, TRAIN_DEFAULTS.frontEnd)
    .option('--conv-channels <n>', 'convolution channels', int('--conv-channels', 1), TRAIN_DEFAULTS.convChannels)
    .option('--conv-layers <n>', 'convolution layers', int('--conv-layers', 1), TRAIN_DEFAULTS.convLayers)
    .option('--subsample <n>', 'time subsampling of the first convolution (1-3)', int('--subsample', 1, 3), TRAIN_DEFAULTS.subsample)
    .option('--dropout <p>', 'dropout probability, 0 ≤ p < 1', (v: string) => {
      const p = Number(v);
      if (v.trim() === '' || !(p >= 0 && p < 1)) throw new InvalidArgumentError('--dropout must be a number with 0 ≤ p < 1');
      return p;
    }, TRAIN_DEFAULTS.dropout)
    .option('--align-slack <s>', 'constrained CTC: each word of a training utterance with known word positions (FSDD joins, yesno pieces) must be emitted within its sound ± this many seconds; 0 = plain CTC (default 0.04 for yesno folders, 0 otherwise)', num('--align-slack', { allowZero: true }))
    .option('--align-epochs <n>', 'with --align-slack: constrain only the first n epochs, then train with plain CTC (default: every epoch)', int('--align-epochs', 0))
    .option('--tight-edges <p>', 'FSDD: probability that a training utterance\'s first word starts at its first sample (and, drawn apart, its last word ends at its last), as in tightly cut utterances; otherwise 0-0.25 s of silence (default 0)', num('--tight-edges', { allowZero: true }))
    .option('--noise <profile>', 'waveform noise augmentation: default (30% of utterances, SNR 8-35 dB, white or rumble) or wide (50%, 5-35 dB, hiss too); default: default, or the resumed checkpoint\'s', (v: string) => {
      if (!(NOISE_PROFILES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${NOISE_PROFILES.join(', ')}`);
      return v;
    })
    .option('--half', 'store weights as float16', false)
    .option('--max-minutes <m>', 'stop after the epoch that would end past this wall time', num('--max-minutes'))
    .option('--quiet', 'no progress bars (the per-epoch lines still print)')
    .action(async (o, cmd: Command) => {
      if (o.data === undefined && o.resume === undefined) cmd.error("error: required option '--data <path>' not specified (with --resume, the checkpoint's data are used)");
      // A flag left at its default is passed as not given: a resumed run then takes the checkpoint's value.
      const given = <T>(key: string): T | undefined => (cmd.getOptionValueSource(key) === 'default' ? undefined : (o[key] as T));
      const r = await train({
        data: o.data, epochs: o.epochs, seed: given('seed'), out: o.out, resume: o.resume, runDir: o.runDir,
        batchSize: given('batchSize'), lr: given('lr'), epochSize: o.epochSize, hidden: given('hidden'), layers: given('layers'),
        convChannels: given('convChannels'), convLayers: given('convLayers'), frontEnd: given('frontEnd'), subsample: given('subsample'), dropout: given('dropout'), valSpeaker: o.valSpeaker,
        inputNorm: o.inputNorm, extraData: o.extraData, extraWeight: o.extraWeight, holdOut: given('holdOut'), valUtterances: given('valUtterances'), valRecordings: o.valRecordings, half: o.half, maxMinutes: o.maxMinutes, quiet: o.quiet,
        alignSlack: o.alignSlack, alignEpochs: o.alignEpochs, tightEdges: o.tightEdges, noise: o.noise,
      });
      const best = r.epochs.find((e) => e.epoch === r.best.epoch);
      const val = best ? Object.entries(best.val).map(([k, v]) => `${k}: word-list WER ${(v.lexWer * 100).toFixed(2)}%, greedy WER ${(v.wer * 100).toFixed(2)}%, CER ${(v.cer * 100).toFixed(2)}%`).join('; ') : 'n/a';
      const chosen = val ? `best epoch ${r.best.epoch} (${val})` : `epoch ${r.best.epoch} (the last: no validation set)`;
      console.log(`trained in ${(r.seconds / 60).toFixed(1)} min; ${chosen} saved to ${r.out}; run folder ${r.runDir}`);
    });

  withDecoding(program.command('eval'), { help: 'model file (default: models/yesno.safetensors for a yesno folder, models/digits.safetensors otherwise)' })
    .description('word/character error rates on a manifest, FSDD folder or yesno folder')
    .requiredOption('--data <path>', '.jsonl manifest (audio_filepath, duration, text) or a folder of FSDD/yesno clips')
    .option('--match <regex>', 'only files whose name matches (e.g. "^1_" for the yesno test side)')
    .option('--report <dir>', 'write an HTML report with the worst examples to this folder')
    .option('--json', 'print a JSON summary as the last line')
    .action(async (o) => {
      // Before scoring (which can take minutes), not after it: a --report path that cannot be a folder.
      if (o.report) checkWritableFolder(o.report, '--report', 'index.html, img/ and audio/', ['index.html', 'img/confusion.png']);
      const r = await evaluate({ data: o.data, model: o.model, beam: o.beam, useLexicon: o.lexicon, match: o.match, quiet: false });
      console.log(formatEval(r));
      if (o.report) {
        const path = await writeEvalReport(o.report, r);
        console.log(`report: ${path}`);
      }
      if (o.json) {
        printJsonLine({
          wer: r.wer, cer: r.cer, n: r.n, sentence_accuracy: r.sentenceAccuracy, word_errors: r.wordErrors, ref_words: r.refWords,
          beam: r.beam, lexicon: r.lexicon, outside_word_list: r.outsideWordList, raised_quiet: r.raisedQuiet, trained_on: r.trainedOn, model: r.model,
        });
      }
    });

  withDecoding(program.command('transcribe'))
    .description('transcribe WAV files (any rate from half the model\'s up, PCM 8/16/24/32-bit or float, mono/stereo) or log-mel .npy matrices')
    .argument('<files...>', '.wav or .npy (float32 frames × mel bins) files')
    .option('--timestamps', 'print each word\'s start and end time (from the best CTC path)')
    .option('--json', 'print the results as one JSON object on the last line')
    .action(async (files: string[], o) => {
      // Like `digits predict`: a file that cannot be read is reported on stderr and the others are
      // still transcribed (exit code 1); a single file that cannot be read is just the error.
      const { results: ts, errors } = await transcribeFiles({ files, model: o.model, beam: o.beam, useLexicon: o.lexicon, timestamps: !!o.timestamps });
      if (errors.length && files.length === 1) throw new UserError(errors[0].error);
      for (const e of errors) process.stderr.write(`error: ${e.error}\n`);
      if (errors.length) process.exitCode = 1;
      // stdout keeps the (empty) transcript for scripts; a person should not have to guess what a blank line means.
      for (const t of ts) {
        if (t.mixdownDb !== undefined) process.stderr.write(`note: ${t.file}: ${cancelledMixNote(t.mixdownDb ?? -Infinity)}\n`);
        if (t.raisedDb !== undefined) process.stderr.write(`note: ${t.file}: ${quietNote(t.raisedDb)}\n`);
        if (t.outsideWordList) process.stderr.write(`note: ${t.file}: ${outsideWordListNote(o.beam)}\n`);
        if (t.text === '') process.stderr.write(`note: ${t.file}: no words recognised (silence, or speech the model could not make out)\n`);
      }
      if (o.json) printJsonLine({ ...(files.length === 1 ? { text: ts[0].text } : {}), results: ts, errors });
      else if (ts.length) console.log(formatTranscripts(ts, { withNames: files.length > 1 }));
    });

  withDecoding(program.command('explain'))
    .description('picture of the log-mel spectrogram, the CTC posteriors and the aligned words')
    .argument('<file>', '.wav (or log-mel .npy) file')
    .option('--out <file>', 'PNG to write (default <file name>.explain.png)')
    .action(async (file: string, o) => {
      const r = await explain({ file, out: o.out, model: o.model, beam: o.beam, useLexicon: o.lexicon });
      if (r.mixdownDb !== undefined) process.stderr.write(`note: ${file}: ${cancelledMixNote(r.mixdownDb)}\n`);
      if (r.raisedDb !== undefined) process.stderr.write(`note: ${file}: ${quietNote(r.raisedDb)}\n`);
      if (r.outsideWordList) process.stderr.write(`note: ${file}: ${outsideWordListNote(o.beam)}\n`);
      console.log(`${file}: ${r.text}`);
      for (const w of r.words) console.log(`  ${w.start.toFixed(2)}–${w.end.toFixed(2)} s  ${w.word}`);
      console.log(`wrote ${r.out} (${r.width}×${r.height})`);
    });

  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  await runCli(async () => {
    await buildProgram().parseAsync(argv);
  });
}
