/**
 * IAM policy documents as typed values, rendered to JSON for `aws_iam_role(_policy)`. Rendering
 * refuses wildcard actions (`*`, `s3:*`, `s3:Get*`): every action the stack grants is spelled out.
 * Resources may be tokens (ARNs of resources in the stack); cdktf turns them into interpolations.
 */

import { FailureError } from '../job/core/errors';

/** Condition block: operator → key → value(s). */
export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** One statement (an Allow unless `effect` says Deny). */
export interface PolicyStatement {
  /** Statement ID (letters and digits): says why the grant exists. */
  readonly sid: string;
  /** @default 'Allow' */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: PolicyCondition;
}

const ACTION_PATTERN = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** Thrown when a statement would grant a wildcard or malformed action. */
export class PolicyError extends FailureError {
  override readonly name = 'PolicyError';
}

/** Renders a policy document; throws PolicyError on a wildcard or malformed action. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  const rendered = statements.map((s) => {
    if (!/^[A-Za-z0-9]+$/.test(s.sid)) throw new PolicyError(`bad statement id ${JSON.stringify(s.sid)}`);
    if (s.actions.length === 0 || s.resources.length === 0) throw new PolicyError(`${s.sid}: empty statement`);
    for (const action of s.actions) {
      if (!ACTION_PATTERN.test(action))
        throw new PolicyError(`${s.sid}: action ${JSON.stringify(action)} is a wildcard or malformed`);
    }
    return {
      Sid: s.sid,
      Effect: s.effect ?? 'Allow',
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.condition ? { Condition: s.condition } : {}),
    };
  });
  return JSON.stringify({ Version: '2012-10-17', Statement: rendered });
}

/**
 * Trust policy letting an AWS service assume a role, restricted to calls made on behalf of
 * `sourceAccount` (confused-deputy protection).
 */
export function assumeRolePolicy(servicePrincipal: string, sourceAccount: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: servicePrincipal },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } },
      },
    ],
  });
}

/** ARNs of the objects under each key prefix of a bucket (`<bucketArn>/<prefix>*`). */
export function objectArns(bucketArn: string, prefixes: readonly string[]): string[] {
  return prefixes.map((prefix) => `${bucketArn}/${prefix}*`);
}

/** `s3:ListBucket` on the bucket, allowed only for listings under the given key prefixes. */
export function listBucketStatement(sid: string, bucketArn: string, prefixes: readonly string[]): PolicyStatement {
  return {
    sid,
    actions: ['s3:ListBucket'],
    resources: [bucketArn],
    condition: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } },
  };
}

/**
 * Denies `s3:PutObject` under `prefixes` unless the request carries `If-None-Match` (create-only):
 * a lease can only be taken, never overwritten, whatever the code does.
 */
export function createOnlyStatement(sid: string, bucketArn: string, prefixes: readonly string[]): PolicyStatement {
  return {
    sid,
    effect: 'Deny',
    actions: ['s3:PutObject'],
    resources: objectArns(bucketArn, prefixes),
    condition: { Null: { 's3:if-none-match': 'true' } },
  };
}

/** KMS grants needed to read and write objects encrypted with a customer-managed key. */
export function kmsStatement(kmsKeyArn: string | undefined, write: boolean): PolicyStatement[] {
  if (kmsKeyArn === undefined) return [];
  const actions = write ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'];
  return [{ sid: 'BucketKmsKey', actions, resources: [kmsKeyArn] }];
}
