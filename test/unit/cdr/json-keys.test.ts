import { expect } from 'chai';
import { numberLiteral, scanKeys } from '../../../job/cdr/json-keys';

function scan(text: string, literalKey = 'm') {
  const keys = Object.keys(JSON.parse(text) as object).length;
  const flat = text.indexOf('[') === -1 && text.indexOf('{', text.indexOf('{') + 1) === -1;
  return scanKeys(text, keys, flat, literalKey);
}

describe('scanKeys: duplicate top-level keys and exact number literals', () => {
  const cases: { text: string; duplicate?: string; literal?: string }[] = [
    { text: '{"a":1,"m":0.1000000000000000001}', literal: '0.1000000000000000001' },
    { text: '{"m":2,"a":"x, y, z"}', literal: '2' },
    { text: '{"a":"x, \\"y\\"","b":1,"a":2}', duplicate: 'a' },
    { text: '{"a":"x\\\\","b":"c,d","c":1}' },
    { text: '{"a":"x\\\\","b":"c,d","b":1}', duplicate: 'b' },
    { text: '{"a":1,"\\u0061":2}', duplicate: 'a' },
    { text: '{ "a" : 1 ,\n  "m" :\t-1.5e-3 , "a" : 3 }', duplicate: 'a', literal: '-1.5e-3' },
    { text: '{ "a" : 1 ,\n  "m" :\t-1.5e-3 }', literal: '-1.5e-3' },
    { text: '{"a":{"a":1,"a":2},"m":1}', literal: '1' },
    { text: '{"a":[1,{"b":2,"b":3}],"a":1}', duplicate: 'a' },
    { text: '{"a":"m","m":"7"}' },
    { text: '{"x":",\\"m\\":9","m":5}', literal: '5' },
    { text: '{}' },
  ];
  for (const c of cases) {
    it(c.text, () => {
      const result = scan(c.text);
      expect(result.duplicateKey).to.equal(c.duplicate);
      if (c.duplicate === undefined) expect(result.literal).to.equal(c.literal);
    });
  }

  it('numberLiteral finds the top-level literal only', () => {
    expect(numberLiteral('{"x":{"m":1},"m":0.30000000000000000001}', 'm')).to.equal('0.30000000000000000001');
    expect(numberLiteral('{"m":"1"}', 'm')).to.equal(undefined);
  });
});
