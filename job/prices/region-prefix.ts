/**
 * AWS Region → usage-type prefix, as AWS prefixes usage types (`USE1-…`, `USW2-…`). eu-west-1 is
 * published both as `EU` (older services) and `EUW1`. Regions Amazon Chime voice runs in, plus
 * their neighbours.
 */
const PREFIXES: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['USE1'],
  'us-east-2': ['USE2'],
  'us-west-1': ['USW1'],
  'us-west-2': ['USW2'],
  'ca-central-1': ['CAN1'],
  'eu-central-1': ['EUC1'],
  'eu-west-1': ['EU', 'EUW1'],
  'eu-west-2': ['EUW2'],
  'eu-west-3': ['EUW3'],
  'ap-northeast-1': ['APN1'],
  'ap-northeast-2': ['APN2'],
  'ap-southeast-1': ['APS1'],
  'ap-southeast-2': ['APS2'],
  'ap-south-1': ['APS3'],
  'sa-east-1': ['SAE1'],
};

const KNOWN_PREFIXES = new Set(Object.values(PREFIXES).flat());

/** Usage-type prefixes of a Region (`us-east-1` → `["USE1"]`); empty when unknown. */
export function regionPrefixes(region: string): readonly string[] {
  return PREFIXES[region.trim().toLowerCase()] ?? [];
}

/** Whether a usage-type token is a Region prefix (`USE1`, `EU`, or any three letters and a digit). */
export function isRegionPrefix(token: string): boolean {
  return KNOWN_PREFIXES.has(token) || /^[A-Z]{3}\d$/.test(token);
}
