import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FOCUS_VERSION } from '../core/focus/columns';
import { focusMetadata } from '../core/focus/metadata';
import { focusKeys } from '../core/layout/focus-keys';
import type { Period } from '../core/period';
import type { ServiceSchema } from '../core/schema';
import { packageRoot } from '../prices/bundled';
import type { ChargeTotals } from '../report/charge-totals';
import { focusTable } from '../report/focus-rows';
import type { UsageLine } from '../report/usage-lines';
import type { ChargeManifestFields, ChargeSources } from '../sinks/charge-manifest';
import { writeFocus } from '../sinks/focus/focus-writer';
import type { ObjectStore } from '../store/object-store';

let version: string | undefined;

/** This package's version (the FOCUS DataGeneratorVersion). */
function generatorVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
  return version;
}

/**
 * Writes the period's FOCUS export (CSV + Parquet) from its usage lines and returns the manifest's
 * charge fields. Its BilledCost sums to the manifest's totalCost: both add the same exact costs.
 */
export async function writeFocusExport(
  dest: ObjectStore,
  schema: ServiceSchema,
  period: Period,
  usage: readonly UsageLine[],
  charges: { readonly totals: ChargeTotals; readonly currency: string | null; readonly sources: ChargeSources },
): Promise<ChargeManifestFields> {
  const keys = focusKeys(schema, period);
  const table = focusTable(schema, usage, charges.currency);
  await writeFocus(dest, keys, table, focusMetadata(new Date(), generatorVersion()));
  return {
    ...charges.sources,
    chargedTotal: charges.totals.total(charges.currency),
    deckNoMatch: charges.totals.deckNoMatch,
    focusVersion: FOCUS_VERSION,
    focusCsvKey: keys.csvKey,
    focusParquetKey: keys.parquetKey,
    focusMetadataKey: keys.metadataKey,
    focusRows: table.length,
  };
}
