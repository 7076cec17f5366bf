import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceCode } from '../core/schema';

const PACKAGE_NAME = 'chime-cdr-summary';
let cachedRoot: string | undefined;

/**
 * The package root: the nearest folder above this file whose package.json is ours. Works from the
 * TypeScript source (`job/prices/`) and from the build (`dist/job/prices/`).
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (parsed.name === PACKAGE_NAME) {
          cachedRoot = dir;
          return dir;
        }
      } catch {
        // Not ours or unreadable: keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${__dirname}`);
    dir = parent;
  }
}

/**
 * Absolute path of the bundled price folder of a service (`<root>/data/prices/<ServiceCode>`), in
 * the bulk layout (`index.json` version index + `<version>/index.json` offer files). The prices are
 * illustrative, in the real format (see data/prices/README.md).
 */
export function bundledPricesPath(service: ServiceCode): string {
  return path.join(packageRoot(), 'data', 'prices', service);
}
