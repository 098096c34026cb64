import { packageBuild } from '../../tsup.shared.ts';

// import.meta.url locates the rasteriser's wasm and fonts; the CJS build needs the shim.
export default packageBuild({ shims: true });
