// `npm run release -- --registry URL`: builds every public @mgdl package and publishes the versions
// the changesets have set (`npx changeset version` first) to the registry named, with changesets'
// own publish (already published versions are skipped). Authenticate for that registry first
// (`npm login --registry URL`).
import { parseArgs } from 'node:util';
import { cleanEnv, run } from './run.js';
import { publishablePackages, workspaceRoot } from './workspace.js';

const USAGE = `usage: npm run release -- --registry URL [--tag TAG] [--no-build]
  Builds the public @mgdl packages and publishes them to URL with \`changeset publish\` (no git tags).`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { registry: { type: 'string' }, tag: { type: 'string' }, 'no-build': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`release: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.registry || !/^https?:\/\/[^/]+/.test(values.registry)) {
    console.error(`release: ${values.registry ? `--registry ${values.registry} is not an http(s) URL` : 'name the registry to publish to: --registry URL'} (nothing is published to a default)\n${USAGE}`);
    return 2;
  }
  const registry = values.registry.endsWith('/') ? values.registry : `${values.registry}/`;
  // Both the default and the @mgdl scope's registry: a user's npmrc may point the scope elsewhere.
  // npm run passes the user's npmrc (their token for the registry) as npm_config_userconfig.
  const userconfig = process.env['npm_config_userconfig'];
  const env = cleanEnv({ ...(userconfig ? { npm_config_userconfig: userconfig } : {}), npm_config_registry: registry, 'npm_config_@mgdl:registry': registry });
  const packages = publishablePackages();
  const stream = { cwd: workspaceRoot, env, timeoutMs: 30 * 60_000 };
  const build = values['no-build'] ? undefined : await run('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static', ...packages.flatMap((p) => ['-p', p.name])], stream);
  if (build && build.code !== 0) {
    console.error(`release: the build failed, nothing was published\n${build.stdout.slice(-4000)}${build.stderr.slice(-4000)}`);
    return 1;
  }
  const publish = await run('npx', ['changeset', 'publish', '--no-git-tag', ...(values.tag ? ['--tag', values.tag] : [])], stream);
  process.stdout.write(publish.stdout);
  process.stderr.write(publish.stderr);
  if (publish.code !== 0) console.error(`release: changeset publish exited ${publish.code}; packages it names as published are on ${registry}, the others are not`);
  return publish.code === 0 ? 0 : 1;
}

process.exitCode = await main();
