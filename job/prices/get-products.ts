import type { ServiceCode } from '../core/schema';
import { PriceSourceError } from './errors';
import { parseJsonDocuments } from './json-text';
import { isObject, objectField, stringField } from './json-value';
import { type ProductOffer, productOffer, productsToPrices } from './product-prices';
import type { SnapshotPrice } from './snapshot-format';

/** Prices read from Price List Query API `GetProducts` output. */
export interface GetProductsPrices {
  /** The price list version the items carry (the latest, if they differ). */
  readonly versionId?: string;
  /** Their publication date (the latest, if they differ). */
  readonly publicationDate?: string;
  readonly prices: SnapshotPrice[];
  /** True when the last page still had a `NextToken`: the saved listing may be cut short. */
  readonly incomplete?: boolean;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b > a ? b : a;
}

function parseJsonItem(text: string, index: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PriceSourceError(`PriceList[${index}] is not a JSON document`);
  }
}

/**
 * A PriceList item: a JSON string (API/CLI), a boxed string (the SDK's `LazyJsonString`), or an
 * already parsed object.
 */
function parseItem(item: unknown, index: number): unknown {
  if (typeof item === 'string' || item instanceof String) return parseJsonItem(String(item), index);
  if (isObject(item) && !('product' in item)) {
    const text = String(item);
    if (text.trimStart().startsWith('{')) return parseJsonItem(text, index);
  }
  return item;
}

/**
 * Converts `PriceList` items (each a JSON document string, as the API returns them, or an already
 * parsed object) into prices. Every item must belong to `service`. The price of a usage type is
 * chosen as described for `productsToPrices`.
 */
export function getProductsToPrices(
  priceList: readonly (string | object)[],
  service: ServiceCode,
): { versionId?: string; publicationDate?: string; prices: SnapshotPrice[] } {
  const offers: ProductOffer[] = [];
  let versionId: string | undefined;
  let publicationDate: string | undefined;
  priceList.forEach((raw, index) => {
    const item = parseItem(raw, index);
    if (!isObject(item)) throw new PriceSourceError(`PriceList[${index}] is not an object`);
    const product = objectField(item, 'product');
    if (!product) throw new PriceSourceError(`PriceList[${index}] has no "product"`);
    const offer = productOffer(product, `item${index}`, objectField(objectField(item, 'terms') ?? {}, 'OnDemand'));
    const itemService = stringField(item, 'serviceCode') ?? offer.attributes.servicecode;
    if (itemService !== undefined && itemService !== service) {
      throw new PriceSourceError(`PriceList[${index}] is a ${itemService} price, expected ${service}`);
    }
    versionId = later(versionId, stringField(item, 'version'));
    publicationDate = later(publicationDate, stringField(item, 'publicationDate'));
    offers.push(offer);
  });
  return {
    ...(versionId === undefined ? {} : { versionId }),
    ...(publicationDate === undefined ? {} : { publicationDate }),
    prices: productsToPrices(offers),
  };
}

/** Whether a parsed JSON document looks like one GetProducts response page. */
export function isGetProductsPage(doc: unknown): boolean {
  return isObject(doc) && Array.isArray(doc.PriceList);
}

/**
 * Converts parsed GetProducts response pages (`{"FormatVersion":"aws_v1","PriceList":[…],"NextToken"?}`)
 * into prices. Pages may also come as one JSON array of pages.
 */
export function getProductsPagesToPrices(pages: readonly unknown[], service: ServiceCode): GetProductsPrices {
  const flat = pages.length === 1 && Array.isArray(pages[0]) ? (pages[0] as unknown[]) : pages;
  if (flat.length === 0) throw new PriceSourceError('no GetProducts response page');
  const items: (string | object)[] = [];
  let incomplete = false;
  flat.forEach((page, index) => {
    if (!isGetProductsPage(page) || !isObject(page)) {
      throw new PriceSourceError(`page ${index + 1} is not a GetProducts response (no "PriceList" array)`);
    }
    const format = stringField(page, 'FormatVersion');
    if (format !== undefined && format !== 'aws_v1') {
      throw new PriceSourceError(`unsupported GetProducts FormatVersion ${JSON.stringify(format)} (expected aws_v1)`);
    }
    for (const item of page.PriceList as unknown[]) {
      if (typeof item !== 'string' && !isObject(item)) {
        throw new PriceSourceError(`page ${index + 1} has a PriceList item that is neither a string nor an object`);
      }
      items.push(item);
    }
    incomplete = typeof page.NextToken === 'string' && page.NextToken !== '';
  });
  const result = getProductsToPrices(items, service);
  return incomplete ? { ...result, incomplete: true } : result;
}

/** Parses the text of a saved `aws pricing get-products` response (one or several concatenated pages). */
export function parseGetProductsText(text: string, service: ServiceCode): GetProductsPrices {
  return getProductsPagesToPrices(parseJsonDocuments(text), service);
}
