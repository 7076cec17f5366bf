import { BatchComputeEnvironment } from '@cdktf/provider-aws/lib/batch-compute-environment';
import { BatchJobDefinition } from '@cdktf/provider-aws/lib/batch-job-definition';
import { BatchJobQueue } from '@cdktf/provider-aws/lib/batch-job-queue';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import { ANOMALY_TOPIC_ENV } from '../../job/core/insight-env';
import { JOB_DEFINITION_COMMAND } from '../../job/core/job-command';
import { type ServiceCode, schemaFor } from '../../job/core/schema';
import { RETRY_CONDITIONS, validateRetryConditions } from '../batch-retry';
import { isValidFargateSize } from '../fargate';
import { createOnlyStatement, kmsStatement, listBucketStatement, objectArns } from '../iam';
import { serviceRole } from './service-role';

/** Numeric `uid:gid` the container runs as: the `node` user of the official Node.js images. */
export const CONTAINER_USER = '1000:1000';
/** Writable scratch folder (the root file system is read-only); `TMPDIR` points here. */
export const SCRATCH_PATH = '/scratch';

/**
 * The container command: arguments to the image's `cdr-summary` entrypoint, with `Ref::<name>`
 * placeholders filled from the job's parameters; derived from the job's own definition of its command
 * (job/core/job-command.ts). The scheduler submits `end`, `frequency` and `prices` (the price snapshot
 * it stored for the period). `source`, `service` and `frequency` have defaults in the job definition;
 * `end` and `prices` have none (the snapshot depends on the period), so every submission gives them.
 */
export const JOB_COMMAND: readonly string[] = JOB_DEFINITION_COMMAND;

/** Properties of {@link SummaryBatchJob}. */
export interface SummaryBatchJobProps {
  /** Prefix of every resource name. */
  readonly namePrefix: string;
  /** Region of the stack (for the awslogs driver). */
  readonly region: string;
  /** Account ID (a token is fine): trust policies accept only calls on its behalf. */
  readonly accountId: string;
  /** Service whose CDRs the job summarizes: decides the S3 prefixes the job may touch. */
  readonly service: ServiceCode;
  /** Bucket holding CDRs, price snapshots and reports. */
  readonly bucketName: string;
  /** ARN of that bucket. */
  readonly bucketArn: string;
  /** Full image reference (`<repository URL>:<tag>`). */
  readonly imageUri: string;
  /** ARN of the ECR repository the image comes from (pull permission). */
  readonly repositoryArn: string;
  /** Subnets of the tasks. */
  readonly subnetIds: string[];
  /** Security groups of the tasks. */
  readonly securityGroupIds: string[];
  /** Frequency used when a submission does not give one. */
  readonly defaultFrequency: string;
  /** Give tasks a public IP (needed to reach AWS APIs from a public subnet without NAT). @default true */
  readonly assignPublicIp?: boolean;
  /** vCPU per task, a Fargate value. @default '1' */
  readonly vcpu?: string;
  /** Memory per task in MiB, valid with `vcpu` on Fargate. @default 2048 */
  readonly memoryMiB?: number;
  /** Ceiling of each compute environment. @default 16 */
  readonly maxVcpus?: number;
  /** Put a Fargate Spot compute environment before the on-demand one. @default true */
  readonly useFargateSpot?: boolean;
  /** Attempts per job. @default 3 */
  readonly attempts?: number;
  /** Attempt timeout in seconds (≥ 60). @default 14400 */
  readonly timeoutSeconds?: number;
  /** Retention of the job's log group, in days. @default 30 */
  readonly logRetentionDays?: number;
  /** Customer-managed KMS key of the bucket, if any. @default none (SSE-S3) */
  readonly kmsKeyArn?: string;
  /** SNS topic the job tells about cost anomalies (opt-in; a token is fine). @default none */
  readonly anomalyTopicArn?: string;
}

/**
 * Everything that runs the summary job on AWS Batch with Fargate: a Fargate Spot compute
 * environment first and an on-demand one as fallback, a job queue, a job definition (read-only root
 * file system with a scratch volume, non-root user, awslogs with retention, infrastructure-only
 * retries, attempt timeout, explicit network and platform configuration so it does not drift), the
 * execution role (pull the image, write logs) and the job role (S3 access scoped to the service's
 * prefixes).
 */
export class SummaryBatchJob extends Construct {
  /** Log group of the job's containers. */
  readonly logGroup: CloudwatchLogGroup;
  /** Role ECS uses to pull the image and ship logs. */
  readonly executionRole: IamRole;
  /** Role the job's code runs with. */
  readonly jobRole: IamRole;
  /** Fargate Spot compute environment, when enabled. */
  readonly spotComputeEnvironment?: BatchComputeEnvironment;
  /** On-demand Fargate compute environment. */
  readonly onDemandComputeEnvironment: BatchComputeEnvironment;
  /** The job queue (Spot first, then on-demand). */
  readonly jobQueue: BatchJobQueue;
  /** The job definition. */
  readonly jobDefinition: BatchJobDefinition;
  /** The container properties as registered (before JSON encoding), for inspection. */
  readonly containerProperties: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: SummaryBatchJobProps) {
    super(scope, id);
    const vcpu = props.vcpu ?? '1';
    const memoryMiB = props.memoryMiB ?? 2048;
    const maxVcpus = props.maxVcpus ?? 16;
    const attempts = props.attempts ?? 3;
    const timeoutSeconds = props.timeoutSeconds ?? 14_400;
    if (!isValidFargateSize(vcpu, memoryMiB)) {
      throw new Error(`SummaryBatchJob: ${vcpu} vCPU with ${memoryMiB} MiB is not a Fargate task size`);
    }
    if (maxVcpus < Number(vcpu)) throw new Error('SummaryBatchJob: maxVcpus is below the task vCPU');
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
      throw new Error('SummaryBatchJob: attempts must be 1 to 10');
    }
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 60) {
      throw new Error('SummaryBatchJob: timeoutSeconds must be ≥ 60');
    }
    validateRetryConditions(RETRY_CONDITIONS);
    const prefix = props.namePrefix;
    const schema = schemaFor(props.service);

    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/batch/${prefix}`,
      retentionInDays: props.logRetentionDays ?? 30,
    });

    this.executionRole = serviceRole(this, 'execution', {
      name: `${prefix}-batch-execution`,
      description: 'Pulls the CDR summary image and writes its logs',
      servicePrincipal: 'ecs-tasks.amazonaws.com',
      accountId: props.accountId,
      policyName: 'pull-image-write-logs',
      statements: [
        {
          sid: 'PullJobImage',
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          resources: [props.repositoryArn],
        },
        // GetAuthorizationToken has no resource-level permissions: its resource must be "*".
        { sid: 'EcrLogin', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
        {
          sid: 'WriteJobLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
      ],
    });

    const readPrefixes = [schema.cdrPrefix, schema.pricingPrefix, schema.summaryPrefix];
    this.jobRole = serviceRole(this, 'job', {
      name: `${prefix}-batch-job`,
      description: 'Reads CDRs and price snapshots, writes the reports',
      servicePrincipal: 'ecs-tasks.amazonaws.com',
      accountId: props.accountId,
      policyName: 'summarize-cdrs',
      statements: [
        {
          // Summary objects are read back when shards are merged and earlier reports replaced.
          sid: 'ReadCdrsPricesReports',
          actions: ['s3:GetObject'],
          resources: objectArns(props.bucketArn, readPrefixes),
        },
        {
          sid: 'WriteReports',
          actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
          resources: objectArns(props.bucketArn, [schema.summaryPrefix]),
        },
        // Lets the store tell a missing key from a denied one: S3 answers 403 for a missing key to a
        // role that may not list it, and the job then lists exactly that key (see S3Store).
        listBucketStatement('ListOwnPrefixes', props.bucketArn, readPrefixes),
        // Leases are mutual exclusion: only a create-if-absent (If-None-Match: *) may write one.
        createOnlyStatement('LeasesCreateOnly', props.bucketArn, [`${schema.summaryPrefix}leases/`]),
        ...kmsStatement(props.kmsKeyArn, true),
        // A lease left by a Batch job that FAILED (attempts spent) is taken over at once; DescribeJobs
        // has no resource-level permissions, so its resource must be "*" (read-only).
        { sid: 'SeeFailedLeaseHolders', actions: ['batch:DescribeJobs'], resources: ['*'] },
        // Cost insight: one message per run that found anomalies, to this topic only.
        ...(props.anomalyTopicArn
          ? [{ sid: 'PublishAnomalies', actions: ['sns:Publish'], resources: [props.anomalyTopicArn] }]
          : []),
      ],
    });

    const computeResources = (type: 'FARGATE' | 'FARGATE_SPOT') => ({
      type,
      maxVcpus,
      subnets: props.subnetIds,
      securityGroupIds: props.securityGroupIds,
    });
    if (props.useFargateSpot ?? true) {
      this.spotComputeEnvironment = new BatchComputeEnvironment(this, 'spot', {
        name: `${prefix}-spot`,
        type: 'MANAGED',
        state: 'ENABLED',
        computeResources: computeResources('FARGATE_SPOT'),
      });
    }
    this.onDemandComputeEnvironment = new BatchComputeEnvironment(this, 'on-demand', {
      name: `${prefix}-ondemand`,
      type: 'MANAGED',
      state: 'ENABLED',
      computeResources: computeResources('FARGATE'),
    });

    const environments = [this.spotComputeEnvironment, this.onDemandComputeEnvironment].filter(
      (env): env is BatchComputeEnvironment => env !== undefined,
    );
    this.jobQueue = new BatchJobQueue(this, 'queue', {
      name: `${prefix}-queue`,
      state: 'ENABLED',
      priority: 1,
      computeEnvironmentOrder: environments.map((env, index) => ({ order: index + 1, computeEnvironment: env.arn })),
      // A job that can never be placed would sit RUNNABLE forever and block the next scheduled run
      // (the scheduler refuses to submit while a job of the same name is active): cancel it.
      jobStateTimeLimitAction: [
        'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE',
        'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT',
      ].map((reason) => ({ action: 'CANCEL', state: 'RUNNABLE', maxTimeSeconds: 3600, reason })),
    });

    // Leave a quarter of the memory to everything that is not the V8 heap.
    const heapMiB = Math.floor(memoryMiB * 0.75);
    this.containerProperties = {
      image: props.imageUri,
      command: [...JOB_COMMAND],
      jobRoleArn: this.jobRole.arn,
      executionRoleArn: this.executionRole.arn,
      resourceRequirements: [
        { type: 'VCPU', value: vcpu },
        { type: 'MEMORY', value: String(memoryMiB) },
      ],
      user: CONTAINER_USER,
      readonlyRootFilesystem: true,
      volumes: [{ name: 'scratch' }],
      mountPoints: [{ sourceVolume: 'scratch', containerPath: SCRATCH_PATH, readOnly: false }],
      environment: [
        { name: 'NODE_OPTIONS', value: `--max-old-space-size=${heapMiB}` },
        { name: 'TMPDIR', value: SCRATCH_PATH },
        ...(props.anomalyTopicArn ? [{ name: ANOMALY_TOPIC_ENV, value: props.anomalyTopicArn }] : []),
      ],
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': this.logGroup.name,
          'awslogs-region': props.region,
          'awslogs-stream-prefix': 'job',
        },
      },
      networkConfiguration: { assignPublicIp: (props.assignPublicIp ?? true) ? 'ENABLED' : 'DISABLED' },
      fargatePlatformConfiguration: { platformVersion: 'LATEST' },
      // Fargate Spot runs x86_64 only; the image is built for linux/amd64.
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    };

    this.jobDefinition = new BatchJobDefinition(this, 'job-definition', {
      name: `${prefix}-job`,
      type: 'container',
      platformCapabilities: ['FARGATE'],
      parameters: {
        source: `s3://${props.bucketName}`,
        frequency: props.defaultFrequency,
        service: props.service,
      },
      containerProperties: JSON.stringify(this.containerProperties),
      retryStrategy: { attempts, evaluateOnExit: RETRY_CONDITIONS.map((c) => ({ ...c })) },
      timeout: { attemptDurationSeconds: timeoutSeconds },
    });
  }
}
