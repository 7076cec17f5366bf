import { expect } from 'chai';
import { isBucketName } from '../../../job/core/bucket-name';

describe('isBucketName', () => {
  it('accepts names S3 accepts', () => {
    for (const name of ['abc', 'my-cdr-bucket', 'cdr.bucket.example', 'a1b', `a${'b'.repeat(61)}c`]) {
      expect(isBucketName(name), name).to.equal(true);
    }
  });

  it('refuses names S3 refuses', () => {
    for (const name of [
      'ab',
      `a${'b'.repeat(62)}c`,
      'My-Bucket',
      '-bucket',
      'bucket-',
      'a..b',
      '192.168.5.4',
      'cdr_bucket',
      's3://bucket',
    ]) {
      expect(isBucketName(name), name).to.equal(false);
    }
  });
});
