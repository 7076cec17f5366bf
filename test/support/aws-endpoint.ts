/**
 * A tiny local AWS endpoint for tests: the real SDK clients are pointed at it through the standard
 * `AWS_ENDPOINT_URL_PRICING` / `_BATCH` / `_LAMBDA` / `_ECR` / `_SNS` / `_CHIME_SDK_VOICE` variables. It speaks the
 * real wire protocols — Pricing and ECR JSON 1.1 (`X-Amz-Target: AWSPriceListService.<Op>` /
 * `AmazonEC2ContainerRegistry_V20150921.<Op>`), Batch REST-JSON (`POST /v1/<op>`),
 * Lambda `Invoke` (`POST /2015-03-31/functions/<name>/invocations`), SNS AWS Query (form-encoded
 * `Action=Publish&…`, XML answers), Chime SDK Voice REST-JSON (`GET /voice-connectors`,
 * `GET /tags?arn=…`) — answers with recorded
 * real-format responses from test/fixtures/aws/, serves offer-file downloads, and records every
 * request, in order.
 */

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Folder of the recorded responses. */
export const AWS_FIXTURES = path.join(__dirname, '..', 'fixtures', 'aws');

/** One request the endpoint received. */
export interface RecordedRequest {
  /** `pricing`, `batch`, `lambda`, `ecr`, `sns`, `chime` or `download`. */
  readonly service: 'pricing' | 'batch' | 'lambda' | 'ecr' | 'sns' | 'chime' | 'download';
  /** Operation name (`ListPriceLists`, `SubmitJob`, `Invoke`, …) or `GET` for downloads. */
  readonly op: string;
  readonly method: string;
  readonly path: string;
  /** Query parameters (REST APIs such as Chime SDK Voice). */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (undefined when empty). */
  readonly body: unknown;
}

/** An answer. `body` is sent as JSON unless it is a string or a Buffer. */
export interface EndpointResponse {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** Computes the answer to a request (may be async, e.g. to look at S3 at that moment). */
export type Responder = (request: RecordedRequest) => EndpointResponse | Promise<EndpointResponse>;

const BATCH_OPS: Record<string, string> = {
  submitjob: 'SubmitJob',
  listjobs: 'ListJobs',
  describejobs: 'DescribeJobs',
  terminatejob: 'TerminateJob',
  canceljob: 'CancelJob',
  describejobdefinitions: 'DescribeJobDefinitions',
};

const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

/** Reads a fixture's text with `{{name}}` placeholders replaced. */
export function fixtureText(relative: string, vars: Readonly<Record<string, string>> = {}): string {
  const text = readFileSync(path.join(AWS_FIXTURES, relative), 'utf8');
  return text.replace(/\{\{(\w+)\}\}/g, (_whole, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`fixture ${relative} needs {{${name}}}`);
    return value;
  });
}

/** A fixture parsed as JSON (placeholders replaced first). */
export function fixtureJson(relative: string, vars: Readonly<Record<string, string>> = {}): unknown {
  return JSON.parse(fixtureText(relative, vars)) as unknown;
}

/** A Pricing (JSON 1.1) error response, e.g. `AccessDeniedException`. */
export function pricingError(type: string, message: string, status = 400): EndpointResponse {
  return { status, body: { __type: type, Message: message } };
}

/** A Batch (REST-JSON) error response, e.g. `ClientException`. */
export function batchError(type: string, message: string, status = 400): EndpointResponse {
  return { status, headers: { 'x-amzn-errortype': type }, body: { message } };
}

/** An SNS (AWS Query) `Publish` answer with the given message id. */
export function snsPublished(messageId: string): EndpointResponse {
  return {
    body:
      '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
      `<MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${messageId}</RequestId>` +
      '</ResponseMetadata></PublishResponse>',
  };
}

/** An SNS (AWS Query) error answer, e.g. `AuthorizationError` with status 403. */
export function snsError(code: string, message: string, status = 400): EndpointResponse {
  return {
    status,
    body:
      '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type>' +
      `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>req-error</RequestId></ErrorResponse>`,
  };
}

function isQueryProtocol(req: http.IncomingMessage): boolean {
  return (
    req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
  );
}

function classify(req: http.IncomingMessage, pathname: string): Pick<RecordedRequest, 'service' | 'op'> {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('AWSPriceListService.')) {
    return { service: 'pricing', op: target.slice('AWSPriceListService.'.length) };
  }
  if (typeof target === 'string' && target.startsWith(ECR_TARGET_PREFIX)) {
    return { service: 'ecr', op: target.slice(ECR_TARGET_PREFIX.length) };
  }
  const batch = /^\/v1\/([a-z]+)$/.exec(pathname);
  if (req.method === 'POST' && batch) {
    const name = batch[1] as string;
    return { service: 'batch', op: BATCH_OPS[name] ?? name };
  }
  if (req.method === 'POST' && /^\/2015-03-31\/functions\/[^/]+\/invocations$/.test(pathname)) {
    return { service: 'lambda', op: 'Invoke' };
  }
  if (req.method === 'GET' && pathname === '/voice-connectors') return { service: 'chime', op: 'ListVoiceConnectors' };
  if (req.method === 'GET' && pathname === '/tags') return { service: 'chime', op: 'ListTagsForResource' };
  return { service: 'download', op: req.method ?? 'GET' };
}

function contentType(service: RecordedRequest['service']): string {
  if (service === 'sns') return 'text/xml';
  return service === 'pricing' || service === 'ecr' ? 'application/x-amz-json-1.1' : 'application/json';
}

/** The running endpoint. */
export class AwsEndpoint {
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  private readonly responders = new Map<string, Responder>();
  private readonly directories: { urlPrefix: string; dir: string }[] = [];

  private constructor(
    private readonly server: http.Server,
    /** `http://127.0.0.1:<port>` */
    readonly url: string,
  ) {}

  /** Starts a server on 127.0.0.1 and a free port. */
  static async start(): Promise<AwsEndpoint> {
    let endpoint: AwsEndpoint | undefined;
    const server = http.createServer((req, res) => {
      void endpoint?.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    endpoint = new AwsEndpoint(server, `http://127.0.0.1:${port}`);
    return endpoint;
  }

  /** Environment variables pointing the SDK's Pricing, Batch, Lambda, ECR, SNS and Chime SDK Voice clients here. */
  get env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_PRICING: this.url,
      AWS_ENDPOINT_URL_BATCH: this.url,
      AWS_ENDPOINT_URL_LAMBDA: this.url,
      AWS_ENDPOINT_URL_ECR: this.url,
      AWS_ENDPOINT_URL_SNS: this.url,
      AWS_ENDPOINT_URL_CHIME_SDK_VOICE: this.url,
    };
  }

  /** Sets how an operation (`ListPriceLists`, `SubmitJob`, `Invoke`, …) is answered. */
  on(op: string, responder: Responder | EndpointResponse): this {
    this.responders.set(op, typeof responder === 'function' ? responder : () => responder);
    return this;
  }

  /** Answers `GET <urlPrefix>/<rest>` with the file `<dir>/<rest>`. */
  serveDirectory(urlPrefix: string, dir: string): this {
    this.directories.push({ urlPrefix: urlPrefix.replace(/\/+$/, ''), dir });
    return this;
  }

  /** Operation names received so far (optionally of one service), in order. */
  ops(service?: RecordedRequest['service']): string[] {
    return this.requests.filter((r) => service === undefined || r.service === service).map((r) => r.op);
  }

  /** Requests of one operation, in order. */
  calls(op: string): RecordedRequest[] {
    return this.requests.filter((r) => r.op === op);
  }

  /** Forgets recorded requests and responders (directories stay served). */
  reset(): void {
    this.requests.length = 0;
    this.responders.clear();
  }

  /** Stops the server, closing kept-alive connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', this.url);
      const pathname = url.pathname;
      let { service, op } = classify(req, pathname);
      let body: unknown;
      if (isQueryProtocol(req)) {
        // AWS Query (SNS): form fields, the operation in `Action`.
        const fields = Object.fromEntries(new URLSearchParams(raw));
        service = 'sns';
        op = fields.Action ?? 'unknown';
        body = fields;
      } else if (raw !== '') {
        try {
          body = JSON.parse(raw) as unknown;
        } catch {
          body = raw;
        }
      }
      const request: RecordedRequest = {
        service,
        op,
        method: req.method ?? '',
        path: pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
      };
      this.requests.push(request);
      const response = service === 'download' ? await this.download(pathname) : await this.answer(request);
      const status = response.status ?? 200;
      const payload =
        typeof response.body === 'string' || Buffer.isBuffer(response.body)
          ? response.body
          : response.body === undefined
            ? ''
            : JSON.stringify(response.body);
      res.writeHead(status, { 'content-type': contentType(service), ...response.headers });
      res.end(payload);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : String(error));
    }
  }

  private async answer(request: RecordedRequest): Promise<EndpointResponse> {
    const responder = this.responders.get(request.op);
    if (responder) return responder(request);
    const message = `test endpoint: no response recorded for ${request.op}`;
    if (request.service === 'sns') return snsError('InvalidParameter', message);
    return request.service === 'pricing' || request.service === 'ecr'
      ? pricingError('InvalidParameterException', message)
      : batchError('ClientException', message);
  }

  private async download(pathname: string): Promise<EndpointResponse> {
    for (const { urlPrefix, dir } of this.directories) {
      if (!pathname.startsWith(`${urlPrefix}/`)) continue;
      const file = path.resolve(dir, `.${pathname.slice(urlPrefix.length)}`);
      if (!file.startsWith(path.resolve(dir) + path.sep)) break;
      try {
        return { body: await readFile(file) };
      } catch {
        break;
      }
    }
    return { status: 404, body: '<Error><Code>NoSuchKey</Code></Error>' };
  }
}
