import { expect } from 'chai';
import { FREQUENCIES } from '../../infra/config';
import { SCHEDULE_EXPRESSIONS } from '../../infra/constructs/scheduler';
import { athenaColumns, schemaFor } from '../../job/core/schema';
import {
  BASE_ENV,
  bucketArnRef,
  list,
  obj,
  onlyResource,
  policies,
  resolveRefs,
  resourcesOf,
  type Synthesized,
  str,
  synthesize,
  type TerraformJson,
} from './synth';

/** Attributes that are names in AWS (unique per account and region for their resource type). */
const NAME_ATTRIBUTES = ['name', 'function_name'];

/**
 * Every AWS-side name a stack creates, as `<type> <name>`. Glue tables are qualified by their
 * database; inline role policies are scoped to their role and so are left out.
 */
function awsNames(json: TerraformJson): string[] {
  const names: string[] = [];
  for (const [type, blocks] of Object.entries(json.resource)) {
    if (type === 'aws_iam_role_policy') continue;
    for (const block of Object.values(blocks)) {
      for (const attribute of NAME_ATTRIBUTES) {
        const value = block[attribute];
        if (typeof value !== 'string') continue;
        const qualified =
          type === 'aws_glue_catalog_table' ? `${resolveRefs(json, str(block, 'database_name'))}.${value}` : value;
        names.push(`${type} ${resolveRefs(json, qualified)}`);
      }
    }
  }
  return names;
}

describe('infra: side-by-side stacks and frequencies', () => {
  let vcDaily: Synthesized;
  let bcMonthly: Synthesized;
  let weekly: Synthesized;

  before(() => {
    vcDaily = synthesize({ ...BASE_ENV, SERVICE_NAME: 'AmazonChimeVoiceConnector', JOB_FREQUENCY: 'Daily' });
    bcMonthly = synthesize({ ...BASE_ENV, SERVICE_NAME: 'AmazonChimeBusinessCalling', JOB_FREQUENCY: 'Monthly' });
    weekly = synthesize({ ...BASE_ENV, JOB_FREQUENCY: 'Weekly' });
  });

  it('schedules each frequency at 01:00 UTC: daily, Mondays, the 1st', () => {
    const byFrequency = { Daily: vcDaily, Weekly: weekly, Monthly: bcMonthly };
    expect(SCHEDULE_EXPRESSIONS).to.deep.equal({
      Daily: 'cron(0 1 * * ? *)',
      Weekly: 'cron(0 1 ? * MON *)',
      Monthly: 'cron(0 1 1 * ? *)',
    });
    for (const frequency of FREQUENCIES) {
      const s = byFrequency[frequency];
      const schedule = onlyResource(s.json, 'aws_scheduler_schedule');
      expect(schedule.schedule_expression, frequency).to.equal(SCHEDULE_EXPRESSIONS[frequency]);
      expect(schedule.schedule_expression_timezone).to.equal('UTC');
      const vars = obj(obj(onlyResource(s.json, 'aws_lambda_function'), 'environment'), 'variables');
      expect(vars.JOB_FREQUENCY).to.equal(frequency);
      expect(obj(onlyResource(s.json, 'aws_batch_job_definition'), 'parameters').frequency).to.equal(frequency);
    }
  });

  it('gives the two stacks different stack names and disjoint resource names', () => {
    expect(vcDaily.config.namePrefix).to.equal('chime-vc-daily');
    expect(bcMonthly.config.namePrefix).to.equal('chime-bc-monthly');
    const a = awsNames(vcDaily.json);
    const b = awsNames(bcMonthly.json);
    expect(a.length).to.be.greaterThan(15);
    expect(new Set(a).size, 'no clash inside a stack').to.equal(a.length);
    expect(a.filter((name) => b.includes(name))).to.deep.equal([]);
    for (const name of [...a, ...b]) expect(name, name).to.match(/chime[-_](vc|bc)[-_](daily|monthly)/);
  });

  it('scopes the Business Calling stack to the Business Calling prefixes', () => {
    const bc = schemaFor('AmazonChimeBusinessCalling');
    const bucket = bucketArnRef(bcMonthly.json);
    const allowed = [bc.cdrPrefix, bc.pricingPrefix, bc.summaryPrefix];
    const resources = policies(bcMonthly.json)
      .flatMap((p) => p.statements)
      .filter((st) => st.actions.some((a) => a.startsWith('s3:')))
      .flatMap((st) => st.resources);
    for (const r of resources) {
      expect(r === bucket || allowed.some((prefix) => r === `${bucket}/${prefix}*`), r).to.equal(true);
    }
    expect(JSON.stringify(bcMonthly.json)).to.not.include('Voice-Connector');
  });

  it('generates the Business Calling table columns from its own schema', () => {
    const table = Object.values(resourcesOf(bcMonthly.json, 'aws_glue_catalog_table')).find(
      (t) => t.name === 'calls',
    ) as Record<string, unknown>;
    const columns = list(obj(table, 'storage_descriptor'), 'columns') as Record<string, unknown>[];
    expect(columns.map((c) => [c.name, c.type])).to.deep.equal(
      athenaColumns('AmazonChimeBusinessCalling').map((c) => [c.name.toLowerCase(), c.type]),
    );
    expect(obj(table, 'storage_descriptor').location).to.equal(
      `s3://acme-chime-cdrs/${schemaFor('AmazonChimeBusinessCalling').summaryPrefix}parquet/`,
    );
    const queries = Object.values(resourcesOf(bcMonthly.json, 'aws_athena_named_query')).map((q) => str(q, 'query'));
    expect(queries.some((q) => q.includes('"awsaccountid"'))).to.equal(true);
    expect(queries.join('\n')).to.not.include('voiceconnectorid');
  });

  it('packages a placeholder Lambda and blocks its deployment when the bundle is missing', () => {
    const s = synthesize({ ...BASE_ENV, SCHEDULER_BUNDLE_DIR: 'does/not/exist' });
    expect(s.stack.scheduler.bundleIsPlaceholder).to.equal(true);
    const locals = Object.values(s.json.locals ?? {});
    expect(locals).to.deep.equal([false]);
    const fn = onlyResource(s.json, 'aws_lambda_function');
    expect(JSON.stringify(fn.lifecycle)).to.include('npm run build');
  });

  it('honours size, array, spot, network and retention settings', () => {
    const s = synthesize({
      ...BASE_ENV,
      JOB_VCPU: '4',
      JOB_MEMORY: '16384',
      ARRAY_SIZE: '8',
      FARGATE_SPOT: 'false',
      VPC_ID: 'vpc-0123',
      SUBNET_IDS: 'subnet-0a,subnet-0b',
      SECURITY_GROUP_IDS: 'sg-0c',
      LOG_RETENTION_DAYS: '90',
      SCHEDULE_STATE: 'DISABLED',
    });
    const container = JSON.parse(str(onlyResource(s.json, 'aws_batch_job_definition'), 'container_properties')) as {
      resourceRequirements: { type: string; value: string }[];
      networkConfiguration: { assignPublicIp: string };
    };
    expect(container.resourceRequirements).to.deep.equal([
      { type: 'VCPU', value: '4' },
      { type: 'MEMORY', value: '16384' },
    ]);
    expect(container.networkConfiguration.assignPublicIp).to.equal('DISABLED');
    const env = onlyResource(s.json, 'aws_batch_compute_environment');
    expect(obj(env, 'compute_resources')).to.deep.include({
      type: 'FARGATE',
      max_vcpus: 32,
      subnets: ['subnet-0a', 'subnet-0b'],
      security_group_ids: ['sg-0c'],
    });
    expect(Object.keys(resourcesOf(s.json, 'aws_security_group'))).to.have.lengthOf(0);
    expect(s.json.data?.aws_vpc).to.equal(undefined);
    const fn = onlyResource(s.json, 'aws_lambda_function');
    expect(obj(obj(fn, 'environment'), 'variables').ARRAY_SIZE).to.equal('8');
    for (const g of Object.values(resourcesOf(s.json, 'aws_cloudwatch_log_group'))) {
      expect(g.retention_in_days).to.equal(90);
    }
    expect(onlyResource(s.json, 'aws_scheduler_schedule').state).to.equal('DISABLED');
  });
});
