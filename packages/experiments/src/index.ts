/**
 * @deprecated `@mgdl/experiments` is now `@mgdl/seed-experiments`: the catalogue of the seed papers'
 * experiments, named apart from `@mgdl/experiment`, the framework that defines and runs them. This
 * package re-exports it unchanged and is removed in 0.3.0; change the import and the dependency.
 */
export * from '@mgdl/seed-experiments';
