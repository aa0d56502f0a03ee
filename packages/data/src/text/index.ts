export { normalizeText, type NormalizeOptions } from './normalize.js';
export { tokenize, type TokenizeOptions } from './tokenize.js';
export { cleanNewsgroupPost, type NewsgroupCleanOptions } from './newsgroup.js';
export { fnv1a32, fnvByte, FNV1A32_OFFSET } from './hash.js';
export { Vocabulary, type VocabularyOptions, type VocabularyJSON } from './vocabulary.js';
export { HashingNgramEncoder, type HashingNgramEncoderOptions, type HashingNgramEncoderJSON } from './ngram-encoder.js';
export { TfidfWeighter, type TfidfOptions, type TfidfJSON } from './tfidf.js';
export { encodeBagBatch, type BagBatch } from './bag-batch.js';
