import { stripBom } from '../core/text';
import { PriceSourceError } from './errors';
import { isGetProductsPage } from './get-products';
import { parseJsonDocuments } from './json-text';
import { isObject } from './json-value';
import { isOfferFile } from './offer-file';
import { isSnapshot } from './snapshot';
import { isVersionIndex } from './version-index';

/** A price file recognized by its content. */
export type DetectedPrices =
  | { readonly kind: 'snapshot'; readonly doc: unknown }
  | { readonly kind: 'get-products'; readonly pages: readonly unknown[] }
  | { readonly kind: 'offer-file'; readonly doc: unknown }
  | { readonly kind: 'version-index'; readonly doc: unknown };

const EXPECTED =
  'expected a GetProducts response, a bulk offer file (index.json), a bulk version index with its offer files, or a price snapshot';

function classify(doc: unknown): DetectedPrices {
  if (Array.isArray(doc)) {
    if (doc.length > 0 && doc.every(isGetProductsPage)) return { kind: 'get-products', pages: doc };
    throw new PriceSourceError(`a JSON array that is not a list of GetProducts pages; ${EXPECTED}`);
  }
  if (!isObject(doc)) throw new PriceSourceError(`not a JSON object; ${EXPECTED}`);
  if (isSnapshot(doc)) return { kind: 'snapshot', doc };
  if (isGetProductsPage(doc)) return { kind: 'get-products', pages: [doc] };
  if (isOfferFile(doc)) return { kind: 'offer-file', doc };
  if (isVersionIndex(doc)) return { kind: 'version-index', doc };
  if (isObject(doc.regions)) {
    throw new PriceSourceError(
      'this is a bulk region index (region_index.json), which holds no prices; use an offer file',
    );
  }
  if (isObject(doc.offers)) {
    throw new PriceSourceError('this is the bulk service index (offers/v1.0/aws/index.json), which holds no prices');
  }
  throw new PriceSourceError(`not a recognized price list; ${EXPECTED}`);
}

/**
 * Recognizes a price file by its content, not its name:
 * - `format` starting with `chime-cdr-summary/price-snapshot@` → our snapshot;
 * - a `PriceList` array (one page, concatenated pages, or an array of pages) → GetProducts response;
 * - `products` and `terms` objects → bulk offer file;
 * - a `versions` object and no `products` → bulk version index;
 * - CSV offer files, region indexes and the service index are refused with a reason.
 * Throws PriceSourceError (one line) for anything else, including invalid JSON.
 */
export function detectPrices(text: string): DetectedPrices {
  const head = stripBom(text).trimStart().slice(0, 40);
  if (/^"?FormatVersion"?,/.test(head)) {
    throw new PriceSourceError('CSV offer files are not supported; use the JSON offer file (index.json)');
  }
  const docs = parseJsonDocuments(text);
  if (docs.length > 1) {
    if (docs.every(isGetProductsPage)) return { kind: 'get-products', pages: docs };
    throw new PriceSourceError(`several concatenated JSON documents that are not all GetProducts pages; ${EXPECTED}`);
  }
  return classify(docs[0]);
}
