import { expect } from 'chai';
import { SCHEDULE_INPUT } from '../../../infra/constructs/scheduler';
import { EventError, isOwnScheduleEvent, parseSchedulerEvent } from '../../../job/scheduler/event';

const DEFAULTS = {
  frequency: 'Daily' as const,
  service: 'AmazonChimeVoiceConnector' as const,
  scheduleName: 'chime-vc-daily-schedule',
};
const NOW = new Date('2025-03-10T12:00:00Z');
const SCHEDULE_ARN = 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/chime-vc-daily-schedule';

/** The schedule's input as EventBridge Scheduler delivers it (context attributes filled in). */
function delivered(time: string, arn = SCHEDULE_ARN): unknown {
  return JSON.parse(
    SCHEDULE_INPUT.replace('<aws.scheduler.scheduled-time>', time).replace('<aws.scheduler.schedule-arn>', arn),
  );
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('scheduler events: only the schedule’s own events count as scheduled', () => {
  it('the schedule’s input, as delivered, is a scheduled run for the day before its scheduled time', () => {
    const request = parseSchedulerEvent(delivered('2025-03-05T01:00:00Z'), DEFAULTS, NOW);
    expect(request.kind).to.equal('scheduled');
    expect(request.period.end).to.deep.equal({ year: 2025, month: 3, day: 4 });
  });

  it('recognizes the schedule by name in its ARN (any partition, group), or a scheduled rule of that name', () => {
    expect(
      isOwnScheduleEvent(delivered('2025-03-05T01:00:00Z') as Record<string, unknown>, DEFAULTS.scheduleName),
    ).to.equal(true);
    const cn = 'arn:aws-cn:scheduler:cn-north-1:123456789012:schedule/ops/chime-vc-daily-schedule';
    expect(
      isOwnScheduleEvent(delivered('2025-03-05T01:00:00Z', cn) as Record<string, unknown>, DEFAULTS.scheduleName),
    ).to.equal(true);
    const rule = {
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      resources: ['arn:aws:events:eu-west-1:123456789012:rule/chime-vc-daily-schedule'],
    };
    expect(isOwnScheduleEvent(rule, DEFAULTS.scheduleName)).to.equal(true);
  });

  const foreign: Record<string, Record<string, unknown>> = {
    'another schedule': delivered(
      '2025-03-05T01:00:00Z',
      'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/chime-bc-monthly-schedule',
    ) as Record<string, unknown>,
    'a schedule whose name only starts like ours': delivered(
      '2025-03-05T01:00:00Z',
      'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/chime-vc-daily-schedule-2',
    ) as Record<string, unknown>,
    'another source': {
      source: 'aws.batch',
      'detail-type': 'Scheduled Event',
      resources: [SCHEDULE_ARN],
      time: '2025-03-05T01:00:00Z',
    },
    'another detail-type': {
      source: 'aws.scheduler',
      'detail-type': 'Batch Job State Change',
      resources: [SCHEDULE_ARN],
      detail: { status: 'FAILED' },
    },
    'no resources': { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', time: '2025-03-05T01:00:00Z' },
    'resources that are not ARNs': { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', resources: 'x' },
    'an envelope fragment with a date': { source: 'me', year: '2025', month: '3', day: '1' },
  };
  for (const [name, event] of Object.entries(foreign)) {
    it(`${name}: validated like a manual event, so refused with one line`, () => {
      expect(isOwnScheduleEvent(event, DEFAULTS.scheduleName)).to.equal(false);
      const error = errorOf(() => parseSchedulerEvent(event, DEFAULTS, NOW));
      expect(error).to.be.instanceOf(EventError);
      expect(error.message).to.match(/^unknown event field\(s\) .*"source"/);
      expect(error.message).to.not.include('\n');
    });
  }

  it('a manual event is still accepted next to the schedule’s', () => {
    const request = parseSchedulerEvent({ year: '2025', month: '3', day: '1' }, DEFAULTS, NOW);
    expect(request).to.deep.include({ kind: 'manual' });
  });
});
