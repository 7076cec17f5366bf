import { parseInstant } from './instant';

/**
 * Publication instant (epoch seconds) of a price list: its `publicationDate`, else its
 * `YYYYMMDDhhmmss` version id read as UTC. Undefined when neither says.
 */
export function publicationOf(publicationDate: string | undefined, versionId: string | undefined): number | undefined {
  const published = publicationDate === undefined ? undefined : parseInstant(publicationDate);
  if (published !== undefined) return published;
  const id = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(versionId ?? '');
  return id ? parseInstant(`${id[1]}-${id[2]}-${id[3]}T${id[4]}:${id[5]}:${id[6]}Z`) : undefined;
}
