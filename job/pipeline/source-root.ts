import path from 'node:path';
import { InputError } from '../core/errors';
import { SERVICES, type ServiceSchema, schemaFor } from '../core/schema';
import { parseLocation } from '../store/location';

/** Thrown for a `--source` inside Chime's CDR layout that cannot be read as given (one line). */
export class SourceRootError extends InputError {
  override readonly name = 'SourceRootError';
}

/** Where to read CDRs from, once a `--source` has been understood. */
export interface SourceRoot {
  /** The folder or `s3://bucket[/prefix]` that holds `<Service>-CDRs/json/…` (the store root). */
  readonly location: string;
  /** Set when `--source` pointed at the CDR prefix itself and was re-rooted: what was given. */
  readonly reRootedFrom?: string;
}

/**
 * Understands a `--source` that points into Amazon Chime's CDR layout instead of at the bucket (or
 * folder) holding it:
 * - `…/Amazon-Chime-Voice-Connector-CDRs` or `…-CDRs/json` is re-rooted to the folder above (the
 *   same CDRs, read in the documented layout);
 * - a connector (account) folder or anything deeper is refused: a run covers every connector of the
 *   period (its report and Parquet day partitions hold them all), so a run over one connector would
 *   replace the others' rows;
 * - the other service's CDR folder is refused with the `--service` to use.
 * Any other location is returned unchanged. The check is on the text alone (no I/O).
 */
export function resolveSourceRoot(text: string, schema: ServiceSchema): SourceRoot {
  let location: ReturnType<typeof parseLocation>;
  try {
    location = parseLocation(text);
  } catch {
    return { location: text }; // Opening the store reports a bad location.
  }
  const segments = (location.kind === 's3' ? location.prefix : path.resolve(location.path))
    .split(/[/\\]/)
    .filter((s) => s !== '');
  const tops = SERVICES.map((service) => ({ service, top: schemaFor(service).cdrPrefix.split('/')[0] as string }));
  const topNames = new Set(tops.map((t) => t.top));
  const index = segments.findIndex((segment) => topNames.has(segment));
  if (index < 0) return { location: text };
  const found = tops.find((t) => t.top === segments[index]) as (typeof tops)[number];
  const rootSegments = segments.slice(0, index);
  const root =
    location.kind === 's3'
      ? `s3://${location.bucket}${rootSegments.length > 0 ? `/${rootSegments.join('/')}` : ''}`
      : path.resolve(path.parse(path.resolve(location.path)).root, ...rootSegments);
  if (found.service !== schema.service) {
    throw new SourceRootError(
      `--source points into ${found.top}/, the CDRs of ${found.service}: use --service ${found.service} --source ${root}`,
    );
  }
  const rest = segments.slice(index + 1);
  if (rest.length === 0 || (rest.length === 1 && rest[0] === 'json')) return { location: root, reRootedFrom: text };
  throw new SourceRootError(
    `--source points inside ${schema.cdrPrefix} (${rest.join('/')}/); give the folder or bucket that holds ${found.top}/: --source ${root} (a run always covers every connector of its period)`,
  );
}
