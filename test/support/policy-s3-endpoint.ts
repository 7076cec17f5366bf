/**
 * A policy-enforcing S3 endpoint for tests: an HTTP proxy in front of s3rver that knows which role
 * sent each request (each role signs with its own access key id), evaluates the request against
 * that role's IAM policies (see iam-evaluator.ts) and answers as S3 does:
 * - 403 AccessDenied when the policies do not allow the request;
 * - for GET/HEAD of a missing key, 404 only when the role may `s3:ListBucket` the bucket (evaluated
 *   with the object request's own context, which carries no `s3:prefix`), else 403;
 * - conditional writes (`If-None-Match: *` on PUT, `If-Match` on DELETE), which s3rver ignores,
 *   are emulated (412 PreconditionFailed) after the policy check;
 * - a multi-object delete is authorized key by key; denied keys come back as `AccessDenied` errors
 *   in the 200 response, as S3 reports them.
 * Allowed requests are forwarded with the credential rewritten to s3rver's own key (SigV4 does not
 * sign the access key id, so signatures stay valid: every role uses s3rver's secret key).
 * Every decision is recorded, so a test can assert what was denied and which grants were used.
 */

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DeleteObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../job/store/s3-client';
import { evaluatePolicies, type IamDecision, type IamPolicy } from './iam-evaluator';
import { describeS3Request, type S3Authorization, s3Arn } from './s3-request-action';
import { S3RVER_CREDENTIALS } from './s3rver';

/** A role the endpoint knows. */
export interface EndpointRole {
  /** Name for logs (`job`, `scheduler`). */
  readonly name: string;
  /** Access key id its clients sign with (letters and digits). */
  readonly accessKeyId: string;
  /** Its identity policies. */
  readonly policies: readonly IamPolicy[];
}

/** One request the endpoint decided. */
export interface PolicyDecision {
  readonly role: string;
  readonly operation: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
  readonly decision: IamDecision['decision'];
  readonly statement?: string;
  /** Status sent to the client (0 when forwarded and not rewritten). */
  readonly status: number;
}

/** A running endpoint. */
export interface PolicyS3Endpoint {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Every authorization, in order. */
  readonly decisions: PolicyDecision[];
  /** Decisions that ended in a 403. */
  denied(): PolicyDecision[];
  /** AWS_* variables for a process acting as `role` (endpoint, credentials, region). */
  env(role: string): Record<string, string>;
  /** Credentials of `role` for an in-process client. */
  credentials(role: string): { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

function errorXml(code: string, message: string, resource: string): string {
  const escaped = resource.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
    `<Resource>${escaped}</Resource><RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`
  );
}

function sendError(req: http.IncomingMessage, res: http.ServerResponse, status: number, code: string, message: string) {
  const body = req.method === 'HEAD' ? '' : errorXml(code, message, req.url ?? '/');
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const denyAccess = (req: http.IncomingMessage, res: http.ServerResponse) =>
  sendError(req, res, 403, 'AccessDenied', 'Access Denied');

function accessKeyOf(req: http.IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  return typeof auth === 'string' ? /Credential=([^/,\s]+)\//.exec(auth)?.[1] : undefined;
}

function xmlUnescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** Starts the endpoint on 127.0.0.1 in front of `target` (an s3rver). */
export async function startPolicyS3Endpoint(options: {
  readonly target: string;
  readonly roles: readonly EndpointRole[];
}): Promise<PolicyS3Endpoint> {
  const target = new URL(options.target);
  const byKey = new Map(options.roles.map((role) => [role.accessKeyId, role]));
  const byName = new Map(options.roles.map((role) => [role.name, role]));
  const decisions: PolicyDecision[] = [];
  const admin: S3Client = createS3Client({
    endpoint: options.target,
    region: 'us-east-1',
    credentials: S3RVER_CREDENTIALS,
    maxAttempts: 1,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();
  const keyLocks = new Map<string, Promise<void>>();

  const serialized = async (key: string, work: () => Promise<void>): Promise<void> => {
    const previous = keyLocks.get(key) ?? Promise.resolve();
    let done = () => {};
    const current = new Promise<void>((resolve) => {
      done = resolve;
    });
    keyLocks.set(key, current);
    await previous;
    try {
      await work();
    } finally {
      done();
      if (keyLocks.get(key) === current) keyLocks.delete(key);
    }
  };

  const decide = (role: EndpointRole, operation: string, auth: S3Authorization): IamDecision => {
    const result = evaluatePolicies(role.policies, auth);
    decisions.push({
      role: role.name,
      operation,
      action: auth.action,
      resource: auth.resource,
      context: auth.context,
      decision: result.decision,
      ...(result.statement ? { statement: result.statement } : {}),
      status: result.decision === 'allow' ? 0 : 403,
    });
    return result;
  };

  /** Whether `role` may list the bucket in the context of an object request (no s3:prefix). */
  const mayList = (role: EndpointRole, bucket: string) =>
    evaluatePolicies(role.policies, { action: 's3:ListBucket', resource: s3Arn(bucket), context: {} }).decision ===
    'allow';

  const etagOf = async (bucket: string, key: string): Promise<string | undefined> => {
    try {
      return (await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  };

  const forward = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer | undefined,
    onMissing?: () => boolean,
  ): Promise<void> =>
    new Promise((resolve) => {
      const headers = { ...req.headers };
      if (typeof headers.authorization === 'string') {
        headers.authorization = headers.authorization.replace(
          /Credential=[^/,\s]+\//,
          `Credential=${S3RVER_CREDENTIALS.accessKeyId}/`,
        );
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (response) => {
          if (response.statusCode === 404 && onMissing && !onMissing()) {
            response.resume();
            denyAccess(req, res);
            resolve();
            return;
          }
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
          response.on('end', resolve);
          response.on('error', () => resolve());
        },
      );
      upstream.on('error', () => {
        req.socket.destroy();
        resolve();
      });
      if (body !== undefined) upstream.end(body);
      else req.pipe(upstream);
    });

  const multiDelete = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    role: EndpointRole,
    bucket: string,
  ) => {
    const body = await readBody(req);
    const text = body.toString('utf8');
    const keys = [...text.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => xmlUnescape(m[1] as string));
    const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(text);
    const allowed = keys.filter(
      (key) =>
        decide(role, 'DeleteObjects', { action: 's3:DeleteObject', resource: s3Arn(bucket, key), context: {} })
          .decision === 'allow',
    );
    if (allowed.length === keys.length) {
      await forward(req, res, body);
      return;
    }
    const parts: string[] = [];
    for (const key of keys) {
      if (allowed.includes(key)) {
        await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        if (!quiet) parts.push(`<Deleted><Key>${xmlEscape(key)}</Key></Deleted>`);
      } else {
        parts.push(
          `<Error><Key>${xmlEscape(key)}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
        );
      }
    }
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join('')}</DeleteResult>`;
    res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) });
    res.end(xml);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const accessKey = accessKeyOf(req);
    if (accessKey === S3RVER_CREDENTIALS.accessKeyId) {
      // The test's own setup and inspection: not a role, not checked.
      await forward(req, res, undefined);
      return;
    }
    const role = accessKey === undefined ? undefined : byKey.get(accessKey);
    if (!role) {
      req.resume();
      sendError(
        req,
        res,
        403,
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
      );
      return;
    }
    const shape = describeS3Request(req.method ?? 'GET', req.url ?? '/', req.headers);
    if (shape.operation === 'DeleteObjects' && shape.bucket !== undefined) {
      await multiDelete(req, res, role, shape.bucket);
      return;
    }
    for (const auth of shape.authorizations) {
      if (decide(role, shape.operation, auth).decision !== 'allow') {
        req.resume();
        denyAccess(req, res);
        return;
      }
    }
    const { bucket, key } = shape;
    if (bucket === undefined || key === undefined) {
      await forward(req, res, undefined);
      return;
    }
    if (shape.objectRead) {
      await forward(req, res, undefined, () => {
        if (mayList(role, bucket)) return true;
        // S3 hides whether the key exists from a role that may not list the bucket.
        const auth = shape.authorizations[0] as S3Authorization;
        decisions.push({
          role: role.name,
          operation: `${shape.operation} of a missing key`,
          ...auth,
          decision: 'implicit-deny',
          status: 403,
        });
        return false;
      });
      return;
    }
    const isConditionalPut = req.method === 'PUT' && req.headers['if-none-match'] === '*';
    const ifMatch = req.headers['if-match'];
    const isConditionalDelete = req.method === 'DELETE' && typeof ifMatch === 'string';
    if (!isConditionalPut && !isConditionalDelete) {
      await forward(req, res, undefined);
      return;
    }
    await serialized(`${bucket}/${key}`, async () => {
      const etag = await etagOf(bucket, key);
      if (isConditionalPut && etag !== undefined) {
        req.resume();
        sendError(req, res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        return;
      }
      if (isConditionalDelete && etag === undefined) {
        req.resume();
        if (mayList(role, bucket)) sendError(req, res, 404, 'NoSuchKey', 'The specified key does not exist.');
        else denyAccess(req, res);
        return;
      }
      if (isConditionalDelete && etag !== ifMatch) {
        req.resume();
        sendError(req, res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        return;
      }
      await forward(req, res, undefined);
    });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (!res.headersSent) sendError(req, res, 501, 'NotImplemented', message.replace(/[<&]/g, ' '));
      else req.socket.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  server.unref();
  const endpoint = `http://127.0.0.1:${port}`;
  const roleNamed = (name: string): EndpointRole => {
    const role = byName.get(name);
    if (!role) throw new Error(`unknown role ${name}`);
    return role;
  };
  return {
    endpoint,
    decisions,
    denied: () => decisions.filter((d) => d.decision !== 'allow' || d.status === 403),
    credentials: (name) => ({
      accessKeyId: roleNamed(name).accessKeyId,
      secretAccessKey: S3RVER_CREDENTIALS.secretAccessKey,
    }),
    env: (name) => ({
      AWS_ACCESS_KEY_ID: roleNamed(name).accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: endpoint,
    }),
    async stop() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      admin.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
