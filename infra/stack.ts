import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsS3Bucket } from '@cdktf/provider-aws/lib/data-aws-s3-bucket';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { InfraConfig } from './config';
import { SummaryAlarms } from './constructs/alarms';
import { alarmTopicName } from './constructs/alarms-defaults';
import { SummaryAnalytics } from './constructs/analytics';
import { SummaryBatchJob } from './constructs/batch';
import { JobVpcEndpoints } from './constructs/endpoints';
import { JobNetwork } from './constructs/network';
import { JobImageRegistry } from './constructs/registry';
import { SummaryScheduler } from './constructs/scheduler';

/**
 * One deployment of the product: the summary job for one service at one frequency, over one
 * existing CDR bucket. Every name starts with `config.namePrefix`, so several stacks (a Voice
 * Connector one and a Business Calling one, or Daily and Monthly) live side by side in an account.
 */
export class CdrSummaryStack extends TerraformStack {
  /** The CDR bucket, looked up (never created, never re-policied). */
  readonly bucket: DataAwsS3Bucket;
  readonly registry: JobImageRegistry;
  readonly network: JobNetwork;
  /** VPC endpoints for private subnets (VPC_ENDPOINTS=create|existing). */
  readonly endpoints?: JobVpcEndpoints;
  readonly batch: SummaryBatchJob;
  readonly scheduler: SummaryScheduler;
  readonly analytics: SummaryAnalytics;
  /** Alarm topic, failed-job rule and dead-letter alarm. */
  readonly alarms: SummaryAlarms;

  constructor(scope: Construct, id: string, config: InfraConfig) {
    super(scope, id);
    const prefix = config.namePrefix;

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { Application: 'chime-cdr-summary', Stack: prefix, Service: config.service } }],
    });
    const account = new DataAwsCallerIdentity(this, 'account', {});
    const partition = new DataAwsPartition(this, 'partition', {});
    this.bucket = new DataAwsS3Bucket(this, 'cdr-bucket', { bucket: config.cdrBucket });

    this.registry = new JobImageRegistry(this, 'registry', {
      repositoryName: prefix,
      keepImages: config.ecrKeepImages,
      forceDelete: config.ecrForceDelete,
    });

    this.network = new JobNetwork(this, 'network', {
      namePrefix: prefix,
      ...(config.network ? { vpcId: config.network.vpcId, subnetIds: config.network.subnetIds } : {}),
      ...(config.securityGroupIds ? { securityGroupIds: config.securityGroupIds } : {}),
    });

    if (config.vpcEndpoints !== 'none' && config.network) {
      this.endpoints = new JobVpcEndpoints(this, 'endpoints', {
        mode: config.vpcEndpoints,
        namePrefix: prefix,
        region: config.region,
        vpcId: config.network.vpcId,
        subnetIds: config.vpcEndpointSubnetIds ?? config.network.subnetIds,
        taskSubnetIds: config.network.subnetIds,
        ...(config.routeTableIds ? { routeTableIds: config.routeTableIds } : {}),
        taskSecurityGroupIds: this.network.securityGroupIds,
      });
    }

    this.batch = new SummaryBatchJob(this, 'batch', {
      namePrefix: prefix,
      region: config.region,
      accountId: account.accountId,
      service: config.service,
      bucketName: config.cdrBucket,
      bucketArn: this.bucket.arn,
      imageUri: `${this.registry.repository.repositoryUrl}:${config.imageTag}`,
      repositoryArn: this.registry.repository.arn,
      subnetIds: this.network.subnetIds,
      securityGroupIds: this.network.securityGroupIds,
      defaultFrequency: config.frequency,
      assignPublicIp: config.assignPublicIp,
      vcpu: config.jobVcpu,
      memoryMiB: config.jobMemoryMiB,
      maxVcpus: config.maxVcpus,
      useFargateSpot: config.useFargateSpot,
      attempts: config.jobAttempts,
      timeoutSeconds: config.jobTimeoutSeconds,
      logRetentionDays: config.logRetentionDays,
      ...(config.kmsKeyArn ? { kmsKeyArn: config.kmsKeyArn } : {}),
      // Cost-anomaly notices (opt-in): ANOMALY_TOPIC_ARN, else the stack's alarm topic (its ARN built
      // from its name: the topic itself is created below, with the rules that watch this queue).
      ...(config.anomalyTopicArn || config.anomalyNotices
        ? {
            anomalyTopicArn:
              config.anomalyTopicArn ??
              `arn:${partition.partition}:sns:${config.region}:${account.accountId}:${alarmTopicName(prefix)}`,
          }
        : {}),
    });

    this.scheduler = new SummaryScheduler(this, 'scheduler', {
      namePrefix: prefix,
      accountId: account.accountId,
      service: config.service,
      frequency: config.frequency,
      bucketName: config.cdrBucket,
      bucketArn: this.bucket.arn,
      jobQueueName: this.batch.jobQueue.name,
      jobQueueArn: this.batch.jobQueue.arn,
      jobDefinitionName: this.batch.jobDefinition.name,
      jobDefinitionArnPrefix: this.batch.jobDefinition.arnPrefix,
      repositoryArn: this.registry.repository.arn,
      bundleDir: config.schedulerBundleDir,
      arraySize: config.arraySize,
      logRetentionDays: config.logRetentionDays,
      reservedConcurrency: config.schedulerReservedConcurrency,
      enabled: config.scheduleEnabled,
      ...(config.kmsKeyArn ? { kmsKeyArn: config.kmsKeyArn } : {}),
      chargeInputs: config.chargeInputs,
    });

    this.analytics = new SummaryAnalytics(this, 'analytics', {
      namePrefix: prefix,
      service: config.service,
      bucketName: config.cdrBucket,
      bytesScannedCutoff: config.athenaBytesScannedCutoff,
      frequency: config.frequency,
    });

    this.alarms = new SummaryAlarms(this, 'alarms', {
      namePrefix: prefix,
      accountId: account.accountId,
      jobQueueArn: this.batch.jobQueue.arn,
      deadLetterQueueName: this.scheduler.deadLetterQueue.name,
      ...(config.alarmEmail ? { email: config.alarmEmail } : {}),
    });

    const outputs: Record<string, { value: string; description: string }> = {
      repository_url: { value: this.registry.repository.repositoryUrl, description: 'Push the job image here' },
      image: {
        value: `${this.registry.repository.repositoryUrl}:${config.imageTag}`,
        description: 'Image the job runs',
      },
      job_queue: { value: this.batch.jobQueue.name, description: 'Batch job queue' },
      job_definition: { value: this.batch.jobDefinition.name, description: 'Batch job definition' },
      scheduler_function: {
        value: this.scheduler.function.functionName,
        description: 'Lambda to invoke for a past period',
      },
      dead_letter_queue: { value: this.scheduler.deadLetterQueue.url, description: 'Failed scheduled runs' },
      alarm_topic: { value: this.alarms.topic.arn, description: 'SNS topic of failed runs (subscribe to it)' },
      athena_workgroup: { value: this.analytics.workgroup.name, description: 'Athena workgroup' },
      athena_table: {
        value: `${this.analytics.database.name}.${this.analytics.table.name}`,
        description: 'Athena table over the Parquet reports',
      },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}
