/**
 * `nn.data`: the data helpers (src/data/) together with `crossValidate`, which trains models
 * and so lives in src/model/. Part of the public API, like index.ts.
 */
export * from './data/index.js';
export { crossValidate, type CrossValidateOptions, type CrossValidationResult, type FoldResult, type FoldSummary } from './model/crossval.js';
