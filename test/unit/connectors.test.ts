import { expect } from 'chai';
import { ConnectorDirectory, ConnectorsFileError, parseConnectors } from '../../job/report/connectors';

describe('connectors file', () => {
  it('reads CSV VoiceConnectorId,Name,<tag columns>, leaving empty tag cells out', () => {
    const connectors = parseConnectors(
      '\uFEFFVoiceConnectorId,Name,team,cost-center\r\nvc1,"Sales, EMEA",sales,\r\nvc2,,,42\r\n',
    );
    expect(connectors).to.deep.equal([
      { id: 'vc1', name: 'Sales, EMEA', tags: { team: 'sales' } },
      { id: 'vc2', name: '', tags: { 'cost-center': '42' } },
    ]);
  });

  it('reads the same as JSON, with a Tags object or flat tag fields; AwsAccountId for Business Calling', () => {
    expect(
      parseConnectors(
        JSON.stringify([
          { VoiceConnectorId: 'vc1', Name: 'Sales', Tags: { team: 'sales' } },
          { AwsAccountId: '111122223333', Name: 'Finance', env: 'prod' },
        ]),
      ),
    ).to.deep.equal([
      { id: 'vc1', name: 'Sales', tags: { team: 'sales' } },
      { id: '111122223333', name: 'Finance', tags: { env: 'prod' } },
    ]);
  });

  const bad: [string, string, RegExp][] = [
    ['a header without Name', 'VoiceConnectorId,team\nvc1,x\n', /header must start with VoiceConnectorId,Name/],
    ['an id listed twice', 'VoiceConnectorId,Name\nvc1,a\nvc1,b\n', /vc1 is listed twice/],
    ['an empty id', 'VoiceConnectorId,Name\n,a\n', /line 2: the id is empty/],
    ['a tag column twice', 'VoiceConnectorId,Name,a,a\nvc1,x,1,2\n', /appears twice/],
    ['JSON that is not an array', '{"VoiceConnectorId":"vc1"}', /an array of objects/],
    [
      'a JSON tag that is not text',
      '[{"VoiceConnectorId":"vc1","Name":"x","Tags":{"n":1}}]',
      /tag "n" is not a string/,
    ],
    ['broken JSON', '[{"VoiceConnectorId":', /not valid JSON/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what}`, () => {
      expect(() => parseConnectors(text)).to.throw(ConnectorsFileError, message);
    });
  }

  it('gives ConnectorName and ConnectorTags (a JSON object, sorted keys) per id; nulls when unknown', () => {
    const directory = new ConnectorDirectory([
      { id: 'vc1', name: 'Sales', tags: { team: 'sales', env: 'prod' } },
      { id: 'vc2', name: '', tags: {} },
    ]);
    expect(directory.lookup('vc1')).to.deep.equal({ name: 'Sales', tags: '{"env":"prod","team":"sales"}' });
    expect(directory.lookup('vc2')).to.deep.equal({ name: null, tags: null });
    expect(directory.lookup('vc3')).to.deep.equal({ name: null, tags: null });
    expect(directory.lookup(null)).to.deep.equal({ name: null, tags: null });
  });
});
