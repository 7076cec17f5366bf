/**
 * A small IAM policy evaluator for tests: enough of AWS's identity-policy logic to decide S3
 * requests the way S3 does — explicit Deny wins, then any Allow, else implicit deny.
 *
 * Supported: `Effect` Allow/Deny; `Action`/`NotAction` (case-insensitive, `*` and `?` wildcards);
 * `Resource`/`NotResource` (case-sensitive, wildcards); condition operators `StringEquals`,
 * `StringNotEquals`, `StringEqualsIgnoreCase`, `StringNotEqualsIgnoreCase`, `StringLike`,
 * `StringNotLike`, `Bool`, `Null`, each also with the `IfExists` suffix. Several values of one key
 * are ORed; several keys and operators are ANDed. A key absent from the request makes positive
 * operators false and negated ones (`StringNot…`) true, as IAM documents; `…IfExists` makes any
 * absent key true. Anything else (an unknown operator, a `ForAnyValue:` set operator, `Principal`
 * in an identity policy) throws: a test must not silently pass on logic this evaluator lacks.
 */

/** One request as IAM sees it. */
export interface IamRequest {
  /** `s3:GetObject`, … */
  readonly action: string;
  /** ARN of the resource: `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/key`. */
  readonly resource: string;
  /** Condition keys present in the request context (`s3:prefix`, `s3:if-none-match`, …). */
  readonly context?: Readonly<Record<string, string>>;
}

/** The outcome, with the statement that decided it. */
export interface IamDecision {
  readonly decision: 'allow' | 'explicit-deny' | 'implicit-deny';
  /** Sid (or index) of the deciding statement, for error messages. */
  readonly statement?: string;
}

type Values = string | readonly string[];

/** A policy statement as written in JSON. */
export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: Values;
  readonly NotAction?: Values;
  readonly Resource?: Values;
  readonly NotResource?: Values;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, Values>>>>;
}

/** A policy document. */
export interface IamPolicy {
  readonly Version?: string;
  readonly Statement: IamStatement | readonly IamStatement[];
}

/** Thrown for policy syntax the evaluator does not implement. */
export class UnsupportedPolicyError extends Error {
  override readonly name = 'UnsupportedPolicyError';
}

function list(values: Values | undefined): readonly string[] {
  if (values === undefined) return [];
  return typeof values === 'string' ? [values] : values;
}

/** IAM wildcard match: `*` any run of characters, `?` exactly one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's').test(value);
}

const STRING_OPERATORS: Readonly<Record<string, (pattern: string, value: string) => boolean>> = {
  StringEquals: (p, v) => p === v,
  StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  StringLike: (p, v) => wildcardMatch(p, v),
  Bool: (p, v) => p.toLowerCase() === v.toLowerCase(),
};
const NEGATED_OPERATORS: Readonly<Record<string, string>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
};

function conditionHolds(operatorName: string, key: string, expected: readonly string[], request: IamRequest): boolean {
  if (operatorName.includes(':')) throw new UnsupportedPolicyError(`set operator ${operatorName} is not supported`);
  const ifExists = operatorName.endsWith('IfExists');
  const operator = ifExists ? operatorName.slice(0, -'IfExists'.length) : operatorName;
  const value = request.context?.[key];
  if (operator === 'Null') {
    if (ifExists) throw new UnsupportedPolicyError('NullIfExists is not an IAM operator');
    // Null: "true" means the key must be absent, "false" that it must be present.
    return expected.some((e) => (e.toLowerCase() === 'true') === (value === undefined));
  }
  const positive = STRING_OPERATORS[operator];
  const negatedOf = NEGATED_OPERATORS[operator];
  if (!positive && !negatedOf) throw new UnsupportedPolicyError(`condition operator ${operatorName} is not supported`);
  if (value === undefined) return ifExists || negatedOf !== undefined;
  if (positive) return expected.some((e) => positive(e, value));
  const test = STRING_OPERATORS[negatedOf as string] as (p: string, v: string) => boolean;
  return !expected.some((e) => test(e, value));
}

function statementApplies(statement: IamStatement, request: IamRequest): boolean {
  if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
    throw new UnsupportedPolicyError(`statement ${statement.Sid ?? ''} needs exactly one of Action / NotAction`);
  }
  if ((statement.Resource === undefined) === (statement.NotResource === undefined)) {
    throw new UnsupportedPolicyError(`statement ${statement.Sid ?? ''} needs exactly one of Resource / NotResource`);
  }
  if ('Principal' in statement || 'NotPrincipal' in statement) {
    throw new UnsupportedPolicyError('identity policies have no Principal');
  }
  const actionMatches = (patterns: Values | undefined) =>
    list(patterns).some((p) => wildcardMatch(p, request.action, true));
  const resourceMatches = (patterns: Values | undefined) =>
    list(patterns).some((p) => wildcardMatch(p, request.resource));
  const action = statement.Action !== undefined ? actionMatches(statement.Action) : !actionMatches(statement.NotAction);
  if (!action) return false;
  const resource =
    statement.Resource !== undefined ? resourceMatches(statement.Resource) : !resourceMatches(statement.NotResource);
  if (!resource) return false;
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      if (!conditionHolds(operator, key, list(expected), request)) return false;
    }
  }
  return true;
}

/** Evaluates `request` against identity policies: explicit Deny, else Allow, else implicit deny. */
export function evaluatePolicies(policies: readonly IamPolicy[], request: IamRequest): IamDecision {
  let allowedBy: string | undefined;
  for (const policy of policies) {
    const statements = Array.isArray(policy.Statement)
      ? (policy.Statement as readonly IamStatement[])
      : [policy.Statement as IamStatement];
    for (const [index, statement] of statements.entries()) {
      if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
        throw new UnsupportedPolicyError(`bad Effect ${JSON.stringify(statement.Effect)}`);
      }
      if (!statementApplies(statement, request)) continue;
      const name = statement.Sid || `#${index}`;
      if (statement.Effect === 'Deny') return { decision: 'explicit-deny', statement: name };
      allowedBy ??= name;
    }
  }
  return allowedBy !== undefined ? { decision: 'allow', statement: allowedBy } : { decision: 'implicit-deny' };
}
