import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  exports?: Record<string, unknown>;
  devDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

export interface Publishable {
  name: string;
  version: string;
  /** Relative to the workspace root, e.g. packages/kernel. */
  dir: string;
}

/** Every workspace package that is not private: what a release publishes. */
export function publishablePackages(): Publishable[] {
  const found: Publishable[] = [];
  for (const group of ['packages', 'apps', 'tools']) {
    for (const name of readdirSync(join(workspaceRoot, group)).sort()) {
      const dir = join(group, name);
      if (!existsSync(join(workspaceRoot, dir, 'package.json'))) continue;
      const manifest = readManifest(join(workspaceRoot, dir));
      if (!manifest.private) found.push({ name: manifest.name, version: manifest.version, dir });
    }
  }
  return found;
}

/** The subpaths a package exports for code (`.`, `./node`, …), without `./package.json`. */
export const entryPoints = (manifest: Manifest): string[] => Object.keys(manifest.exports ?? {}).filter((key) => !key.endsWith('.json'));

/** The version the workspace root pins for a dev tool (so the scratch install comes from npm's cache). */
export const rootDevVersion = (name: string): string => {
  const version = readManifest(workspaceRoot).devDependencies?.[name];
  if (!version) throw new Error(`the workspace root has no devDependency ${name}`);
  return version;
};

/**
 * The code blocks of a README marked as runnable from an install: a line `<!-- install-check: NAME -->`
 * right before a fenced block. Returns NAME → code.
 */
export function readmeExamples(markdown: string): Map<string, { lang: string; code: string }> {
  const examples = new Map<string, { lang: string; code: string }>();
  const pattern = /<!-- install-check: ([\w.-]+) -->\s*\n```(\w+)\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(pattern)) examples.set(match[1]!, { lang: match[2]!, code: `${match[3]!}\n` });
  return examples;
}
