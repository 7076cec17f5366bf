import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Folder of the price fixtures. */
export const FIXTURES = path.resolve(__dirname, '../../fixtures/prices');

/** Text of a price fixture. */
export function fixtureText(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** Epoch seconds of an ISO instant. */
export function epoch(iso: string): number {
  return Date.parse(iso) / 1000;
}
