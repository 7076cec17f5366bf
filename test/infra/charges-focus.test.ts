import { expect } from 'chai';
import { ConfigError } from '../../infra/config';
import { FOCUS_COLUMNS, focusAthenaType } from '../../job/core/focus/columns';
import { COST_SCALE, schemaFor } from '../../job/core/schema';
import { BASE_ENV, type Block, list, obj, resourcesOf, roleStatements, str, synthesize } from './synth';

const VC = schemaFor('AmazonChimeVoiceConnector');

function focusTable(json: ReturnType<typeof synthesize>['json']): Block {
  const table = Object.values(resourcesOf(json, 'aws_glue_catalog_table')).find((t) => t.name === 'focus');
  expect(table, 'the focus table').to.not.equal(undefined);
  return table as Block;
}

function lambdaVariables(json: ReturnType<typeof synthesize>['json']): Record<string, string> {
  const fn = Object.values(resourcesOf(json, 'aws_lambda_function'))[0] as Block;
  return obj(obj(fn, 'environment'), 'variables') as Record<string, string>;
}

describe('infra: FOCUS table, rate deck and connectors settings', () => {
  it('creates an Athena table over the FOCUS Parquet files of the stack frequency, columns from FOCUS_COLUMNS', () => {
    const s = synthesize({ ...BASE_ENV, JOB_FREQUENCY: 'Weekly' });
    const table = focusTable(s.json);
    const sd = obj(table, 'storage_descriptor');
    expect(sd.location).to.equal(`s3://acme-chime-cdrs/${VC.summaryPrefix}focus/Weekly/`);
    const columns = list(sd, 'columns') as Block[];
    expect(columns.map((c) => [c.name, c.type])).to.deep.equal(
      FOCUS_COLUMNS.map((c) => [c.name.toLowerCase(), focusAthenaType(c.type)]),
    );
    expect(columns.find((c) => c.name === 'billedcost')?.type).to.equal(`decimal(38,${COST_SCALE})`);
    expect(columns.find((c) => c.name === 'chargeperiodstart')?.type).to.equal('timestamp');
    // Only the parquet/ sub-folder of each period: the CSV beside it is not read.
    expect(str(obj(table, 'parameters'), 'storage.location.template')).to.equal(
      `s3://acme-chime-cdrs/${VC.summaryPrefix}focus/Weekly/$\${year}/$\${month}/$\${day}/parquet/`,
    );
    expect(obj(sd, 'ser_de_info').serialization_library).to.match(/ParquetHiveSerDe/);
  });

  it('passes no deck or connector settings and grants no Chime access by default', () => {
    const s = synthesize({ ...BASE_ENV });
    expect(lambdaVariables(s.json)).to.not.have.any.keys('RATE_DECK_KEY', 'CONNECTORS_KEY', 'REFRESH_CONNECTORS');
    const actions = roleStatements(s.json, 'scheduler_function-role').flatMap((st) => st.actions);
    expect(actions.some((a) => a.startsWith('chime:'))).to.equal(false);
  });

  it('hands the scheduler RATE_DECK_KEY, CONNECTORS_KEY and REFRESH_CONNECTORS, with the Chime grants', () => {
    const s = synthesize({
      ...BASE_ENV,
      RATE_DECK_KEY: `${VC.pricingPrefix}rate-decks/carrier.csv`,
      CONNECTORS_KEY: `${VC.pricingPrefix}connectors.csv`,
      REFRESH_CONNECTORS: 'true',
    });
    expect(lambdaVariables(s.json)).to.deep.include({
      RATE_DECK_KEY: `${VC.pricingPrefix}rate-decks/carrier.csv`,
      CONNECTORS_KEY: `${VC.pricingPrefix}connectors.csv`,
      REFRESH_CONNECTORS: 'true',
    });
    const statements = roleStatements(s.json, 'scheduler_function-role');
    const list = statements.find((st) => st.actions.includes('chime:ListVoiceConnectors'));
    const tags = statements.find((st) => st.actions.includes('chime:ListTagsForResource'));
    expect(list?.resources).to.deep.equal(['*']);
    expect(tags?.resources).to.have.lengthOf(1);
    expect(tags?.resources[0]).to.match(/^arn:aws:chime:\*:.+:vc\/\*$/);
  });

  it('refuses keys outside <Service>-Pricing/ and REFRESH_CONNECTORS for Business Calling', () => {
    expect(() => synthesize({ ...BASE_ENV, RATE_DECK_KEY: 'elsewhere/deck.csv' })).to.throw(
      ConfigError,
      /RATE_DECK_KEY: "elsewhere\/deck.csv" must be a key under Amazon-Chime-Voice-Connector-Pricing\//,
    );
    expect(() =>
      synthesize({ ...BASE_ENV, SERVICE_NAME: 'AmazonChimeBusinessCalling', REFRESH_CONNECTORS: 'true' }),
    ).to.throw(ConfigError, /REFRESH_CONNECTORS: applies to AmazonChimeVoiceConnector only/);
  });
});
