import { expect } from 'chai';
import { dashboardQueries } from '../../infra/athena-queries';
import { aggregateColumns, hourlyAggregateColumns } from '../../job/core/aggregate-columns';
import { ANOMALY_TOPIC_ENV } from '../../job/core/insight-env';
import { COST_SCALE, MONEY_PRECISION, schemaFor } from '../../job/core/schema';
import {
  BASE_ENV,
  type Block,
  list,
  obj,
  onlyResource,
  ref,
  resourcesOf,
  roleStatements,
  type Synthesized,
  str,
  synthesize,
} from './synth';

const VC = schemaFor('AmazonChimeVoiceConnector');
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:chime-alarms';

function table(s: Synthesized, name: string): Block {
  const found = Object.values(resourcesOf(s.json, 'aws_glue_catalog_table')).find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
}

function jobEnvironment(s: Synthesized): { name: string; value: string }[] {
  const container = JSON.parse(str(onlyResource(s.json, 'aws_batch_job_definition'), 'container_properties')) as {
    environment: { name: string; value: string }[];
  };
  return container.environment;
}

describe('infra: cost insight', () => {
  let s: Synthesized;
  before(() => {
    s = synthesize({ ...BASE_ENV });
  });

  for (const [name, folder, columns] of [
    ['aggregates', 'aggregates', aggregateColumns('AmazonChimeVoiceConnector')],
    ['aggregates_hourly', 'aggregates-hourly', hourlyAggregateColumns('AmazonChimeVoiceConnector')],
  ] as const) {
    it(`Athena table ${name}: columns from job/core/aggregate-columns.ts over ${folder}/ CSVs, projected by frequency and end date`, () => {
      const t = table(s, name);
      const sd = obj(t, 'storage_descriptor');
      expect((list(sd, 'columns') as Block[]).map((c) => ({ name: c.name, type: c.type }))).to.deep.equal(
        columns.map((c) => ({ name: c.name.toLowerCase(), type: c.athenaType })),
      );
      expect(sd.location).to.equal(`s3://acme-chime-cdrs/${VC.summaryPrefix}${folder}/`);
      expect(obj(sd, 'ser_de_info').serialization_library).to.equal('org.apache.hadoop.hive.serde2.OpenCSVSerde');
      const p = obj(t, 'parameters');
      expect(p['skip.header.line.count']).to.equal('1');
      expect(p['projection.frequency.type']).to.equal('enum');
      expect(p['projection.frequency.values']).to.equal('Daily,Weekly,Monthly');
      expect(p['storage.location.template']).to.equal(
        `s3://acme-chime-cdrs/${VC.summaryPrefix}${folder}/$\${frequency}/$\${year}/$\${month}/$\${day}/`,
      );
      expect((list(t, 'partition_keys') as Block[]).map((k) => k.name)).to.deep.equal([
        'frequency',
        'year',
        'month',
        'day',
      ]);
      expect(t.database_name).to.equal(ref(s.json, 'aws_glue_catalog_database', 'name'));
    });
  }

  it('saves one named query per dashboard chart, over the aggregate tables, Daily runs only, exact decimals', () => {
    const saved = Object.values(resourcesOf(s.json, 'aws_athena_named_query')).filter((q) =>
      str(q, 'name').includes('Dashboard:'),
    );
    expect(saved.map((q) => str(q, 'name').replace(/^.*Dashboard: /, ''))).to.have.members([
      'cost per day by connector',
      'top destination countries by cost',
      'cost by usage type',
      'calls by hour of day',
      'charged vs AWS cost by connector',
    ]);
    const known = new Set([
      ...aggregateColumns('AmazonChimeVoiceConnector').map((c) => c.name.toLowerCase()),
      ...hourlyAggregateColumns('AmazonChimeVoiceConnector').map((c) => c.name.toLowerCase()),
      'frequency',
      'year',
      'month',
      'day',
    ]);
    for (const q of saved) {
      const sql = str(q, 'query');
      expect(sql).to.match(/FROM "chime_vc_daily"\."aggregates(_hourly)?"/);
      expect(sql).to.include(`"frequency" = 'Daily'`);
      expect(sql).to.include(`CAST("cost" AS decimal(${MONEY_PRECISION},${COST_SCALE}))`);
      expect(sql, 'no Terraform template sequences').to.not.match(/[$%]\{/);
      const quoted = [...sql.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
      for (const id of quoted.filter((x) => !['chime_vc_daily', 'aggregates', 'aggregates_hourly'].includes(x)))
        expect(known.has(id), `${id} in ${q.name}`).to.equal(true);
    }
    expect(() => dashboardQueries('AmazonChimeBusinessCalling', 'd', 'a', 'h')).to.not.throw();
  });

  it('without ANOMALY_TOPIC_ARN the job gets neither the topic variable nor sns:Publish', () => {
    expect(jobEnvironment(s).map((e) => e.name)).to.not.include(ANOMALY_TOPIC_ENV);
    expect(roleStatements(s.json, 'batch_job-role').flatMap((st) => st.actions)).to.not.include('sns:Publish');
  });

  it('with ANOMALY_TOPIC_ARN the job gets the topic in its environment and sns:Publish on that topic only', () => {
    const withTopic = synthesize({ ...BASE_ENV, ANOMALY_TOPIC_ARN: TOPIC });
    expect(jobEnvironment(withTopic)).to.deep.include({ name: ANOMALY_TOPIC_ENV, value: TOPIC });
    const publish = roleStatements(withTopic.json, 'batch_job-role').filter((st) => st.actions.includes('sns:Publish'));
    expect(publish).to.have.length(1);
    expect(publish[0]?.actions).to.deep.equal(['sns:Publish']);
    expect(publish[0]?.resources).to.deep.equal([TOPIC]);
  });

  it("with ANOMALY_NOTICES=true the notices go to the stack's own alarm topic", () => {
    const notices = synthesize({ ...BASE_ENV, ANOMALY_NOTICES: 'true' });
    const topicName = str(onlyResource(notices.json, 'aws_sns_topic'), 'name');
    const variable = jobEnvironment(notices).find((e) => e.name === ANOMALY_TOPIC_ENV);
    expect(variable?.value).to.match(
      new RegExp(
        `^arn:\\$\\{data\\.aws_partition\\.[\\w-]+\\.partition\\}:sns:[a-z0-9-]+:\\$\\{data\\.aws_caller_identity\\.[\\w-]+\\.account_id\\}:${topicName}$`,
      ),
    );
    const publish = roleStatements(notices.json, 'batch_job-role').filter((st) => st.actions.includes('sns:Publish'));
    expect(publish.map((st) => st.resources)).to.deep.equal([[variable?.value]]);
  });

  it('refuses an ANOMALY_TOPIC_ARN that is not an SNS topic ARN', () => {
    expect(() => synthesize({ ...BASE_ENV, ANOMALY_TOPIC_ARN: 'chime-alarms' })).to.throw(/ANOMALY_TOPIC_ARN/);
  });
});
