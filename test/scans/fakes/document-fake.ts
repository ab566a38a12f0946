// The fake lives with the benchmarks, which serve it scaled up (bench/fakes/scaled-estate.ts).
export * from '../../../bench/fakes/document-fake.js';
