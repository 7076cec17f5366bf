import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { amzDate, EMPTY_PAYLOAD_SHA256, encodeKeyPath, SigV4GetSigner } from '../../../job/store/sigv4-signer';
import { seededRandom } from '../../support/fault-proxy';
import { NodeSha256 } from '../../support/sigv4-check-proxy';

describe('SigV4GetSigner', () => {
  it('matches the worked GET Object example of the S3 API reference (Range bytes=0-9, 2013-05-24)', () => {
    // "Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk",
    // Amazon S3 API Reference, example "GET Object" (the documentation's example key pair).
    const signer = new SigV4GetSigner('us-east-1');
    const headers = signer.signGet(
      { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      'examplebucket.s3.amazonaws.com',
      '/test.txt',
      'bytes=0-9',
      Date.UTC(2013, 4, 24),
    );
    expect(headers).to.deep.equal({
      host: 'examplebucket.s3.amazonaws.com',
      range: 'bytes=0-9',
      'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'x-amz-date': '20130524T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    });
  });

  it('agrees with @smithy/signature-v4 on 300 random requests (keys, ranges, regions, session tokens, days)', async () => {
    const random = seededRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const chars = [
      'a',
      'Z',
      '9',
      '/',
      ' ',
      '+',
      '=',
      '&',
      '?',
      '#',
      '%',
      '(',
      ')',
      '*',
      "'",
      '!',
      '~',
      '.',
      'é',
      '中',
      '😀',
      ':',
      '@',
    ];
    const ours = new Map<string, SigV4GetSigner>();
    for (let i = 0; i < 300; i++) {
      const region = pick(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
      const credentials = {
        accessKeyId: `AKID${i % 3}`,
        secretAccessKey: pick(['secret', 'se/cr+et=', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']),
        sessionToken: random() < 0.5 ? `token/${i}+=` : undefined,
      };
      const key = Array.from({ length: 1 + Math.floor(random() * 30) }, () => pick(chars)).join('');
      const path = `/${pick(['', 'bucket-name/'])}${encodeKeyPath(key)}`;
      const range = random() < 0.8 ? `bytes=0-${Math.floor(random() * 100_000)}` : undefined;
      const host = pick(['bucket-name.s3.eu-west-1.amazonaws.com', '127.0.0.1:4569', 's3.amazonaws.com']);
      // Spread over days, so the cached signing key is re-derived whenever the day (or secret) changes.
      const now = Date.UTC(2025, 0, 1) + Math.floor(random() * 5 * 86_400_000);
      const signer = ours.get(region) ?? new SigV4GetSigner(region);
      ours.set(region, signer);
      const headers = signer.signGet(credentials, host, path, range, now);
      const reference = new SignatureV4({
        credentials,
        region,
        service: 's3',
        sha256: NodeSha256,
        uriEscapePath: false,
        applyChecksum: false,
      });
      const signed = await reference.sign(
        {
          method: 'GET',
          protocol: 'https:',
          hostname: host.replace(/:\d+$/, ''),
          path,
          query: {},
          headers: { host, ...(range ? { range } : {}), 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 },
        },
        { signingDate: new Date(now) },
      );
      expect(headers.authorization, `${key} ${range} ${region}`).to.equal(signed.headers.authorization);
      expect(headers['x-amz-date']).to.equal(signed.headers['x-amz-date']);
      expect(headers['x-amz-security-token']).to.equal(signed.headers['x-amz-security-token']);
    }
  });

  it('encodes keys as the SDK puts them on the wire: strict percent-encoding, slashes kept', () => {
    expect(encodeKeyPath("a b/c+d=e&f?g#h'(i)*j!k~l.m-n_o")).to.equal(
      'a%20b/c%2Bd%3De%26f%3Fg%23h%27%28i%29%2Aj%21k~l.m-n_o',
    );
    expect(encodeKeyPath('é/中/😀/%2F')).to.equal('%C3%A9/%E4%B8%AD/%F0%9F%98%80/%252F');
    expect(amzDate(Date.UTC(2025, 2, 4, 5, 6, 7, 89))).to.equal('20250304T050607Z');
  });
});
