/**
 * Helpers for the infra tests: synthesize a stack from an environment with cdktf's `Testing`, and
 * read the Terraform JSON without `any`.
 */

import { Testing } from 'cdktf';
import { type InfraConfig, loadConfig } from '../../infra/config';
import { CdrSummaryStack } from '../../infra/stack';
import type { IamPolicy } from '../support/iam-evaluator';

/** A resource or data block's attributes. */
export type Block = Readonly<Record<string, unknown>>;

/** The parts of `cdk.tf.json` the tests read. */
export interface TerraformJson {
  readonly resource: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly locals?: Readonly<Record<string, unknown>>;
  readonly output?: Readonly<Record<string, Block>>;
  readonly provider?: Readonly<Record<string, readonly Block[]>>;
}

/** A synthesized stack: its config, construct and JSON (parsed and raw). */
export interface Synthesized {
  readonly config: InfraConfig;
  readonly stack: CdrSummaryStack;
  readonly json: TerraformJson;
  readonly text: string;
}

/** A complete configuration for a VC/Daily stack; override per test. */
export const BASE_ENV: Readonly<Record<string, string>> = {
  CDR_BUCKET: 'acme-chime-cdrs',
  AWS_REGION: 'eu-west-1',
  IMAGE_TAG: '1.2.3',
};

/** Synthesizes one stack from `env` (nothing read from process.env). */
export function synthesize(env: Readonly<Record<string, string>>): Synthesized {
  const config = loadConfig(env);
  const app = Testing.app();
  const stack = new CdrSummaryStack(app, config.namePrefix, config);
  const text = Testing.synth(stack);
  return { config, stack, json: JSON.parse(text) as TerraformJson, text };
}

/** All resources of a type, by logical id (empty when none). */
export function resourcesOf(json: TerraformJson, type: string): Readonly<Record<string, Block>> {
  return json.resource[type] ?? {};
}

/** The only resource of a type; throws when there are none or several. */
export function onlyResource(json: TerraformJson, type: string): Block {
  const blocks = Object.values(resourcesOf(json, type));
  if (blocks.length !== 1) throw new Error(`expected one ${type}, found ${blocks.length}`);
  return blocks[0] as Block;
}

/** A string attribute; throws when missing or not a string. */
export function str(block: Block, key: string): string {
  const value = block[key];
  if (typeof value !== 'string') throw new Error(`attribute ${key} is not a string: ${JSON.stringify(value)}`);
  return value;
}

/** A nested object attribute. */
export function obj(block: Block, key: string): Block {
  const value = block[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`attribute ${key} is not an object: ${JSON.stringify(value)}`);
  }
  return value as Block;
}

/** A list attribute. */
export function list(block: Block, key: string): readonly unknown[] {
  const value = block[key];
  if (!Array.isArray(value)) throw new Error(`attribute ${key} is not a list: ${JSON.stringify(value)}`);
  return value;
}

/** `${type.id.attr}` reference to a resource attribute, as cdktf renders it. */
export function ref(json: TerraformJson, type: string, attribute: string, id?: string): string {
  const ids = Object.keys(resourcesOf(json, type));
  const chosen = id ?? (ids.length === 1 ? ids[0] : undefined);
  if (chosen === undefined) throw new Error(`ambiguous or missing ${type}`);
  return `\${${type}.${chosen}.${attribute}}`;
}

/** Reference to the looked-up CDR bucket's ARN. */
export function bucketArnRef(json: TerraformJson): string {
  const ids = Object.keys(json.data?.aws_s3_bucket ?? {});
  if (ids.length !== 1) throw new Error('expected one aws_s3_bucket data source');
  return `\${data.aws_s3_bucket.${ids[0]}.arn}`;
}

/** One statement of a policy document, normalized to lists. */
export interface Statement {
  readonly sid: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: Block;
  readonly principal?: unknown;
}

/** A policy document found in the JSON, with where it came from. */
export interface FoundPolicy {
  /** `aws_iam_role_policy.<id>` or `aws_iam_role.<id> (trust)`. */
  readonly address: string;
  /** Logical id of the role it belongs to (the role itself for trust policies). */
  readonly role: string;
  readonly statements: readonly Statement[];
}

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

function parseStatements(text: string): Statement[] {
  const doc = JSON.parse(text) as { Version?: string; Statement?: unknown };
  if (doc.Version !== '2012-10-17') throw new Error(`policy without Version 2012-10-17: ${text}`);
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return raw.map((s) => {
    const st = s as Record<string, unknown>;
    return {
      sid: String(st.Sid ?? ''),
      effect: String(st.Effect),
      actions: asList(st.Action),
      resources: asList(st.Resource),
      ...(st.Condition ? { condition: st.Condition as Block } : {}),
      ...(st.Principal ? { principal: st.Principal } : {}),
    };
  });
}

/** Every IAM policy document of the stack: inline role policies and trust policies. */
export function policies(json: TerraformJson): FoundPolicy[] {
  const found: FoundPolicy[] = [];
  for (const [id, block] of Object.entries(resourcesOf(json, 'aws_iam_role_policy'))) {
    const role = str(block, 'role').replace(/^\$\{aws_iam_role\.([^.]+)\.id\}$/, '$1');
    found.push({ address: `aws_iam_role_policy.${id}`, role, statements: parseStatements(str(block, 'policy')) });
  }
  for (const [id, block] of Object.entries(resourcesOf(json, 'aws_iam_role'))) {
    found.push({
      address: `aws_iam_role.${id} (trust)`,
      role: id,
      statements: parseStatements(str(block, 'assume_role_policy')),
    });
  }
  return found;
}

/** The statements of the inline policy attached to the role with this logical id prefix. */
export function roleStatements(json: TerraformJson, roleIdPrefix: string): Statement[] {
  const matches = policies(json).filter((p) => p.role.startsWith(roleIdPrefix) && !p.address.endsWith('(trust)'));
  if (matches.length !== 1) throw new Error(`expected one inline policy for ${roleIdPrefix}, found ${matches.length}`);
  return [...(matches[0]?.statements ?? [])];
}

/** Replaces `${type.id.attr}` references by the referenced literal attribute where it is known. */
export function resolveRefs(json: TerraformJson, text: string): string {
  return text.replace(/\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}/g, (whole, type: string, id: string, attr: string) => {
    const value = json.resource[type]?.[id]?.[attr];
    return typeof value === 'string' ? value : whole;
  });
}

/** The `s3:prefix` values a ListBucket statement is conditioned on (empty when unconditioned). */
export function listPrefixes(statement: Statement | undefined): string[] {
  const like = statement?.condition?.StringLike;
  if (typeof like !== 'object' || like === null) return [];
  const prefixes = (like as Record<string, unknown>)['s3:prefix'];
  return Array.isArray(prefixes) ? prefixes.map(String) : [];
}

/**
 * The inline IAM policies of the role whose logical id starts with `roleIdPrefix`, as documents an
 * evaluator can run: the looked-up bucket's ARN is replaced by `arn:aws:s3:::<bucket>`; other
 * references (queues, log groups) stay as they are and so match no S3 resource.
 */
export function rolePolicyDocuments(json: TerraformJson, roleIdPrefix: string, bucket: string): IamPolicy[] {
  const found: IamPolicy[] = [];
  for (const block of Object.values(resourcesOf(json, 'aws_iam_role_policy'))) {
    const role = str(block, 'role').replace(/^\$\{aws_iam_role\.([^.]+)\.id\}$/, '$1');
    if (!role.startsWith(roleIdPrefix)) continue;
    const text = str(block, 'policy').replace(/\$\{data\.aws_s3_bucket\.[^.}]+\.arn\}/g, `arn:aws:s3:::${bucket}`);
    found.push(JSON.parse(text) as IamPolicy);
  }
  if (found.length === 0) throw new Error(`no inline policy for a role ${roleIdPrefix}*`);
  return found;
}
