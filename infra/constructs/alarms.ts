import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import {
  alarmTopicName,
  DEFAULT_DLQ_ALARM_PERIOD_SECONDS,
  FAILED_JOB_INPUT_PATHS,
  FAILED_JOB_MESSAGE,
  FAILED_JOB_STATUSES,
} from './alarms-defaults';

/** Properties of {@link SummaryAlarms}. */
export interface SummaryAlarmsProps {
  /** Prefix of every resource name. */
  readonly namePrefix: string;
  /** Account ID (a token is fine): only this account's rule and alarm may publish. */
  readonly accountId: string;
  /** ARN of the job queue whose failed jobs are reported. */
  readonly jobQueueArn: string;
  /** Name of the scheduler's dead-letter queue (failed scheduled deliveries and Lambda runs). */
  readonly deadLetterQueueName: string;
  /** E-mail address subscribed to the topic (AWS sends a confirmation mail first). @default no subscription */
  readonly email?: string;
  /** Period (s) of the dead-letter queue alarm. @default 300 */
  readonly dlqAlarmPeriodSeconds?: number;
}

/**
 * Operators hear about failures: an SNS topic; an EventBridge rule that forwards every Batch job of
 * this stack's queue reaching FAILED (its attempts exhausted) to the topic with a one-line message;
 * a CloudWatch alarm on the scheduler's dead-letter queue holding any message; a topic policy that
 * lets exactly that rule and that alarm publish; and an optional e-mail subscription.
 * The topic is not KMS-encrypted: EventBridge and CloudWatch cannot publish to a topic encrypted
 * with the AWS-managed SNS key, and a customer-managed key is left to the user.
 */
export class SummaryAlarms extends Construct {
  readonly topic: SnsTopic;
  readonly topicPolicy: SnsTopicPolicy;
  /** EventBridge rule matching failed jobs of the queue. */
  readonly failedJobRule: CloudwatchEventRule;
  readonly failedJobTarget: CloudwatchEventTarget;
  /** Alarm on the dead-letter queue's visible messages. */
  readonly deadLetterAlarm: CloudwatchMetricAlarm;
  /** The e-mail subscription, when an address was given. */
  readonly emailSubscription?: SnsTopicSubscription;

  constructor(scope: Construct, id: string, props: SummaryAlarmsProps) {
    super(scope, id);
    const prefix = props.namePrefix;
    if (props.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(props.email)) {
      throw new Error(`SummaryAlarms: ${JSON.stringify(props.email)} is not an e-mail address`);
    }

    this.topic = new SnsTopic(this, 'topic', {
      name: alarmTopicName(prefix),
      displayName: `CDR summary ${prefix}`,
    });

    this.failedJobRule = new CloudwatchEventRule(this, 'failed-job-rule', {
      name: `${prefix}-job-failed`,
      description: 'A CDR summary Batch job of this stack failed (every attempt used)',
      eventPattern: JSON.stringify({
        source: ['aws.batch'],
        'detail-type': ['Batch Job State Change'],
        detail: { status: [...FAILED_JOB_STATUSES], jobQueue: [props.jobQueueArn] },
      }),
    });
    this.failedJobTarget = new CloudwatchEventTarget(this, 'failed-job-target', {
      rule: this.failedJobRule.name,
      arn: this.topic.arn,
      inputTransformer: { inputPaths: { ...FAILED_JOB_INPUT_PATHS }, inputTemplate: FAILED_JOB_MESSAGE },
    });

    this.deadLetterAlarm = new CloudwatchMetricAlarm(this, 'dead-letter-alarm', {
      alarmName: `${prefix}-scheduler-dlq`,
      alarmDescription: 'A scheduled run could not be started: its event is in the scheduler dead-letter queue',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: props.deadLetterQueueName },
      statistic: 'Maximum',
      period: props.dlqAlarmPeriodSeconds ?? DEFAULT_DLQ_ALARM_PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      // An empty queue publishes no data points at all: that is the healthy state.
      treatMissingData: 'notBreaching',
      alarmActions: [this.topic.arn],
    });

    this.topicPolicy = new SnsTopicPolicy(this, 'topic-policy', {
      arn: this.topic.arn,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'FailedJobRule',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: this.topic.arn,
            Condition: { ArnEquals: { 'aws:SourceArn': this.failedJobRule.arn } },
          },
          {
            Sid: 'DeadLetterAlarm',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: this.topic.arn,
            Condition: {
              ArnEquals: { 'aws:SourceArn': this.deadLetterAlarm.arn },
              StringEquals: { 'aws:SourceAccount': props.accountId },
            },
          },
        ],
      }),
    });

    if (props.email !== undefined) {
      this.emailSubscription = new SnsTopicSubscription(this, 'email', {
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: props.email,
      });
    }
  }
}
