import { packageBuild } from '../../tsup.shared.ts';

// Two entries: the core (no tfjs, no Node built-ins) and '/node' (the file readers).
export default packageBuild({ entry: ['src/index.ts', 'src/node.ts'] });
