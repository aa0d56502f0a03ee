/**
 * The `news` command line: argument parsing and dispatch (cli.ts runs it).
 * Every command function is exported separately so tests call them in-process.
 */
import { Command, InvalidArgumentError } from 'commander';
import { printJsonLine, UserError } from '@tensorkit/train';
import { MODEL_TYPES, type ModelType } from './model.js';
import { recipeFor, trainCommand } from './train.js';
import { DEFAULT_VECTOR_WORDS } from './word-vectors.js';
import { evalCommand } from './eval.js';
import { predictCommand, shellQuote } from './predict.js';
import { explainCommand } from './explain.js';
import { MAX_INPUT_BYTES, mib } from './input.js';
import { SHIPPED_MODELS } from './paths.js';

function int(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got '${v}'`);
    return n;
  };
}

function num(name: string, min: number, max = Infinity) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}], got '${v}'`);
    return n;
  };
}

export function buildProgram(): Command {
  // Defaults that depend on the model type, read off the recipe so the help cannot drift from it.
  // (lr, batch size, dim, word n-grams and label smoothing do not depend on the layout.)
  const ft = recipeFor('folder', 2, { data: '', modelType: 'fasttext', seed: 0 });
  const lin = recipeFor('folder', 2, { data: '', modelType: 'linear', seed: 0 });
  const byType = (f: number, l: number) => (f === l ? `default: ${f}` : `default: fasttext ${f}, linear ${l}`);
  const program = new Command('news')
    .description('News topic classification: train, evaluate, predict and explain (AG News, 20 Newsgroups, folders of .txt files)')
    .showHelpAfterError()
    .exitOverride((err) => {
      throw err;
    })
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('train')
    .description('train a classifier on the train side of a dataset folder (validation is carved from it)')
    .requiredOption('--data <dir>', 'dataset folder (AG News CSVs, 20news-bydate archives/folders, or class subfolders of .txt files)')
    .option('--model-type <type>', `model: ${MODEL_TYPES.join(' | ')} (fasttext: hashed word n-gram EmbeddingBag → linear; linear: TF-IDF word+char n-grams → linear layer, blended with naive Bayes)`, (v: string) => {
      if (!MODEL_TYPES.includes(v as ModelType)) throw new InvalidArgumentError(`--model-type must be one of ${MODEL_TYPES.join(', ')}, got '${v}'`);
      return v as ModelType;
    }, 'fasttext' as ModelType)
    .option('--epochs <n>', 'training epochs (default: fasttext 10, linear 6 on AG/BBC, 4 on 20NG)', int('--epochs', 1))
    .option('--seed <n>', 'seed for the validation split, initialisation and shuffling', int('--seed', 0), 0)
    .option('--out <file>', 'model file to write (default: ag_news.safetensors / 20news.safetensors / model.safetensors)')
    .option('--lr <x>', `peak Adam learning rate (decays linearly to 0; ${byType(ft.lr, lin.lr)})`, num('--lr', 1e-6, 10))
    .option('--batch-size <n>', `documents per step (${byType(ft.batchSize, lin.batchSize)})`, int('--batch-size', 1))
    .option('--dim <n>', `embedding size (fasttext; default: ${ft.dim})`, int('--dim', 1))
    .option('--buckets <n>', 'hash buckets (default: as many as fit a 16 MiB model file)', int('--buckets', 1))
    .option('--word-ngrams <n>', `largest word n-gram (${byType(ft.features.wordNgrams, lin.features.wordNgrams)})`, int('--word-ngrams', 1))
    .option('--word-weight <x>', 'linear model: L2 norm of the word n-gram block of the tf-idf vector, the character block gets the rest (default: AG/BBC 0.75, otherwise one norm over both)', num('--word-weight', 1e-6, 1))
    .option('--char-ngrams <range>', "character n-gram lengths MIN-MAX or 'none' (default: linear 2-5, fasttext none)")
    .option('--label-smoothing <x>', `label smoothing ε (${byType(ft.labelSmoothing, lin.labelSmoothing)})`, num('--label-smoothing', 0, 1))
    .option('--weight-decay <x>', 'L2 weight decay (default: linear on AG 3e-4, class folders 1e-4, otherwise 0)', num('--weight-decay', 0))
    .option('--val-fraction <x>', 'share of each class held out for validation (default 0.1; 20NG 0.15, newest articles)', num('--val-fraction', 0, 0.9))
    .option('--nb-blend <x>', "linear model: naive-Bayes blend weight, or 'auto' (chosen on validation; default: AG 0.5, class folders 0, 20NG auto)")
    .option('--nb-alpha <x>', 'linear model: naive-Bayes smoothing α', num('--nb-alpha', 1e-6), 0.3)
    .option('--nb-prior <x>', 'linear model: strength of the naive-Bayes prior the weights are regularised towards, 0 = none (default: AG/BBC 1, 20NG 0)', num('--nb-prior', 0))
    .option('--refit', 'after choosing epochs/blend on validation, retrain on train + validation')
    .option('--word-vectors <file>', 'linear model: pretrained word vectors (GloVe text `word v1 … vD` per line, or wink-embeddings JSON); a logistic regression on the mean vector is added to the trained n-gram model, folded into the model file as per-word logits')
    .option('--vector-words <n>', `with --word-vectors: how many of the file's (commonest, first) words to keep (default: ${DEFAULT_VECTOR_WORDS})`, int('--vector-words', 1))
    .option('--vector-scale <x>', 'with --word-vectors: factor on the word-vector model\'s logits (default 1)', num('--vector-scale', 0))
    .option('--vector-l2 <x>', 'with --word-vectors: L2 penalty of the word-vector logistic regression (default 0.01)', num('--vector-l2', 0))
    .option('--run-dir <dir>', 'run folder for metrics.jsonl and curve.png (default: <out dir>/runs/<out name>)')
    .option('--limit <n>', 'use only the first N training documents (quick experiments)', int('--limit', 1))
    .option('--quiet', 'no progress bars')
    .action(async (o) => {
      const nbBlend = o.nbBlend === undefined || o.nbBlend === 'auto' ? o.nbBlend : Number(o.nbBlend);
      if (nbBlend !== undefined && nbBlend !== 'auto' && !(nbBlend >= 0)) throw new UserError(`--nb-blend must be 'auto' or a number ≥ 0, got '${o.nbBlend}'`);
      await trainCommand({ ...o, nbBlend });
    });

  program
    .command('eval')
    .description('evaluate a model on the test side of a dataset (AG test.csv, 20news-bydate-test, or every file of a class folder)')
    .requiredOption('--data <path>', 'dataset folder (its test side), or one file: an AG News-style .csv, 20news-bydate-test.tar.gz or the combined 20news-bydate.tar.gz')
    .option('--model <file>', `model file, or a shipped model's name: ${SHIPPED_MODELS.join(' / ')} (default: the shipped model for the layout)`)
    .option('--json', 'print the results as one JSON object on the last line of stdout')
    .option('--report <dir>', 'also write an HTML report into this folder (index.html, confusion.png: metrics, per-class table, confusion heatmap, misclassified texts)')
    .option('--quiet', 'no progress bar')
    .action(async (o) => {
      const r = await evalCommand({ data: o.data, model: o.model, report: o.report, json: !!o.json, quiet: !!o.quiet });
      if (o.json) printJsonLine(r.json);
    });

  program
    .command('predict')
    .description('classify texts given as arguments or read from --file (one text per line); default model: AG News')
    .argument('[texts...]', 'texts to classify')
    .option('--file <file>', `read texts from a file, one per line (up to ${mib(MAX_INPUT_BYTES)})`)
    .option('--model <file>', `model file, or a shipped model's name: ${SHIPPED_MODELS.join(' / ')} (default: ag_news)`)
    .option('--top <n>', 'probabilities shown per text', int('--top', 1), 3)
    .option('--explain', 'also list the n-grams that pushed the decision')
    .option('--json', 'print the results as one JSON object on the last line of stdout')
    .action(async (texts: string[], o) => {
      const r = await predictCommand({ texts, file: o.file, model: o.model, top: o.top, explain: !!o.explain, json: !!o.json });
      if (o.json) printJsonLine(r.json);
    });

  program
    .command('explain')
    .description('contribution of each word / n-gram to the predicted class (exact: both models are linear in the bag)')
    .argument('[text]', 'text to explain, quoted as one argument (or --file)')
    // Unquoted words arrive as several arguments: refused below with a hint, not commander's "too many arguments".
    .allowExcessArguments()
    .option('--file <file>', `explain the text of a file, as one document (up to ${mib(MAX_INPUT_BYTES)})`)
    .option('--model <file>', `model file, or a shipped model's name: ${SHIPPED_MODELS.join(' / ')} (default: ag_news)`)
    .option('--html <file>', 'also write the text coloured by contribution as an HTML page')
    .option('--top <n>', 'terms listed', int('--top', 1), 12)
    .option('--method <m>', "'exact' (linear models: contributions read off the weights) or 'ig' (integrated gradients on the bag weights)", (v: string) => {
      if (v !== 'exact' && v !== 'ig') throw new InvalidArgumentError(`--method must be exact or ig, got '${v}'`);
      return v;
    }, 'exact')
    .option('--steps <n>', 'integrated-gradients steps', int('--steps', 1), 32)
    .option('--json', 'print the results as one JSON object on the last line of stdout')
    .action(async (text: string | undefined, o, cmd: Command) => {
      if (cmd.args.length > 1) throw new UserError(`explain takes one text; quote it: news explain ${shellQuote(cmd.args.join(' '))}`);
      const r = await explainCommand({ text, file: o.file, model: o.model, html: o.html, top: o.top, json: !!o.json, method: o.method, steps: o.steps });
      if (o.json) printJsonLine(r.json);
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  if (argv.length === 0) {
    // As digits and speech do (commander's default): usage on stderr, and a failing exit code for
    // a script that forgot its command.
    program.outputHelp({ error: true });
    process.exitCode = 1;
    return;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    // commander has already printed help / version / its own error message.
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) {
      if (err.exitCode) process.exitCode = err.exitCode;
      return;
    }
    throw e;
  }
}
