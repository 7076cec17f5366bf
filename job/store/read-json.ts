import { ObjectNotFoundError, type ObjectStore } from './object-store';

/**
 * The JSON document at `key`, or undefined when there is none or it is not JSON (an earlier run's
 * output that is missing or cut short); any other failure to read is thrown. The shape is the caller's to check.
 */
export async function readJsonIfPresent(store: ObjectStore, key: string): Promise<unknown> {
  try {
    return JSON.parse((await store.read(key)).toString('utf8')) as unknown;
  } catch (error) {
    if (error instanceof ObjectNotFoundError || error instanceof SyntaxError) return undefined;
    throw error;
  }
}
