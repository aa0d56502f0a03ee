/** The news classifier as a library: the commands behind `news`, plus data, features, models and explanations. */
export { trainCommand, recipeFor, type TrainOptions, type TrainResult } from './train.js';
export { evalCommand, type EvalOptions, type EvalJson, type EvalResult } from './eval.js';
export { predictCommand, type PredictOptions, type Prediction, type PredictResult } from './predict.js';
export { explainCommand, explanationHtml, segmentText, type ExplainOptions, type ExplainResult } from './explain.js';
export { NewsClassifier, loadClassifier, shippedModelPath, softmax, aggregateTerms, type Explanation, type TermScore } from './classifier.js';
export { detectLayout, loadDataset, defaultModelName, checkUtf8, type Layout, type LayoutKind, type TextDataset, type TextExample } from './data.js';
export {
  textTokens, prepareText, prepareNewsgroupText, encodeTokens, describeFeatures, charGrams, countBag, documentBag, wordFeatureCount, fitIdf, tfidfValues, checkFeatureConfig,
  type FeatureConfig, type FeatureOccurrence,
} from './features.js';
export { FastTextNet, LinearBagNet, createNet, makeBatch, predictLogits, MODEL_TYPES, type ModelType, type NewsNet, type EncodedDoc } from './model.js';
export { loadModel, saveModel, APP, FORMAT_VERSION, type LoadedModel, type ModelInfo } from './model-file.js';
export { complementNbWeights, fitTemperature } from './blend.js';
export { validationSplit } from './split.js';
export { writeReport, REPORT_FILES } from './report.js';
export { runDemo, readHeadlines, SAMPLES_FILE, DEMO_MODELS } from './demo.js';
export { buildProgram, main } from './program.js';
export {
  readWordVectors, vocabularyIds, meanVector, fitVectorClassifier, foldVectorClassifier, DEFAULT_VECTOR_WORDS,
  type WordVectors, type VectorClassifier, type VectorFitOptions,
} from './word-vectors.js';
