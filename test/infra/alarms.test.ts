import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../infra/config';
import { BASE_ENV, type Block, onlyResource, ref, resourcesOf, type Synthesized, str, synthesize } from './synth';

describe('infra: operators hear about failures', () => {
  let s: Synthesized;
  let topicArn: string;

  before(() => {
    s = synthesize({ ...BASE_ENV });
    topicArn = ref(s.json, 'aws_sns_topic', 'arn');
  });

  it('creates an alarm topic, named after the stack, without a subscription by default', () => {
    expect(onlyResource(s.json, 'aws_sns_topic').name).to.equal('chime-vc-daily-alarms');
    expect(resourcesOf(s.json, 'aws_sns_topic_subscription')).to.deep.equal({});
    expect(s.json.output?.alarm_topic?.value).to.equal(topicArn);
  });

  it('subscribes ALARM_EMAIL to the topic, and refuses an address that is not one', () => {
    const withEmail = synthesize({ ...BASE_ENV, ALARM_EMAIL: 'ops@example.com' });
    const subscription = onlyResource(withEmail.json, 'aws_sns_topic_subscription');
    expect(subscription).to.deep.include({ protocol: 'email', endpoint: 'ops@example.com' });
    expect(subscription.topic_arn).to.equal(ref(withEmail.json, 'aws_sns_topic', 'arn'));
    expect(() => loadConfig({ ...BASE_ENV, ALARM_EMAIL: 'ops at example' })).to.throw(ConfigError, /ALARM_EMAIL/);
  });

  it('sends every FAILED job of this stack’s queue (attempts exhausted) to the topic, as one readable line', () => {
    const rule = onlyResource(s.json, 'aws_cloudwatch_event_rule');
    expect(JSON.parse(str(rule, 'event_pattern'))).to.deep.equal({
      source: ['aws.batch'],
      'detail-type': ['Batch Job State Change'],
      detail: { status: ['FAILED'], jobQueue: [ref(s.json, 'aws_batch_job_queue', 'arn')] },
    });
    const target = onlyResource(s.json, 'aws_cloudwatch_event_target');
    expect(target.arn).to.equal(topicArn);
    expect(target.rule).to.equal(ref(s.json, 'aws_cloudwatch_event_rule', 'name'));
    const transformer = target.input_transformer as Block;
    expect(transformer.input_paths).to.include({ jobName: '$.detail.jobName', statusReason: '$.detail.statusReason' });
    expect(str(transformer, 'input_template')).to.match(/^".*<jobName>.*FAILED.*<statusReason>"$/);
  });

  it('alarms as soon as the scheduler dead-letter queue (schedule and async Lambda failures) holds a message', () => {
    const alarm = onlyResource(s.json, 'aws_cloudwatch_metric_alarm');
    expect(alarm).to.deep.include({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      statistic: 'Maximum',
      comparison_operator: 'GreaterThanThreshold',
      threshold: 0,
      evaluation_periods: 1,
      treat_missing_data: 'notBreaching',
      alarm_actions: [topicArn],
    });
    expect(alarm.dimensions).to.deep.equal({ QueueName: ref(s.json, 'aws_sqs_queue', 'name') });
    // The queue is the Lambda's asynchronous failure destination and the schedule's dead-letter queue.
    const invoke = onlyResource(s.json, 'aws_lambda_function_event_invoke_config');
    expect((invoke.destination_config as { on_failure: { destination: string } }).on_failure.destination).to.equal(
      ref(s.json, 'aws_sqs_queue', 'arn'),
    );
    const schedule = onlyResource(s.json, 'aws_scheduler_schedule');
    expect((schedule.target as { dead_letter_config: { arn: string } }).dead_letter_config.arn).to.equal(
      ref(s.json, 'aws_sqs_queue', 'arn'),
    );
  });

  it('lets exactly that rule and that alarm publish to the topic', () => {
    const policy = onlyResource(s.json, 'aws_sns_topic_policy');
    expect(policy.arn).to.equal(topicArn);
    const doc = JSON.parse(str(policy, 'policy')) as { Statement: Record<string, unknown>[] };
    expect(doc.Statement).to.have.length(2);
    const [events, cloudwatch] = doc.Statement;
    expect(events).to.deep.include({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { ArnEquals: { 'aws:SourceArn': ref(s.json, 'aws_cloudwatch_event_rule', 'arn') } },
    });
    expect(cloudwatch).to.deep.include({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topicArn,
    });
    expect((cloudwatch?.Condition as Record<string, unknown> | undefined)?.ArnEquals).to.deep.equal({
      'aws:SourceArn': ref(s.json, 'aws_cloudwatch_metric_alarm', 'arn'),
    });
  });
});
