import { expect } from 'chai';
import { namedQueries } from '../../infra/athena-queries';
import { ATHENA_ENGINE_VERSION } from '../../infra/constructs/analytics';
import { CONTAINER_USER, JOB_COMMAND, SCRATCH_PATH } from '../../infra/constructs/batch';
import { SCHEDULE_INPUT } from '../../infra/constructs/scheduler';
import { isValidFargateSize } from '../../infra/fargate';
import { athenaColumns, schemaFor } from '../../job/core/schema';
import {
  BASE_ENV,
  type Block,
  bucketArnRef,
  list,
  listPrefixes,
  obj,
  onlyResource,
  policies,
  ref,
  resourcesOf,
  roleStatements,
  type Statement,
  type Synthesized,
  str,
  synthesize,
} from './synth';

const VC = schemaFor('AmazonChimeVoiceConnector');

/** Container properties of the job definition, parsed from their JSON string. */
interface ContainerProperties {
  image: string;
  command: string[];
  jobRoleArn: string;
  executionRoleArn: string;
  resourceRequirements: { type: string; value: string }[];
  user: string;
  readonlyRootFilesystem: boolean;
  volumes: { name: string }[];
  mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  environment: { name: string; value: string }[];
  logConfiguration: { logDriver: string; options: Record<string, string> };
  networkConfiguration: { assignPublicIp: string };
  fargatePlatformConfiguration: { platformVersion: string };
  runtimePlatform: { operatingSystemFamily: string; cpuArchitecture: string };
}

function statementsWith(statements: readonly Statement[], action: string): Statement[] {
  return statements.filter((s) => s.actions.includes(action));
}

describe('infra: Voice Connector / Daily stack', () => {
  let s: Synthesized;
  let container: ContainerProperties;
  let jobDefinition: Block;

  before(() => {
    s = synthesize({ ...BASE_ENV });
    jobDefinition = onlyResource(s.json, 'aws_batch_job_definition');
    container = JSON.parse(str(jobDefinition, 'container_properties')) as ContainerProperties;
  });

  it('creates every resource of the product', () => {
    const expected: Record<string, number> = {
      aws_batch_compute_environment: 2,
      aws_batch_job_queue: 1,
      aws_batch_job_definition: 1,
      aws_cloudwatch_log_group: 2,
      aws_iam_role: 4,
      aws_iam_role_policy: 4,
      aws_lambda_function: 1,
      aws_lambda_function_event_invoke_config: 1,
      aws_scheduler_schedule: 1,
      aws_sqs_queue: 1,
      aws_glue_catalog_database: 1,
      aws_glue_catalog_table: 4,
      aws_athena_workgroup: 1,
      aws_athena_named_query: 9,
      aws_ecr_repository: 1,
      aws_ecr_lifecycle_policy: 1,
      aws_security_group: 1,
      aws_vpc_security_group_egress_rule: 1,
    };
    for (const [type, count] of Object.entries(expected)) {
      expect(Object.keys(resourcesOf(s.json, type)), type).to.have.lengthOf(count);
    }
  });

  it('looks the CDR bucket up and never creates or re-policies a bucket', () => {
    const bucket = Object.values(s.json.data?.aws_s3_bucket ?? {});
    expect(bucket).to.have.lengthOf(1);
    expect(bucket[0]?.bucket).to.equal('acme-chime-cdrs');
    const bucketTypes = Object.keys(s.json.resource).filter((t) => t.startsWith('aws_s3_'));
    expect(bucketTypes).to.deep.equal([]);
  });

  it('configures the provider for the region with default tags', () => {
    const provider = s.json.provider?.aws?.[0];
    expect(provider?.region).to.equal('eu-west-1');
    expect(JSON.stringify(provider?.default_tags)).to.include('chime-vc-daily');
  });

  describe('Batch', () => {
    it('orders Fargate Spot first and on-demand Fargate second in the queue', () => {
      const envs = resourcesOf(s.json, 'aws_batch_compute_environment');
      const byType = new Map(
        Object.entries(envs).map(([id, env]) => [str(obj(env, 'compute_resources'), 'type'), id] as const),
      );
      expect([...byType.keys()].sort()).to.deep.equal(['FARGATE', 'FARGATE_SPOT']);
      for (const env of Object.values(envs)) {
        expect(env.type).to.equal('MANAGED');
        const resources = obj(env, 'compute_resources');
        expect(resources.max_vcpus).to.equal(16);
        expect(resources.subnets)
          .to.be.a('string')
          .and.to.match(/aws_subnets/);
        expect(list(resources, 'security_group_ids')).to.have.lengthOf(1);
      }
      const queue = onlyResource(s.json, 'aws_batch_job_queue');
      expect(queue.state).to.equal('ENABLED');
      const order = list(queue, 'compute_environment_order') as { order: number; compute_environment: string }[];
      const sorted = [...order].sort((a, b) => a.order - b.order);
      expect(sorted.map((o) => o.compute_environment)).to.deep.equal([
        ref(s.json, 'aws_batch_compute_environment', 'arn', byType.get('FARGATE_SPOT')),
        ref(s.json, 'aws_batch_compute_environment', 'arn', byType.get('FARGATE')),
      ]);
      const limits = list(queue, 'job_state_time_limit_action') as Block[];
      expect(limits.map((l) => l.action)).to.deep.equal(['CANCEL', 'CANCEL']);
    });

    it('registers a Fargate job definition with a valid size', () => {
      expect(jobDefinition.type).to.equal('container');
      expect(jobDefinition.platform_capabilities).to.deep.equal(['FARGATE']);
      const req = Object.fromEntries(container.resourceRequirements.map((r) => [r.type, r.value]));
      expect(req).to.deep.equal({ VCPU: '1', MEMORY: '2048' });
      expect(isValidFargateSize(req.VCPU ?? '', Number(req.MEMORY))).to.equal(true);
    });

    it('runs the image of the stack repository at IMAGE_TAG, as a non-root user on a read-only root', () => {
      expect(container.image).to.equal(`${ref(s.json, 'aws_ecr_repository', 'repository_url')}:1.2.3`);
      expect(container.user).to.equal(CONTAINER_USER);
      expect(container.user).to.not.match(/^(0|root)(:|$)/);
      expect(container.readonlyRootFilesystem).to.equal(true);
      expect(container.volumes).to.deep.equal([{ name: 'scratch' }]);
      expect(container.mountPoints).to.deep.equal([
        { sourceVolume: 'scratch', containerPath: SCRATCH_PATH, readOnly: false },
      ]);
      expect(container.environment).to.deep.include({ name: 'TMPDIR', value: SCRATCH_PATH });
      expect(container.jobRoleArn).to.equal(ref(s.json, 'aws_iam_role', 'arn', roleId(s, 'batch_job-role')));
      expect(container.executionRoleArn).to.equal(
        ref(s.json, 'aws_iam_role', 'arn', roleId(s, 'batch_execution-role')),
      );
    });

    it('passes the CLI contract: run --source --prices --frequency --end --service from parameters', () => {
      expect(container.command).to.deep.equal([...JOB_COMMAND]);
      expect(container.command[0]).to.equal('run');
      const refs = container.command.filter((a) => a.startsWith('Ref::')).map((a) => a.slice(5));
      expect(refs.sort()).to.deep.equal(['end', 'frequency', 'prices', 'service', 'source']);
      const defaults = obj(jobDefinition, 'parameters');
      expect(defaults).to.deep.equal({
        source: 's3://acme-chime-cdrs',
        frequency: 'Daily',
        service: 'AmazonChimeVoiceConnector',
      });
      // Every placeholder is either defaulted or among what the scheduler submits.
      const submitted = new Set(['end', 'frequency', 'prices']);
      for (const name of refs) expect(name in defaults || submitted.has(name), name).to.equal(true);
    });

    it('logs with awslogs to a log group with retention', () => {
      expect(container.logConfiguration.logDriver).to.equal('awslogs');
      const group = resourcesOf(s.json, 'aws_cloudwatch_log_group');
      const batchGroupId = Object.keys(group).find((id) => id.startsWith('batch_'));
      expect(container.logConfiguration.options['awslogs-group']).to.equal(
        ref(s.json, 'aws_cloudwatch_log_group', 'name', batchGroupId),
      );
      expect(container.logConfiguration.options['awslogs-region']).to.equal('eu-west-1');
      expect(container.logConfiguration.options['awslogs-stream-prefix']).to.be.a('string');
      for (const g of Object.values(group)) expect(g.retention_in_days).to.equal(30);
    });

    it('sets network and platform configuration explicitly (no drift)', () => {
      expect(container.networkConfiguration).to.deep.equal({ assignPublicIp: 'ENABLED' });
      expect(container.fargatePlatformConfiguration).to.deep.equal({ platformVersion: 'LATEST' });
      expect(container.runtimePlatform).to.deep.equal({ operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' });
    });

    it('retries infrastructure failures only, with an attempt timeout', () => {
      const retry = obj(jobDefinition, 'retry_strategy');
      expect(retry.attempts).to.equal(3);
      const conditions = list(retry, 'evaluate_on_exit') as Block[];
      expect(conditions.length).to.be.at.most(5);
      const last = conditions[conditions.length - 1];
      expect(last).to.deep.equal({ action: 'EXIT', on_reason: '*' });
      const retried = conditions.filter((c) => c.action === 'RETRY').map((c) => String(c.on_status_reason));
      expect(retried).to.include.members(['Host EC2*', 'CannotPullContainerError*']);
      expect(retried.some((r) => r.startsWith('Your Spot Task'))).to.equal(true);
      for (const c of conditions) {
        for (const key of ['on_status_reason', 'on_reason']) {
          const pattern = c[key];
          // Batch accepts letters, digits, periods, colons, white space, and a trailing '*'.
          if (pattern !== undefined) expect(String(pattern)).to.match(/^[A-Za-z0-9.: \t]*\*?$/);
        }
        expect(c.on_exit_code, 'no retry on the job exit code').to.equal(undefined);
      }
      expect(obj(jobDefinition, 'timeout').attempt_duration_seconds).to.equal(14_400);
    });
  });

  describe('Scheduler', () => {
    it('packages dist/scheduler as the Node.js 22 Lambda with the job environment', () => {
      const fn = onlyResource(s.json, 'aws_lambda_function');
      expect(fn.runtime).to.equal('nodejs22.x');
      expect(fn.handler).to.equal('index.handler');
      expect(fn.reserved_concurrent_executions).to.equal(1);
      expect(str(fn, 'filename')).to.match(/^assets\/.+\/archive\.zip$/);
      expect(str(fn, 'source_code_hash')).to.equal(s.stack.scheduler.asset.assetHash);
      const vars = obj(obj(fn, 'environment'), 'variables');
      expect(vars).to.include({
        CDR_BUCKET: 'acme-chime-cdrs',
        SERVICE_NAME: 'AmazonChimeVoiceConnector',
        JOB_FREQUENCY: 'Daily',
        ARRAY_SIZE: '1',
      });
      expect(vars.JOB_QUEUE).to.equal(ref(s.json, 'aws_batch_job_queue', 'name'));
      expect(vars.JOB_DEFINITION).to.equal(ref(s.json, 'aws_batch_job_definition', 'name'));
      const lambdaGroup = Object.values(resourcesOf(s.json, 'aws_cloudwatch_log_group')).find(
        (g) => g.name === '/aws/lambda/chime-vc-daily-scheduler',
      );
      expect(lambdaGroup?.retention_in_days).to.equal(30);
    });

    it('schedules at 01:00 UTC with retries and a dead-letter queue, through its own role', () => {
      const schedule = onlyResource(s.json, 'aws_scheduler_schedule');
      expect(schedule.schedule_expression).to.equal('cron(0 1 * * ? *)');
      expect(schedule.schedule_expression_timezone).to.equal('UTC');
      expect(schedule.state).to.equal('ENABLED');
      const target = obj(schedule, 'target');
      expect(target.arn).to.equal(ref(s.json, 'aws_lambda_function', 'arn'));
      expect(target.input).to.equal(SCHEDULE_INPUT);
      const fn = onlyResource(s.json, 'aws_lambda_function');
      expect(obj(obj(fn, 'environment'), 'variables').SCHEDULE_NAME).to.equal(schedule.name);
      expect(obj(target, 'retry_policy').maximum_retry_attempts).to.be.a('number').above(0);
      expect(obj(target, 'dead_letter_config').arn).to.equal(ref(s.json, 'aws_sqs_queue', 'arn'));
      const scheduleRole = roleId(s, 'scheduler_schedule-role');
      expect(target.role_arn).to.equal(ref(s.json, 'aws_iam_role', 'arn', scheduleRole));
      const trust = policies(s.json).find((p) => p.address === `aws_iam_role.${scheduleRole} (trust)`);
      expect(trust?.statements[0]?.principal).to.deep.equal({ Service: 'scheduler.amazonaws.com' });
      const invoke = roleStatements(s.json, 'scheduler_schedule-role');
      expect(statementsWith(invoke, 'lambda:InvokeFunction')[0]?.resources).to.include(
        ref(s.json, 'aws_lambda_function', 'arn'),
      );
      expect(statementsWith(invoke, 'sqs:SendMessage')[0]?.resources).to.deep.equal([
        ref(s.json, 'aws_sqs_queue', 'arn'),
      ]);
      const asyncConfig = onlyResource(s.json, 'aws_lambda_function_event_invoke_config');
      expect(JSON.stringify(asyncConfig.destination_config)).to.include(ref(s.json, 'aws_sqs_queue', 'arn'));
    });

    it('guards deployment of the Lambda on the bundle having been built', () => {
      const fn = onlyResource(s.json, 'aws_lambda_function');
      const pre = list(obj(fn, 'lifecycle'), 'precondition') as Block[];
      expect(pre).to.have.lengthOf(1);
      const local = str(pre[0] ?? {}, 'condition').replace(/^\$\{local\.(.+)\}$/, '$1');
      expect(s.json.locals?.[local]).to.equal(!s.stack.scheduler.bundleIsPlaceholder);
      expect(str(pre[0] ?? {}, 'error_message')).to.include('npm run build');
    });
  });

  describe('Analytics', () => {
    let table: Block;
    before(() => {
      const calls = Object.values(resourcesOf(s.json, 'aws_glue_catalog_table')).find((t) => t.name === 'calls');
      if (!calls) throw new Error('no calls table');
      table = calls;
    });

    it('defines the table columns from athenaColumns(service), as Glue stores them', () => {
      const columns = list(obj(table, 'storage_descriptor'), 'columns') as Block[];
      expect(columns.map((c) => ({ name: c.name, type: c.type }))).to.deep.equal(
        athenaColumns('AmazonChimeVoiceConnector').map((c) => ({ name: c.name.toLowerCase(), type: c.type })),
      );
      const cost = columns.find((c) => c.name === 'cost');
      expect(cost?.type).to.equal('decimal(38,28)');
    });

    it('reads Parquet under <summaryPrefix>parquet/ with year/month/day partition projection', () => {
      const sd = obj(table, 'storage_descriptor');
      expect(sd.location).to.equal(`s3://acme-chime-cdrs/${VC.summaryPrefix}parquet/`);
      expect(obj(sd, 'ser_de_info').serialization_library).to.equal(
        'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      );
      expect(sd.input_format).to.match(/Parquet/);
      expect((list(table, 'partition_keys') as Block[]).map((k) => k.name)).to.deep.equal(['year', 'month', 'day']);
      const p = obj(table, 'parameters');
      expect(p['projection.enabled']).to.equal('true');
      for (const key of ['year', 'month', 'day']) expect(p[`projection.${key}.type`]).to.equal('integer');
      expect(p['projection.month.digits']).to.equal('2');
      expect(p['projection.day.digits']).to.equal('2');
      expect(table.table_type).to.equal('EXTERNAL_TABLE');
    });

    it('escapes the location template so Terraform hands the year/month/day placeholders to Athena', () => {
      const template = str(obj(table, 'parameters'), 'storage.location.template');
      // "$${" in Terraform JSON is a literal "${": Athena receives year=${year}/month=${month}/day=${day}.
      expect(template).to.equal(
        `s3://acme-chime-cdrs/${VC.summaryPrefix}parquet/year=$\${year}/month=$\${month}/day=$\${day}/`,
      );
      expect(s.text).to.not.match(/(?<!\$)\$\{(year|month|day)\}/);
    });

    it('pins the workgroup to engine v3 with a results location and a scan limit', () => {
      const wg = onlyResource(s.json, 'aws_athena_workgroup');
      const conf = obj(wg, 'configuration');
      expect(obj(conf, 'engine_version').selected_engine_version).to.equal(ATHENA_ENGINE_VERSION);
      expect(conf.enforce_workgroup_configuration).to.equal(true);
      expect(conf.bytes_scanned_cutoff_per_query).to.equal(10 * 1024 ** 3);
      expect(obj(conf, 'result_configuration').output_location).to.equal(
        `s3://acme-chime-cdrs/${VC.summaryPrefix}athena-results/chime-vc-daily/`,
      );
    });

    it('saves the named queries, valid against the generated columns', () => {
      // The queries over the calls table (the dashboard's, over the aggregate tables, are tested apart).
      const saved = Object.values(resourcesOf(s.json, 'aws_athena_named_query')).filter((q) =>
        str(q, 'query').includes('FROM "chime_vc_daily"."calls"'),
      );
      expect(saved).to.have.length(4);
      const titles = saved.map((q) => str(q, 'name'));
      expect(titles.some((t) => /cost by voice connector by day/i.test(t))).to.equal(true);
      expect(titles.some((t) => /top destinations by cost/i.test(t))).to.equal(true);
      expect(titles.some((t) => /unrated calls/i.test(t))).to.equal(true);
      expect(titles.some((t) => /month-over-month/i.test(t))).to.equal(true);
      const known = new Set([
        ...athenaColumns('AmazonChimeVoiceConnector').map((c) => c.name.toLowerCase()),
        'year',
        'month',
        'day',
      ]);
      for (const q of saved) {
        const sql = str(q, 'query');
        expect(q.workgroup).to.equal(ref(s.json, 'aws_athena_workgroup', 'name'));
        expect(sql).to.include('FROM "chime_vc_daily"."calls"');
        expect(sql, 'no Terraform template sequences').to.not.match(/[$%]\{/);
        const quoted = [...sql.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
        for (const id of quoted.filter((x) => x !== 'chime_vc_daily' && x !== 'calls')) {
          expect(known.has(id), `${id} in ${q.name}`).to.equal(true);
        }
        expect(sql, 'partition filter').to.match(/year \* (10000|100)/);
      }
      const unrated = namedQueries('AmazonChimeVoiceConnector', 'd', 't').find((q) => q.id === 'unrated-calls');
      expect(unrated?.sql).to.include(`"ratingstatus" <> 'RATED'`);
    });
  });

  describe('Registry', () => {
    it('creates an immutable, scanned ECR repository with a lifecycle policy', () => {
      const repo = onlyResource(s.json, 'aws_ecr_repository');
      expect(repo.name).to.equal('chime-vc-daily');
      expect(repo.image_tag_mutability).to.equal('IMMUTABLE');
      expect(obj(repo, 'image_scanning_configuration').scan_on_push).to.equal(true);
      const policy = JSON.parse(str(onlyResource(s.json, 'aws_ecr_lifecycle_policy'), 'policy')) as {
        rules: { selection: { tagStatus: string; countType: string; countNumber: number } }[];
      };
      const keep = policy.rules.find((r) => r.selection.countType === 'imageCountMoreThan');
      expect(keep?.selection).to.deep.include({ tagStatus: 'any', countNumber: 10 });
    });
  });

  describe('IAM', () => {
    it('grants no wildcard action anywhere', () => {
      const all = policies(s.json);
      expect(all.length).to.equal(8);
      for (const p of all) {
        for (const st of p.statements) {
          // The only Deny narrows a grant: leases are create-only (If-None-Match required).
          if (st.effect === 'Deny') expect(st.sid, p.address).to.equal('LeasesCreateOnly');
          else expect(st.effect).to.equal('Allow');
          for (const action of st.actions) expect(action, `${p.address} ${st.sid}`).to.not.include('*');
        }
      }
    });

    it('uses a "*" resource only for actions without resource-level permissions', () => {
      const allowed = new Set([
        'ecr:GetAuthorizationToken',
        'batch:ListJobs',
        'batch:DescribeJobs',
        'batch:DescribeJobDefinitions',
        'pricing:GetProducts',
        'pricing:ListPriceLists',
        'pricing:GetPriceListFileUrl',
        'pricing:DescribeServices',
      ]);
      for (const p of policies(s.json).filter((x) => !x.address.endsWith('(trust)'))) {
        for (const st of p.statements.filter((x) => x.resources.includes('*'))) {
          for (const action of st.actions) expect(allowed.has(action), `${action} on *`).to.equal(true);
        }
      }
    });

    it('scopes every S3 grant to the service prefixes', () => {
      const bucket = bucketArnRef(s.json);
      const inPrefixes = (resource: string, prefixes: string[]) =>
        prefixes.some((prefix) => resource === `${bucket}/${prefix}*`);
      for (const p of policies(s.json)) {
        const grants = p.statements.filter((x) => x.effect === 'Allow' && x.actions.some((a) => a.startsWith('s3:')));
        for (const st of grants) {
          if (st.actions.includes('s3:ListBucket')) {
            expect(st.actions).to.deep.equal(['s3:ListBucket']);
            expect(st.resources).to.deep.equal([bucket]);
            const prefixes = listPrefixes(st);
            expect(prefixes).to.be.an('array').that.is.not.empty;
            for (const prefix of prefixes) {
              expect([VC.cdrPrefix, VC.pricingPrefix, VC.summaryPrefix].map((x) => `${x}*`)).to.include(prefix);
            }
          } else {
            for (const r of st.resources) {
              expect(inPrefixes(r, [VC.cdrPrefix, VC.pricingPrefix, VC.summaryPrefix]), r).to.equal(true);
            }
          }
        }
      }
    });

    it('lets the job read CDRs, prices and reports, and write only reports', () => {
      const bucket = bucketArnRef(s.json);
      const job = roleStatements(s.json, 'batch_job-role');
      const reads = statementsWith(job, 's3:GetObject').flatMap((st) => st.resources);
      expect(reads.sort()).to.deep.equal(
        [VC.cdrPrefix, VC.pricingPrefix, VC.summaryPrefix].map((p) => `${bucket}/${p}*`).sort(),
      );
      const allows = job.filter((st) => st.effect === 'Allow');
      for (const action of ['s3:PutObject', 's3:DeleteObject']) {
        expect(statementsWith(allows, action).flatMap((st) => st.resources)).to.deep.equal([
          `${bucket}/${VC.summaryPrefix}*`,
        ]);
      }
      const createOnly = job.find((st) => st.sid === 'LeasesCreateOnly');
      expect(createOnly).to.deep.include({
        effect: 'Deny',
        actions: ['s3:PutObject'],
        resources: [`${bucket}/${VC.summaryPrefix}leases/*`],
        condition: { Null: { 's3:if-none-match': 'true' } },
      });
      const listing = statementsWith(job, 's3:ListBucket')[0];
      expect(listPrefixes(listing)).to.have.members([
        `${VC.cdrPrefix}*`,
        `${VC.pricingPrefix}*`,
        `${VC.summaryPrefix}*`,
      ]);
    });

    it('lets the scheduler write price snapshots, only read run manifests, call Pricing and submit to its queue', () => {
      const bucket = bucketArnRef(s.json);
      const fn = roleStatements(s.json, 'scheduler_function-role');
      expect(statementsWith(fn, 's3:PutObject').flatMap((st) => st.resources)).to.deep.equal([
        `${bucket}/${VC.pricingPrefix}*`,
      ]);
      // Price snapshots are only written; reports only read (recent manifests, for late-filed CDRs).
      expect(statementsWith(fn, 's3:GetObject').flatMap((st) => st.resources)).to.deep.equal([
        `${bucket}/${VC.summaryPrefix}*`,
      ]);
      expect(statementsWith(fn, 's3:ListBucket').flatMap((st) => listPrefixes(st))).to.deep.equal([
        `${VC.summaryPrefix}*`,
      ]);
      expect(statementsWith(fn, 's3:DeleteObject')).to.deep.equal([]);
      const submit = statementsWith(fn, 'batch:SubmitJob');
      expect(submit).to.have.lengthOf(1);
      expect(submit[0]?.actions).to.deep.equal(['batch:SubmitJob']);
      expect(submit[0]?.resources).to.have.members([
        ref(s.json, 'aws_batch_job_queue', 'arn'),
        ref(s.json, 'aws_batch_job_definition', 'arn_prefix'),
        `${ref(s.json, 'aws_batch_job_definition', 'arn_prefix')}:*`,
      ]);
      for (const action of [
        'pricing:GetProducts',
        'pricing:ListPriceLists',
        'pricing:GetPriceListFileUrl',
        'pricing:DescribeServices',
      ]) {
        expect(statementsWith(fn, action), action).to.have.lengthOf(1);
      }
      expect(statementsWith(fn, 'batch:ListJobs')[0]?.resources).to.deep.equal(['*']);
      // Image before schedule: the Lambda may describe images of the stack's repository only.
      expect(statementsWith(fn, 'ecr:DescribeImages')[0]?.resources).to.deep.equal([
        ref(s.json, 'aws_ecr_repository', 'arn'),
      ]);
      const env = obj(obj(onlyResource(s.json, 'aws_lambda_function'), 'environment'), 'variables');
      expect(env.CHECK_JOB_IMAGE).to.equal('true');
    });

    it('lets the execution role pull only the stack image and write only the job log group', () => {
      const exec = roleStatements(s.json, 'batch_execution-role');
      expect(statementsWith(exec, 'ecr:BatchGetImage')[0]?.resources).to.deep.equal([
        ref(s.json, 'aws_ecr_repository', 'arn'),
      ]);
      const logs = statementsWith(exec, 'logs:PutLogEvents')[0]?.resources ?? [];
      expect(logs).to.have.lengthOf(1);
      expect(logs[0]).to.match(/^\$\{aws_cloudwatch_log_group\.batch_log-group_[^.]+\.arn\}:\*$/);
    });

    it('trusts only the right service principals, on behalf of this account', () => {
      const trusts = policies(s.json).filter((p) => p.address.endsWith('(trust)'));
      const principals = trusts.map((t) => JSON.stringify(t.statements[0]?.principal)).sort();
      expect(principals).to.deep.equal(
        [
          { Service: 'ecs-tasks.amazonaws.com' },
          { Service: 'ecs-tasks.amazonaws.com' },
          { Service: 'lambda.amazonaws.com' },
          { Service: 'scheduler.amazonaws.com' },
        ]
          .map((x) => JSON.stringify(x))
          .sort(),
      );
      for (const t of trusts) expect(JSON.stringify(t.statements[0]?.condition)).to.include('aws:SourceAccount');
    });
  });
});

/** Logical id of the role whose id starts with `prefix`. */
function roleId(s: Synthesized, prefix: string): string {
  const id = Object.keys(resourcesOf(s.json, 'aws_iam_role')).find((x) => x.startsWith(prefix));
  if (id === undefined) throw new Error(`no role ${prefix}`);
  return id;
}
