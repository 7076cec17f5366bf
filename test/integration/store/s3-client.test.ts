import { expect } from 'chai';
import { createS3Client, DEFAULT_MAX_ATTEMPTS, endpointOverride, s3ClientConfig } from '../../../job/store/s3-client';

describe('createS3Client', () => {
  it('applies no endpoint-specific settings without an endpoint override', async () => {
    const config = s3ClientConfig({ env: {} });
    expect(config.endpoint).to.equal(undefined);
    expect(config.forcePathStyle).to.equal(undefined);
    expect(config.requestChecksumCalculation).to.equal(undefined);
    expect(config.responseChecksumValidation).to.equal(undefined);
    // And the resolved client: virtual-hosted addressing, SDK default checksums, AWS endpoints.
    const client = createS3Client({ env: {} });
    try {
      expect(client.config.forcePathStyle ?? false).to.equal(false);
      expect(client.config.isCustomEndpoint).to.equal(false);
      expect(await client.config.requestChecksumCalculation()).to.equal('WHEN_SUPPORTED');
      expect(await client.config.responseChecksumValidation()).to.equal('WHEN_SUPPORTED');
      expect(await client.config.region()).to.equal('us-east-1');
      expect(await client.config.maxAttempts()).to.equal(DEFAULT_MAX_ATTEMPTS);
    } finally {
      client.destroy();
    }
  });

  it('applies path-style addressing and on-demand checksums with an endpoint override', async () => {
    const client = createS3Client({ env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4568', AWS_REGION: 'eu-west-1' } });
    try {
      expect(client.config.forcePathStyle).to.equal(true);
      expect(client.config.isCustomEndpoint).to.equal(true);
      expect(await client.config.requestChecksumCalculation()).to.equal('WHEN_REQUIRED');
      expect(await client.config.responseChecksumValidation()).to.equal('WHEN_REQUIRED');
      expect(await client.config.region()).to.equal('eu-west-1');
      const endpoint = await client.config.endpoint?.();
      expect(endpoint?.hostname).to.equal('127.0.0.1');
      expect(endpoint?.port).to.equal(4568);
    } finally {
      client.destroy();
    }
  });

  it('reads the endpoint override like the SDK does', () => {
    expect(endpointOverride({})).to.equal(undefined);
    expect(endpointOverride({ AWS_ENDPOINT_URL: 'http://a' })).to.equal('http://a');
    expect(endpointOverride({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_S3: 'http://s3' })).to.equal('http://s3');
    expect(
      endpointOverride({ AWS_ENDPOINT_URL_S3: 'http://s3', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }),
    ).to.equal(undefined);
  });

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(s3ClientConfig({ env: { AWS_DEFAULT_REGION: 'ap-south-1' } }).region).to.equal('ap-south-1');
    expect(s3ClientConfig({ env: { AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'x' } }).region).to.equal(
      'eu-central-1',
    );
    expect(s3ClientConfig({ env: {}, maxAttempts: 3 }).maxAttempts).to.equal(3);
  });
});
