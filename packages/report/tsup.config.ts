// import.meta.url (the rasteriser's wasm and fonts) works from require() too: the CJS entry re-exports the ES build.
export { default } from '../../tsup.shared.ts';
