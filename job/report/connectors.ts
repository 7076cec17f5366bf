import { type CsvRecord, CsvSyntaxError, readCsvRecords } from '../core/csv-records';
import { InputError } from '../core/errors';
import { stripBom } from '../core/text';

/** One Voice Connector (or, for Business Calling, one AWS account) with its display name and tags. */
export interface ConnectorInfo {
  readonly id: string;
  readonly name: string;
  /** Cost-allocation tags, key → value. */
  readonly tags: Readonly<Record<string, string>>;
}

/** Thrown when a connectors file cannot be used; the message is one line. */
export class ConnectorsFileError extends InputError {
  override readonly name = 'ConnectorsFileError';
}

/** Column names accepted for the id: the Voice Connector id, or the account id (Business Calling). */
const ID_COLUMNS = ['VoiceConnectorId', 'AwsAccountId'] as const;

function checkId(id: unknown, where: string): string {
  if (typeof id !== 'string' || id.trim() === '') throw new ConnectorsFileError(`${where}: the id is empty`);
  return id.trim();
}

function fromCsv(text: string): ConnectorInfo[] {
  let records: CsvRecord[];
  try {
    records = readCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new ConnectorsFileError(`not valid CSV: ${error.message}`);
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) throw new ConnectorsFileError('the connectors file is empty');
  const [idColumn, nameColumn, ...tagColumns] = header.fields.map((name) => name.trim());
  if (!(ID_COLUMNS as readonly (string | undefined)[]).includes(idColumn) || nameColumn !== 'Name') {
    throw new ConnectorsFileError(
      `header must start with VoiceConnectorId,Name (or AwsAccountId,Name), then tag columns (found ${header.fields.join(',')})`,
    );
  }
  if (tagColumns.some((tag) => tag === '')) throw new ConnectorsFileError('line 1: a tag column has no name');
  if (new Set(tagColumns).size !== tagColumns.length)
    throw new ConnectorsFileError('line 1: a tag column appears twice');
  return rows.map(({ fields, line }) => {
    const [id, name = '', ...values] = fields;
    const tags: Record<string, string> = {};
    tagColumns.forEach((tag, i) => {
      const value = values[i] ?? '';
      if (value !== '') tags[tag] = value;
    });
    return { id: checkId(id, `line ${line}`), name: name.trim(), tags };
  });
}

function stringTags(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConnectorsFileError(`${where}: Tags must be an object`);
  const tags: Record<string, string> = {};
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag !== 'string') throw new ConnectorsFileError(`${where}: tag ${JSON.stringify(key)} is not a string`);
    tags[key] = tag;
  }
  return tags;
}

function fromJson(text: string): ConnectorInfo[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ConnectorsFileError(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(doc)) throw new ConnectorsFileError('a JSON connectors file is an array of objects');
  return doc.map((item: unknown, i) => {
    const where = `item ${i + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new ConnectorsFileError(`${where} is not an object`);
    const { VoiceConnectorId, AwsAccountId, Name, Tags, ...rest } = item as Record<string, unknown>;
    if (Name !== undefined && typeof Name !== 'string') throw new ConnectorsFileError(`${where}: Name is not a string`);
    // Flat objects (the CSV's shape) carry their tags as further string fields.
    const tags = { ...stringTags(rest, where), ...stringTags(Tags, where) };
    return { id: checkId(VoiceConnectorId ?? AwsAccountId, where), name: Name ?? '', tags };
  });
}

/**
 * Parses a connectors file: CSV `VoiceConnectorId,Name,<tag columns…>` (empty cells = no such tag) or
 * the same as a JSON array (`[{"VoiceConnectorId","Name","Tags":{…}}]`, or flat objects whose further
 * fields are tags). Throws ConnectorsFileError for anything else, or for an id listed twice.
 */
export function parseConnectors(text: string): ConnectorInfo[] {
  const trimmed = stripBom(text).trimStart();
  const connectors = /^[[{]/.test(trimmed) ? fromJson(trimmed) : fromCsv(text);
  const seen = new Set<string>();
  for (const connector of connectors) {
    if (seen.has(connector.id)) throw new ConnectorsFileError(`${connector.id} is listed twice`);
    seen.add(connector.id);
  }
  return connectors;
}

/** The ConnectorName and ConnectorTags cells of one connector. */
export interface ConnectorCells {
  readonly name: string | null;
  /** A JSON object with sorted keys, or null without tags. */
  readonly tags: string | null;
}

const UNKNOWN: ConnectorCells = { name: null, tags: null };

/** Connector names and tags by id, ready for one lookup per call. */
export class ConnectorDirectory {
  private readonly cells = new Map<string, ConnectorCells>();

  constructor(connectors: readonly ConnectorInfo[]) {
    for (const c of connectors) {
      const keys = Object.keys(c.tags).sort();
      const tags = keys.length === 0 ? null : JSON.stringify(Object.fromEntries(keys.map((k) => [k, c.tags[k]])));
      this.cells.set(c.id, { name: c.name === '' ? null : c.name, tags });
    }
  }

  /** Number of connectors known. */
  get size(): number {
    return this.cells.size;
  }

  /** The name and tags of a connector (or account) id; nulls when it is not listed. */
  lookup(id: string | null | undefined): ConnectorCells {
    return (id && this.cells.get(id)) || UNKNOWN;
  }
}
