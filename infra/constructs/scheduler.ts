import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { App, AssetType, TerraformAsset, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { schedulerEnvironment } from '../../job/core/scheduler-env';
import { type ServiceCode, schemaFor } from '../../job/core/schema';
import type { Frequency } from '../config';
import { kmsStatement, listBucketStatement, objectArns } from '../iam';
import { MISSING_BUNDLE_MESSAGE, resolveSchedulerBundle } from '../scheduler-bundle';
import { serviceRole } from './service-role';

/** When each frequency runs: 01:00 UTC daily, on Mondays, on the 1st of the month. */
export const SCHEDULE_EXPRESSIONS: Readonly<Record<Frequency, string>> = {
  Daily: 'cron(0 1 * * ? *)',
  Weekly: 'cron(0 1 ? * MON *)',
  Monthly: 'cron(0 1 1 * ? *)',
};

/**
 * What the schedule sends the Lambda: an EventBridge-style "Scheduled Event" whose `time` and
 * `resources` EventBridge Scheduler fills in at each invocation (context attributes). The handler
 * takes the period from the scheduled time (a retry after midnight still summarizes the same
 * period) and trusts only events naming its own schedule.
 */
export const SCHEDULE_INPUT = JSON.stringify({
  source: 'aws.scheduler',
  'detail-type': 'Scheduled Event',
  time: '<aws.scheduler.scheduled-time>',
  resources: ['<aws.scheduler.schedule-arn>'],
});

/** Node.js runtime of the scheduler Lambda. */
export const SCHEDULER_RUNTIME = 'nodejs22.x';

/** Properties of {@link SummaryScheduler}. */
export interface SummarySchedulerProps {
  /** Prefix of every resource name. */
  readonly namePrefix: string;
  /** Account ID (a token is fine): the schedule's role trusts only schedules of this account. */
  readonly accountId: string;
  readonly service: ServiceCode;
  /** Schedule, and the period length of scheduled runs. */
  readonly frequency: Frequency;
  /** Bucket holding CDRs, price snapshots and reports. */
  readonly bucketName: string;
  readonly bucketArn: string;
  /** Job queue name and ARN the Lambda submits to. */
  readonly jobQueueName: string;
  readonly jobQueueArn: string;
  /** Job definition name (latest active revision is used) and its ARN without revision. */
  readonly jobDefinitionName: string;
  readonly jobDefinitionArnPrefix: string;
  /** ARN of the ECR repository of the job image: the Lambda checks the image exists before submitting. */
  readonly repositoryArn: string;
  /** Folder holding the built bundle (`index.js` exporting `handler`). */
  readonly bundleDir: string;
  /** Shards per run (> 1: array job). @default 1 */
  readonly arraySize?: number;
  /** Log retention in days. @default 30 */
  readonly logRetentionDays?: number;
  /** Reserved concurrency; `undefined` leaves the function unreserved. @default 1 (one run at a time) */
  readonly reservedConcurrency?: number | undefined;
  /** Run on the schedule; false deploys the schedule disabled. @default true */
  readonly enabled?: boolean;
  /** Lambda memory (MiB): offer files are large JSON documents. @default 1024 */
  readonly memorySize?: number;
  /** Lambda timeout (s). @default 600 */
  readonly timeoutSeconds?: number;
  /** Customer-managed KMS key of the bucket, if any. @default none */
  readonly kmsKeyArn?: string;
  /** Rate deck / connectors the scheduler hands each job (RATE_DECK_KEY, CONNECTORS_KEY, REFRESH_CONNECTORS). */
  readonly chargeInputs?: {
    readonly rateDeckKey?: string;
    readonly connectorsKey?: string;
    readonly refreshConnectors?: boolean;
  };
}

/**
 * The scheduler: a Lambda (Node.js 22, code from the `dist/scheduler` bundle as a Terraform asset)
 * that stores the price snapshot and submits the Batch job; its log group with retention; an
 * EventBridge Scheduler schedule in UTC with retries, whose failed deliveries — and the Lambda's
 * failed asynchronous runs — land in an SQS dead-letter queue; and the roles of both.
 */
export class SummaryScheduler extends Construct {
  /** The Lambda's code package. */
  readonly asset: TerraformAsset;
  /** True when dist/scheduler was not built and a placeholder was packaged (deploy is refused). */
  readonly bundleIsPlaceholder: boolean;
  readonly logGroup: CloudwatchLogGroup;
  /** Role of the Lambda. */
  readonly functionRole: IamRole;
  readonly function: LambdaFunction;
  /** Dead-letter queue of the schedule and of failed asynchronous invocations. */
  readonly deadLetterQueue: SqsQueue;
  /** Async invocation settings (retries, failure destination). */
  readonly invokeConfig: LambdaFunctionEventInvokeConfig;
  /** Role EventBridge Scheduler assumes to invoke the Lambda. */
  readonly scheduleRole: IamRole;
  readonly schedule: SchedulerSchedule;

  constructor(scope: Construct, id: string, props: SummarySchedulerProps) {
    super(scope, id);
    const arraySize = props.arraySize ?? 1;
    if (!Number.isInteger(arraySize) || arraySize < 1 || arraySize > 10_000) {
      throw new Error('SummaryScheduler: arraySize must be 1 to 10000');
    }
    const reserved = 'reservedConcurrency' in props ? props.reservedConcurrency : 1;
    const prefix = props.namePrefix;
    const functionName = `${prefix}-scheduler`;
    const scheduleName = `${prefix}-schedule`;
    const schema = schemaFor(props.service);
    const charges = props.chargeInputs ?? {};

    const bundle = resolveSchedulerBundle(props.bundleDir, App.of(this).outdir);
    this.bundleIsPlaceholder = bundle.placeholder;
    this.asset = new TerraformAsset(this, 'bundle', { path: bundle.dir, type: AssetType.ARCHIVE });
    // Read by the Lambda's precondition: plan/apply stop here when the bundle was not built.
    const bundleBuilt = new TerraformLocal(this, 'scheduler_bundle_built', !bundle.placeholder);

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: props.logRetentionDays ?? 30,
    });

    this.deadLetterQueue = new SqsQueue(this, 'dead-letter-queue', {
      name: `${prefix}-scheduler-dlq`,
      messageRetentionSeconds: 1_209_600,
      sqsManagedSseEnabled: true,
    });

    this.functionRole = serviceRole(this, 'function', {
      name: `${prefix}-scheduler`,
      description: 'Stores price snapshots and submits the CDR summary job',
      servicePrincipal: 'lambda.amazonaws.com',
      accountId: props.accountId,
      policyName: 'snapshot-prices-submit-job',
      statements: [
        {
          sid: 'WriteLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
        // The Price List API has no resource-level permissions: "*" is its only resource.
        {
          sid: 'ReadPriceList',
          actions: [
            'pricing:DescribeServices',
            'pricing:GetPriceListFileUrl',
            'pricing:GetProducts',
            'pricing:ListPriceLists',
          ],
          resources: ['*'],
        },
        // The Lambda only writes (snapshot, raw price files): it never reads or lists the bucket.
        {
          sid: 'WritePriceSnapshots',
          actions: ['s3:PutObject'],
          resources: objectArns(props.bucketArn, [schema.pricingPrefix]),
        },
        // Scheduled invocations read recent run manifests (read-only) for late-filed CDRs to re-run their periods.
        {
          sid: 'ReadRunManifests',
          actions: ['s3:GetObject'],
          resources: objectArns(props.bucketArn, [schema.summaryPrefix]),
        },
        listBucketStatement('ListRunManifests', props.bucketArn, [schema.summaryPrefix]),
        {
          sid: 'SubmitSummaryJob',
          actions: ['batch:SubmitJob'],
          resources: [props.jobQueueArn, props.jobDefinitionArnPrefix, `${props.jobDefinitionArnPrefix}:*`],
        },
        // ListJobs and DescribeJobs support no resource-level permissions (IAM evaluates them
        // against "*" only); they are read-only and used to refuse a duplicate submission.
        { sid: 'FindActiveJobs', actions: ['batch:DescribeJobs', 'batch:ListJobs'], resources: ['*'] },
        // Image before schedule: which image the job definition runs (DescribeJobDefinitions has no
        // resource-level permissions), and whether the stack's repository holds it.
        { sid: 'ReadJobDefinition', actions: ['batch:DescribeJobDefinitions'], resources: ['*'] },
        { sid: 'CheckJobImage', actions: ['ecr:DescribeImages'], resources: [props.repositoryArn] },
        {
          sid: 'ReportFailedRuns',
          actions: ['sqs:SendMessage'],
          resources: [this.deadLetterQueue.arn],
        },
        ...kmsStatement(props.kmsKeyArn, true),
        // Connector names and tags for the reports (REFRESH_CONNECTORS): ListVoiceConnectors has no
        // resource-level permissions; tags are read per Voice Connector ARN.
        ...(charges.refreshConnectors
          ? [
              { sid: 'ListVoiceConnectors', actions: ['chime:ListVoiceConnectors'], resources: ['*'] },
              {
                sid: 'ReadVoiceConnectorTags',
                actions: ['chime:ListTagsForResource'],
                resources: [`arn:aws:chime:*:${props.accountId}:vc/*`],
              },
            ]
          : []),
      ],
    });

    this.function = new LambdaFunction(this, 'function', {
      functionName,
      description: `Snapshots ${props.service} prices and submits the ${props.frequency} CDR summary job`,
      role: this.functionRole.arn,
      runtime: SCHEDULER_RUNTIME,
      handler: 'index.handler',
      architectures: ['x86_64'],
      filename: this.asset.path,
      sourceCodeHash: this.asset.assetHash,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeoutSeconds ?? 600,
      ...(reserved !== undefined ? { reservedConcurrentExecutions: reserved } : {}),
      environment: {
        variables: schedulerEnvironment({
          bucket: props.bucketName,
          service: props.service,
          frequency: props.frequency,
          jobQueue: props.jobQueueName,
          jobDefinition: props.jobDefinitionName,
          arraySize,
          jobNamePrefix: prefix,
          scheduleName,
          checkJobImage: true,
          rateDeckKey: charges.rateDeckKey,
          connectorsKey: charges.connectorsKey,
          refreshConnectors: charges.refreshConnectors,
        }),
      },
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      dependsOn: [this.logGroup],
      lifecycle: {
        precondition: [{ condition: bundleBuilt.asBoolean, errorMessage: MISSING_BUNDLE_MESSAGE }],
      },
    });

    // The handler is idempotent (deterministic job name, duplicate refusal): retried runs are safe.
    this.invokeConfig = new LambdaFunctionEventInvokeConfig(this, 'invoke-config', {
      functionName: this.function.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 6 * 3600,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
    });

    this.scheduleRole = serviceRole(this, 'schedule', {
      name: `${prefix}-schedule`,
      description: 'Lets EventBridge Scheduler invoke the CDR summary scheduler',
      servicePrincipal: 'scheduler.amazonaws.com',
      accountId: props.accountId,
      policyName: 'invoke-scheduler',
      statements: [
        {
          sid: 'InvokeScheduler',
          actions: ['lambda:InvokeFunction'],
          resources: [this.function.arn, `${this.function.arn}:*`],
        },
        { sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] },
      ],
    });

    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: scheduleName,
      description: `${props.frequency} CDR summary of ${props.service} at 01:00 UTC`,
      scheduleExpression: SCHEDULE_EXPRESSIONS[props.frequency],
      scheduleExpressionTimezone: 'UTC',
      state: (props.enabled ?? true) ? 'ENABLED' : 'DISABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.function.arn,
        roleArn: this.scheduleRole.arn,
        // The schedule's own event: the handler summarizes the period ending the day before it.
        input: SCHEDULE_INPUT,
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
    });
  }
}
