import type { ServiceCode } from '../core/schema';
import { PriceSourceError } from './errors';
import { isObject, objectField, stringField } from './json-value';
import { type ProductOffer, productOffer, productsToPrices } from './product-prices';
import type { SnapshotPrice } from './snapshot-format';

/**
 * A disclaimer saying the prices are illustrative: what the bundled price files and the generator's
 * offer files say ("ILLUSTRATIVE PRICES …"), never AWS's own disclaimer.
 */
const ILLUSTRATIVE = /\billustrative\b/i;

/** Whether a parsed JSON document looks like a bulk offer file (one version's `index.json`). */
export function isOfferFile(doc: unknown): boolean {
  return isObject(doc) && isObject(doc.products) && isObject(doc.terms);
}

/**
 * Converts a bulk JSON offer file (`{formatVersion, offerCode, version, publicationDate, products,
 * terms: {OnDemand}}`) into the prices of its version: for each product with a `usagetype` (or
 * `usageType`) attribute, its OnDemand USD price dimension, chosen as described for
 * `productsToPrices`. Product attributes are kept; `illustrative` when the disclaimer says the
 * prices are illustrative. Throws PriceSourceError when the document is not
 * an offer file of `service`.
 */
export function offerFileToPrices(
  doc: unknown,
  service: ServiceCode,
): { versionId: string; publicationDate?: string; illustrative: boolean; prices: SnapshotPrice[] } {
  if (!isObject(doc)) throw new PriceSourceError('offer file is not a JSON object');
  const products = objectField(doc, 'products');
  const terms = objectField(doc, 'terms');
  if (!products || !terms) throw new PriceSourceError('offer file has no "products" and "terms" objects');
  const offerCode = stringField(doc, 'offerCode');
  if (offerCode !== undefined && offerCode !== service) {
    throw new PriceSourceError(`offer file is for ${offerCode}, expected ${service}`);
  }
  const versionId = stringField(doc, 'version');
  if (versionId === undefined || versionId === '') throw new PriceSourceError('offer file has no "version"');
  const onDemand = objectField(terms, 'OnDemand') ?? {};
  const offers: ProductOffer[] = [];
  for (const [sku, product] of Object.entries(products)) {
    if (!isObject(product)) throw new PriceSourceError(`offer file product ${sku} is not an object`);
    const offer = productOffer(product, sku, objectField(onDemand, stringField(product, 'sku') ?? sku));
    const productService = offer.attributes.servicecode;
    if (productService !== undefined && productService !== service) {
      throw new PriceSourceError(`offer file product ${sku} is a ${productService} product, expected ${service}`);
    }
    offers.push(offer);
  }
  const publicationDate = stringField(doc, 'publicationDate');
  return {
    versionId,
    ...(publicationDate === undefined ? {} : { publicationDate }),
    illustrative: ILLUSTRATIVE.test(stringField(doc, 'disclaimer') ?? ''),
    prices: productsToPrices(offers),
  };
}
