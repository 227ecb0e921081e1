/** Clustering: unsupervised grouping of rows (no labels), on the same kernels as the layers. */
export { kmeans, type KMeansOptions, type KMeansResult, type KMeansInit } from './kmeans.js';
export type { ClusterInput } from './rows.js';
