import { expect } from 'chai';
import { compareKeys, compareText, stripBom } from '../../../job/core/text';

describe('text helpers', () => {
  it('orders by UTF-16 code units whatever the locale: upper case before lower, equal is 0', () => {
    expect(['b', 'B', 'a', 'É', 'e'].sort(compareText)).to.deep.equal(['B', 'a', 'b', 'e', 'É']);
    expect(compareText('x', 'x')).to.equal(0);
    const entries: [string, number][] = [
      ['b', 1],
      ['a', 2],
    ];
    expect(entries.sort(compareKeys)).to.deep.equal([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('strips one leading byte-order mark and nothing else', () => {
    expect(stripBom('\uFEFFa,b')).to.equal('a,b');
    expect(stripBom('a\uFEFF')).to.equal('a\uFEFF');
    expect(stripBom('')).to.equal('');
  });
});
