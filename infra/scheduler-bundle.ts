/**
 * Finds the scheduler Lambda bundle (`dist/scheduler/index.js`, built by `npm run build`).
 *
 * When it has not been built, synthesis must still work offline with no preparation, so a
 * placeholder handler that throws is written under the synth output folder instead. Deploying the
 * placeholder is prevented by a precondition on the Lambda (see SummaryScheduler): `cdktf deploy` /
 * `terraform plan` stops with a message telling the user to run `npm run build`, while `synth`
 * and the tests only print a warning.
 */

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Where the Lambda code comes from. */
export interface SchedulerBundle {
  /** Folder archived into the Lambda package (holds `index.js`). */
  readonly dir: string;
  /** True when the real bundle was missing and the placeholder is used. */
  readonly placeholder: boolean;
}

/** Message of the placeholder handler and of the deploy-time precondition. */
export const MISSING_BUNDLE_MESSAGE =
  'the scheduler Lambda bundle (dist/scheduler/index.js) was not built: run `npm run build`, then synthesize and deploy again';

const PLACEHOLDER_SOURCE = `'use strict';
// Placeholder written by the CDKTF app because dist/scheduler/index.js did not exist at synth time.
exports.handler = async () => {
  throw new Error(${JSON.stringify(MISSING_BUNDLE_MESSAGE)});
};
`;

/** The built bundle in `bundleDir`, or a placeholder written to `<outdir>/.scheduler-placeholder/`. */
export function resolveSchedulerBundle(bundleDir: string, outdir: string): SchedulerBundle {
  if (existsSync(path.join(bundleDir, 'index.js'))) return { dir: bundleDir, placeholder: false };
  const dir = path.join(outdir, '.scheduler-placeholder');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.js'), PLACEHOLDER_SOURCE);
  return { dir, placeholder: true };
}
