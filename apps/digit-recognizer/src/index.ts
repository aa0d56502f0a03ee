/** The digit recognizer as a library: the commands behind `digits`, plus model loading and preprocessing. */
export { train, defaultRunDir, TRAIN_DEFAULTS, type TrainOptions, type TrainResult } from './train.js';
export { evaluate, scoreSet, type EvalOptions, type EvalJson, type Evaluation } from './eval.js';
export { predict, predictFiles, classify, prepareFile, type PredictOptions, type Prediction, type PredictionError } from './predict.js';
export { explain, explainOne, integratedGradients, blackBaseline, type ExplainOptions, type Explanation, type IgResult } from './explain.js';
export { runDemo, sampleFiles, SAMPLES_DIR } from './demo.js';
export { loadModel, decodeModel, encodeModel, saveModel, DEFAULT_MODEL_PATH, APP, LABELS, type LoadedModel, type ModelMeta } from './model-file.js';
export { createModel, modelFromConfig, DEFAULT_CNN, type Arch, type CnnSpec } from './model.js';
export { loadDigitSet, detectSource, type DigitSet } from './data.js';
export { PREPROCESS, prepareImage, readDigitImage, type PreprocessConfig } from './preprocess.js';
export { BatchNormReLU } from './bn-relu.js';
export { buildProgram, main } from './program.js';
