/** @tensorkit/speech-to-text: the `speech` CLI's building blocks, for scripts and tests. */
export * from './alphabet.js';
export * from './corpus.js';
export * from './decode.js';
export * from './evaluate.js';
export * from './features.js';
export * from './lexicon.js';
export * from './model-file.js';
export * from './model.js';
export * from './npy.js';
export * from './recognizer.js';
export * from './synth.js';
export * from './train.js';
export * from './transcribe.js';
export { runDemo } from './demo.js';
