import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './svg.js';
import { FONT_FAMILY } from './theme.js';

// resvg-wasm sees no system fonts, and without a font it silently drops all text. The theme
// uses regular and bold only, so those two faces are all that is loaded.
const FONT_FILES = [
  '@expo-google-fonts/source-sans-3/400Regular/SourceSans3_400Regular.ttf',
  '@expo-google-fonts/source-sans-3/700Bold/SourceSans3_700Bold.ttf',
];

let ready: Promise<Uint8Array[]> | undefined;

/** Compiles the wasm module and reads the fonts once per process; initWasm rejects a second call. */
function prepare(): Promise<Uint8Array[]> {
  ready ??= (async () => {
    // Resolved lazily so that merely importing this module never touches the file system.
    const require = createRequire(import.meta.url);
    const [wasm, ...fonts] = await Promise.all(
      ['@resvg/resvg-wasm/index_bg.wasm', ...FONT_FILES].map((id) => readFile(require.resolve(id))),
    );
    await initWasm(wasm!);
    return fonts.map((font) => new Uint8Array(font));
  })();
  return ready;
}

export interface PngOptions {
  /** Device pixels per SVG pixel; 2 keeps text crisp on high-density screens and in print. */
  scale?: number;
}

/** PNG of a Vega-Lite spec, or of an SVG already rendered from one, at `scale` times its size. */
export async function renderPng(source: TopLevelSpec | string, options: PngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 2;
  if (!(scale > 0 && Number.isFinite(scale))) throw new RangeError(`scale must be a positive number, got ${scale}`);
  const [svg, fonts] = await Promise.all([typeof source === 'string' ? source : renderSvg(source), prepare()]);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      fontBuffers: fonts,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
