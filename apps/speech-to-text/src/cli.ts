#!/usr/bin/env node
/** `speech` — connected-digit (and any small-vocabulary) speech recognition with CTC. */
import { main } from './program.js';

await main();
