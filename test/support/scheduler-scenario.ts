/**
 * Recorded AWS conversations for the scheduler tests, played by the local AwsEndpoint:
 * - price lists: version 20191220000000 in effect before 2020-01-15, 20200115000000 from then on,
 *   each listed by ListPriceLists in two pages (us-east-1, then us-west-2 after a NextToken);
 * - GetProducts: current prices in two pages;
 * - Batch: no active job, or a finished job then (next page) a running one of the same name.
 */

import path from 'node:path';
import { AWS_FIXTURES, type AwsEndpoint, fixtureJson, pricingError, type RecordedRequest } from './aws-endpoint';

/** The version boundary in the recorded price lists. */
export const SECOND_VERSION_FROM = Date.UTC(2020, 0, 15) / 1000;
export const FIRST_VERSION = '20191220000000';
export const SECOND_VERSION = '20200115000000';
/** Job id SubmitJob answers with. */
export const NEW_JOB_ID = '9a0b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
/** Job id of the recorded RUNNING job. */
export const RUNNING_JOB_ID = '5d1f3c42-2b9e-4a7a-8e0c-6a2d4f9b7c13';

function bodyOf(request: RecordedRequest): Record<string, unknown> {
  return (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
}

/** EffectiveDate of a ListPriceLists request, in epoch seconds (JSON 1.1 sends a number). */
export function effectiveDateOf(request: RecordedRequest): number {
  const value = bodyOf(request).EffectiveDate;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Date.parse(value) / 1000;
  throw new Error(`ListPriceLists without EffectiveDate: ${JSON.stringify(request.body)}`);
}

/** ISO dates (YYYY-MM-DD) asked of ListPriceLists, in order (first pages only). */
export function askedDates(endpoint: AwsEndpoint): string[] {
  return endpoint
    .calls('ListPriceLists')
    .filter((r) => bodyOf(r).NextToken === undefined)
    .map((r) => new Date(effectiveDateOf(r) * 1000).toISOString().slice(0, 10));
}

/** Serves historic price lists (ListPriceLists + GetPriceListFileUrl + offer file downloads). */
export function historicPricing(endpoint: AwsEndpoint): void {
  endpoint.serveDirectory('/offers/v1.0/aws', path.join(AWS_FIXTURES, 'offers'));
  endpoint.on('ListPriceLists', (request) => {
    const body = bodyOf(request);
    if (body.ServiceCode !== 'AmazonChimeVoiceConnector' || body.CurrencyCode !== 'USD') {
      return { body: fixtureJson('pricing/list-price-lists-empty.json') };
    }
    const version = effectiveDateOf(request) < SECOND_VERSION_FROM ? FIRST_VERSION : SECOND_VERSION;
    const page = body.NextToken === `${version}-page-2-token` ? 2 : 1;
    return { body: fixtureJson(`pricing/list-price-lists-${version}-page-${page}.json`) };
  });
  endpoint.on('GetPriceListFileUrl', (request) => {
    const body = bodyOf(request);
    const match = /price-list\/aws\/([^/]+)\/USD\/([^/]+)\/([^/]+)$/.exec(String(body.PriceListArn));
    if (!match || body.FileFormat !== 'json') return pricingError('InvalidParameterException', 'bad request');
    return {
      body: fixtureJson('pricing/get-price-list-file-url.json', {
        endpoint: endpoint.url,
        serviceCode: match[1] as string,
        version: match[2] as string,
        region: match[3] as string,
      }),
    };
  });
}

/** Serves current prices through GetProducts (two pages). */
export function currentPricing(endpoint: AwsEndpoint): void {
  endpoint.on('GetProducts', (request) => {
    const page = bodyOf(request).NextToken === undefined ? 1 : 2;
    return { body: fixtureJson(`pricing/get-products-page-${page}.json`) };
  });
}

/** ListPriceLists refused (the fallback case). */
export function listPriceListsDenied(endpoint: AwsEndpoint): void {
  endpoint.on('ListPriceLists', { status: 400, body: fixtureJson('pricing/error-access-denied.json') });
}

/** No job of that name active; SubmitJob answers with NEW_JOB_ID. */
export function batchIdle(endpoint: AwsEndpoint, onSubmit?: (request: RecordedRequest) => Promise<void>): void {
  endpoint.on('ListJobs', { body: fixtureJson('batch/list-jobs-empty.json') });
  endpoint.on('SubmitJob', async (request) => {
    await onSubmit?.(request);
    return {
      body: fixtureJson('batch/submit-job.json', { jobId: NEW_JOB_ID, jobName: String(bodyOf(request).jobName) }),
    };
  });
}

/** ListJobs (filtered by name) answers a SUCCEEDED job, then on the next page a RUNNING one. */
export function batchRunning(endpoint: AwsEndpoint, jobName: string): void {
  endpoint.on('ListJobs', (request) => {
    const page =
      bodyOf(request).nextToken === undefined
        ? 'batch/list-jobs-finished-page-1.json'
        : 'batch/list-jobs-running-page-2.json';
    return { body: fixtureJson(page, { jobName }) };
  });
  endpoint.on('SubmitJob', { status: 500, body: { message: 'must not be called' } });
}

/** ListJobs answers only the SUCCEEDED job (no next page): a new job must be submitted. */
export function batchFinished(endpoint: AwsEndpoint, jobName: string): void {
  endpoint.on('ListJobs', () => {
    const doc = fixtureJson('batch/list-jobs-finished-page-1.json', { jobName }) as Record<string, unknown>;
    delete doc.nextToken;
    return { body: doc };
  });
  endpoint.on('SubmitJob', (request) => ({
    body: fixtureJson('batch/submit-job.json', { jobId: NEW_JOB_ID, jobName: String(bodyOf(request).jobName) }),
  }));
}
