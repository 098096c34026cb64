import { packageVersions } from '@mgdl/report';
import { fingerprintOf } from '@mgdl/sweep';

/** What a cell's result is made of: its fully resolved config and the code that ran it. */
export const cellIdentity = (config: unknown) => ({ config, mgdl: packageVersions(['@mgdl/experiment'])['@mgdl/experiment'] });

/** The fingerprint a cell's directory and checkpoints carry (the runner's and the cell's agree). */
export const cellFingerprint = (config: unknown): string => fingerprintOf(cellIdentity(config));
