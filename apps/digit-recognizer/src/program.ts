/**
 * The `digits` command line: argument parsing and dispatch (cli.ts runs it).
 *
 *   digits train --data DIR [--arch cnn|mlp] [--epochs N] [--batch-size N] [--lr X] [--seed N] [--out FILE] [--resume CKPT]
 *   digits eval --data PATH [--model FILE] [--json] [--report DIR]
 *   digits predict FILE… [--model FILE] [--json]
 *   digits explain FILE… [--model FILE] [--out DIR|FILE.png] [--steps N] [--json]
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_EXPLAIN_STEPS, MAX_EXPLAIN_STEPS } from './explain.js';
import { DEFAULT_MODEL_PATH, DEFAULT_TRAIN_OUT } from './model-file.js';
import { ARCHS } from './model.js';
import { TRAIN_DEFAULTS } from './train.js';

function int(name: string, min = 0, max = Infinity) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\s*-?\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Infinity ? `${name} must be an integer ≥ ${min}, got '${v}'` : `${name} must be an integer from ${min} to ${max}, got '${v}'`);
    }
    return n;
  };
}

function positiveNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got '${v}'`);
    return n;
  };
}

function nonNegativeNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0, got '${v}'`);
    return n;
  };
}

const SHIPPED = 'the shipped model, apps/digit-recognizer/models/digits.safetensors';

export function buildProgram(): Command {
  const program = new Command('digits')
    .description('Handwritten digit recognition: train a CNN on MNIST-format data, evaluate it, and recognise digits in any PNG/JPEG.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('train')
    .description('train a model on MNIST IDX files (train side) or on digit subfolders 0…9 of images')
    // Required, except on --resume: the checkpoint records its data folder.
    .option('--data <dir>', "folder with train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz], or with subfolders 0…9 of images (on --resume: default the checkpoint's)")
    .addOption(new Option('--arch <arch>', 'model architecture').choices(ARCHS as string[]).default(TRAIN_DEFAULTS.arch))
    .option('--epochs <n>', 'epochs (the one-cycle schedule spans them)', int('--epochs', 1), TRAIN_DEFAULTS.epochs)
    .option('--batch-size <n>', 'images per optimizer step', int('--batch-size', 1), TRAIN_DEFAULTS.batchSize)
    .option('--lr <x>', 'peak learning rate of the one-cycle schedule (AdamW)', positiveNumber('--lr'), TRAIN_DEFAULTS.lr)
    .option('--seed <n>', 'seed for initialisation, shuffling, dropout and augmentation', int('--seed', 0), TRAIN_DEFAULTS.seed)
    // Not the shipped model: a quick experiment must not replace what predict and eval use.
    .option('--out <file>', "where the best model is written (atomically); name the shipped model to replace it (on --resume: default the run's own file)", DEFAULT_TRAIN_OUT)
    .option('--resume <ckpt>', 'continue a run from its checkpoint, writing to its model file and run folder (options come from the checkpoint: giving another value is an error; --epochs may extend it)')
    .option('--run-dir <dir>', "run folder for metrics.jsonl, curve.png and the checkpoint (default: <out dir>/runs/<out name>; on --resume: the checkpoint's folder)")
    .option('--checkpoint <file>', 'checkpoint path (default: <run dir>/checkpoint.safetensors)')
    .option('--checkpoint-every <n>', 'also checkpoint every N batches (0: only at epoch ends)', int('--checkpoint-every', 0), TRAIN_DEFAULTS.checkpointEvery)
    .option('--val-size <n>', 'validation images carved from the training data', int('--val-size', 1), TRAIN_DEFAULTS.valSize)
    .option('--val-seed <n>', 'seed of the validation split', int('--val-seed', 0), TRAIN_DEFAULTS.valSeed)
    .option('--patience <n>', 'stop after N epochs without a better validation accuracy', int('--patience', 1), TRAIN_DEFAULTS.patience)
    .option('--weight-decay <x>', 'AdamW weight decay on conv/linear weights', nonNegativeNumber('--weight-decay'), TRAIN_DEFAULTS.weightDecay)
    .option('--no-augment', 'turn off random affine augmentation')
    .addOption(new Option('--store-as <dtype>', 'weight storage: auto = F16 if validation accuracy holds').choices(['auto', 'F16', 'F32']).default('auto'))
    .option('--limit <n>', 'use only the first N training images (quick experiments)', int('--limit', 1))
    .option('--quiet', 'no progress bar')
    .action(async (o, cmd: Command) => {
      if (!o.resume && o.data === undefined) cmd.error("error: required option '--data <dir>' not specified");
      // A flag left at its default is passed as not given: a resumed run then takes its checkpoint's value
      // (and refuses a typed one that contradicts it), a new run the default.
      const given = <T>(key: string): T | undefined => (cmd.getOptionValueSource(key) === 'default' ? undefined : (o[key] as T));
      const { train } = await import('./train.js');
      await train({
        data: o.data, arch: given('arch'), epochs: given('epochs'), batchSize: given('batchSize'), lr: given('lr'), seed: given('seed'),
        out: given('out'), resume: o.resume, runDir: o.runDir, checkpoint: o.checkpoint, checkpointEvery: o.checkpointEvery,
        valSize: given('valSize'), valSeed: given('valSeed'), patience: o.patience, weightDecay: given('weightDecay'), augment: given('augment'),
        storeAs: o.storeAs, limit: o.limit, quiet: o.quiet, command: ['digits', ...process.argv.slice(2)].join(' '),
      });
    });

  program
    .command('eval')
    .description('evaluate a model: accuracy, per-class precision/recall/F1 and the confusion matrix')
    .requiredOption('--data <path>', 'folder with MNIST IDX files (evaluates t10k-*) or with subfolders 0…9 of images')
    .addOption(new Option('--model <file>', 'model file').default(DEFAULT_MODEL_PATH, SHIPPED))
    .option('--json', 'print the results as one JSON object on the last line of stdout')
    .option('--report <dir>', 'also write an HTML report (metrics, confusion heatmap, worst errors) into DIR')
    .option('--batch-size <n>', 'images per forward pass', int('--batch-size', 1), 256)
    .action(async (o) => {
      const { evaluate } = await import('./eval.js');
      await evaluate({ data: o.data, model: o.model, json: !!o.json, report: o.report, batchSize: o.batchSize });
    });

  program
    .command('predict')
    .description('recognise the digit in each image (PNG/JPEG/…, any size, dark ink on light paper or light on dark)')
    .argument('<files...>', 'image files')
    .addOption(new Option('--model <file>', 'model file').default(DEFAULT_MODEL_PATH, SHIPPED))
    .option('--json', 'print the results as one JSON object on the last line of stdout')
    .action(async (files: string[], o) => {
      const { predict } = await import('./predict.js');
      await predict({ files, model: o.model, json: !!o.json });
    });

  program
    .command('explain')
    .description('saliency per image: integrated gradients from a black baseline overlaid on the digit, with the top-3 classes')
    .argument('<files...>', 'image files')
    .addOption(new Option('--model <file>', 'model file').default(DEFAULT_MODEL_PATH, SHIPPED))
    .option('--out <dir|file.png>', 'folder for the <name>.explain.png images (for a single image, a .png file name also works)', 'explanations')
    .option('--steps <n>', `integration steps to start from, 1-${MAX_EXPLAIN_STEPS} (doubled up to ${MAX_EXPLAIN_STEPS} until the attributions add up to the logit change within 1%)`, int('--steps', 1, MAX_EXPLAIN_STEPS), DEFAULT_EXPLAIN_STEPS)
    .option('--json', 'print the results as one JSON object on the last line of stdout')
    .action(async (files: string[], o) => {
      const { explain } = await import('./explain.js');
      await explain({ files, model: o.model, out: o.out, steps: o.steps, json: !!o.json });
    });

  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  await buildProgram().parseAsync(argv);
}
