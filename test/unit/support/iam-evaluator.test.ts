import { expect } from 'chai';
import {
  evaluatePolicies,
  type IamPolicy,
  type IamRequest,
  UnsupportedPolicyError,
  wildcardMatch,
} from '../../support/iam-evaluator';
import { describeS3Request } from '../../support/s3-request-action';

const BUCKET = 'arn:aws:s3:::cdrs';

function decide(policy: IamPolicy, request: IamRequest): string {
  return evaluatePolicies([policy], request).decision;
}

describe('test IAM evaluator', () => {
  const listPrefix: IamPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'List',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: BUCKET,
        Condition: { StringLike: { 's3:prefix': ['Summary/*', 'Pricing/*'] } },
      },
      { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${BUCKET}/Summary/*`] },
    ],
  };

  it('matches wildcards: * any run, ? one character, actions case-insensitively', () => {
    expect(wildcardMatch('Summary/*', 'Summary/a/b.json')).to.equal(true);
    expect(wildcardMatch('Summary/*', 'Summary')).to.equal(false);
    expect(wildcardMatch('a?c', 'abc')).to.equal(true);
    expect(wildcardMatch('a?c', 'ac')).to.equal(false);
    expect(wildcardMatch('a.c', 'abc')).to.equal(false);
    expect(
      decide(
        { Statement: { Effect: 'Allow', Action: 's3:get*', Resource: '*' } },
        { action: 's3:GetObject', resource: 'x' },
      ),
    ).to.equal('allow');
  });

  it('allows ListBucket only for the granted prefixes; an absent s3:prefix does not match StringLike', () => {
    const list = (context: Record<string, string>) =>
      decide(listPrefix, { action: 's3:ListBucket', resource: BUCKET, context });
    expect(list({ 's3:prefix': 'Summary/leases/x.json' })).to.equal('allow');
    expect(list({ 's3:prefix': 'Pricing/' })).to.equal('allow');
    expect(list({ 's3:prefix': 'Other/' })).to.equal('implicit-deny');
    expect(list({ 's3:prefix': 'Summary' })).to.equal('implicit-deny');
    expect(list({})).to.equal('implicit-deny');
  });

  it('scopes resources: the object ARN must match, the bucket ARN is not an object', () => {
    expect(decide(listPrefix, { action: 's3:GetObject', resource: `${BUCKET}/Summary/a` })).to.equal('allow');
    expect(decide(listPrefix, { action: 's3:GetObject', resource: `${BUCKET}/Other/a` })).to.equal('implicit-deny');
    expect(decide(listPrefix, { action: 's3:PutObject', resource: `${BUCKET}/Summary/a` })).to.equal('implicit-deny');
  });

  it('an explicit Deny wins over any Allow; NotAction and NotResource invert the match', () => {
    const policy: IamPolicy = {
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:Delete*', NotResource: `${BUCKET}/tmp/*` },
      ],
    };
    expect(evaluatePolicies([policy], { action: 's3:DeleteObject', resource: `${BUCKET}/a` })).to.deep.equal({
      decision: 'explicit-deny',
      statement: 'NoDeletes',
    });
    expect(decide(policy, { action: 's3:DeleteObject', resource: `${BUCKET}/tmp/a` })).to.equal('allow');
    const notAction: IamPolicy = { Statement: { Effect: 'Allow', NotAction: 's3:Delete*', Resource: '*' } };
    expect(decide(notAction, { action: 's3:GetObject', resource: 'x' })).to.equal('allow');
    expect(decide(notAction, { action: 's3:DeleteObject', resource: 'x' })).to.equal('implicit-deny');
  });

  it('Null conditions require a key absent (true) or present (false): a conditional-write requirement', () => {
    const policy: IamPolicy = {
      Statement: [
        { Effect: 'Allow', Action: 's3:PutObject', Resource: `${BUCKET}/*` },
        {
          Effect: 'Deny',
          Action: 's3:PutObject',
          Resource: `${BUCKET}/leases/*`,
          Condition: { Null: { 's3:if-none-match': 'true' } },
        },
      ],
    };
    const put = (resource: string, context: Record<string, string> = {}) =>
      decide(policy, { action: 's3:PutObject', resource, context });
    expect(put(`${BUCKET}/leases/a`)).to.equal('explicit-deny');
    expect(put(`${BUCKET}/leases/a`, { 's3:if-none-match': '*' })).to.equal('allow');
    expect(put(`${BUCKET}/reports/a`)).to.equal('allow');
  });

  it('StringEquals, negated operators on absent keys, IfExists, and several keys ANDed', () => {
    const policy = (Condition: Record<string, Record<string, string | string[]>>): IamPolicy => ({
      Statement: { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET, Condition },
    });
    const req = (context: Record<string, string>) => ({ action: 's3:ListBucket', resource: BUCKET, context });
    const both = policy({ StringEquals: { 's3:delimiter': '/', 's3:prefix': ['a/', 'b/'] } });
    expect(decide(both, req({ 's3:delimiter': '/', 's3:prefix': 'b/' }))).to.equal('allow');
    expect(decide(both, req({ 's3:prefix': 'b/' }))).to.equal('implicit-deny');
    expect(decide(both, req({ 's3:delimiter': '/', 's3:prefix': 'b/x' }))).to.equal('implicit-deny');
    const notLike = policy({ StringNotLike: { 's3:prefix': 'secret/*' } });
    expect(decide(notLike, req({}))).to.equal('allow');
    expect(decide(notLike, req({ 's3:prefix': 'secret/x' }))).to.equal('implicit-deny');
    const ifExists = policy({ StringLikeIfExists: { 's3:prefix': 'a/*' } });
    expect(decide(ifExists, req({}))).to.equal('allow');
    expect(decide(ifExists, req({ 's3:prefix': 'b/' }))).to.equal('implicit-deny');
    expect(decide(policy({ StringEqualsIgnoreCase: { 's3:prefix': 'A/' } }), req({ 's3:prefix': 'a/' }))).to.equal(
      'allow',
    );
  });

  it('refuses what it does not implement instead of guessing', () => {
    const set: IamPolicy = {
      Statement: {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: BUCKET,
        Condition: { 'ForAnyValue:StringLike': { k: 'v' } },
      },
    };
    expect(() => decide(set, { action: 's3:ListBucket', resource: BUCKET })).to.throw(UnsupportedPolicyError);
    const numeric: IamPolicy = {
      Statement: {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: BUCKET,
        Condition: { NumericLessThan: { 's3:max-keys': '10' } },
      },
    };
    expect(() =>
      decide(numeric, { action: 's3:ListBucket', resource: BUCKET, context: { 's3:max-keys': '5' } }),
    ).to.throw(UnsupportedPolicyError);
  });
});

describe('S3 request → IAM action', () => {
  it('maps the requests our clients send (path style)', () => {
    const list = describeS3Request('GET', '/cdrs?list-type=2&prefix=Summary%2Fcsv%2F&delimiter=%2F&max-keys=1', {});
    expect(list.authorizations).to.deep.equal([
      {
        action: 's3:ListBucket',
        resource: BUCKET,
        context: { 's3:prefix': 'Summary/csv/', 's3:delimiter': '/', 's3:max-keys': '1' },
      },
    ]);
    expect(describeS3Request('HEAD', '/cdrs/Summary/a%20b.json', {})).to.include({
      operation: 'HeadObject',
      objectRead: true,
    });
    expect(describeS3Request('GET', '/cdrs/Summary/a.json?x-id=GetObject', {}).authorizations[0]).to.deep.equal({
      action: 's3:GetObject',
      resource: `${BUCKET}/Summary/a.json`,
      context: {},
    });
    const put = describeS3Request('PUT', '/cdrs/leases/x.json?x-id=PutObject', { 'if-none-match': '*' });
    expect(put.authorizations[0]?.context).to.deep.equal({ 's3:if-none-match': '*' });
    expect(describeS3Request('DELETE', '/cdrs/k?uploadId=1', {}).authorizations[0]?.action).to.equal(
      's3:AbortMultipartUpload',
    );
    expect(describeS3Request('PUT', '/cdrs/k?partNumber=1&uploadId=1', {}).authorizations[0]?.action).to.equal(
      's3:PutObject',
    );
    expect(describeS3Request('POST', '/cdrs/k?uploads', {}).authorizations[0]?.action).to.equal('s3:PutObject');
    expect(describeS3Request('POST', '/cdrs?delete', {}).operation).to.equal('DeleteObjects');
    expect(() => describeS3Request('PUT', '/cdrs/k?acl', {})).to.throw(/sub-resource acl/);
  });
});
