/**
 * Image before schedule: before submitting, the scheduler makes sure the image the job definition
 * runs exists in ECR. A missing image (a deploy whose image was never pushed) fails the invocation
 * loudly — nothing stored, nothing submitted, the event lands in the dead-letter queue, whose alarm
 * reaches the operators — instead of a Batch job failing on CannotPullContainerError at 01:00.
 */

import { type BatchClient, type JobDefinition, paginateDescribeJobDefinitions } from '@aws-sdk/client-batch';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { FailureError } from '../core/errors';

/** Thrown when the job definition's image is not in its repository; the message is one line. */
export class ImageMissingError extends FailureError {
  override readonly name = 'ImageMissingError';
}

/** An image in a private ECR registry. */
export interface EcrImage {
  readonly uri: string;
  readonly registryId: string;
  readonly region: string;
  readonly repositoryName: string;
  /** Tag, or digest (`sha256:…`) when the reference is pinned by digest. */
  readonly tag?: string;
  readonly digest?: string;
}

const ECR_URI =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*)(?::([\w.-]{1,128})|@(sha256:[0-9a-f]{64}))?$/;

/** Parses a private ECR image reference; undefined for images elsewhere (Docker Hub, ECR Public). */
export function parseEcrImage(uri: string): EcrImage | undefined {
  const match = ECR_URI.exec(uri);
  if (!match) return undefined;
  const [, registryId, region, repositoryName, tag, digest] = match as unknown as [
    string,
    string,
    string,
    string,
    string?,
    string?,
  ];
  return {
    uri,
    registryId,
    region,
    repositoryName,
    ...(digest ? { digest } : { tag: tag ?? 'latest' }),
  };
}

/**
 * The job definition a submission by `jobDefinition` (name, `name:revision` or ARN) runs: Batch
 * takes the latest ACTIVE revision of a bare name.
 */
export async function describeJobDefinition(batch: BatchClient, jobDefinition: string): Promise<JobDefinition> {
  const pinned = jobDefinition.startsWith('arn:') || jobDefinition.includes(':');
  let latest: JobDefinition | undefined;
  const pages = paginateDescribeJobDefinitions(
    { client: batch, stopOnSameToken: true },
    pinned ? { jobDefinitions: [jobDefinition] } : { jobDefinitionName: jobDefinition, status: 'ACTIVE' },
  );
  for await (const page of pages) {
    for (const definition of page.jobDefinitions ?? []) {
      if (definition.status !== undefined && definition.status !== 'ACTIVE' && !pinned) continue;
      if (latest === undefined || (definition.revision ?? 0) > (latest.revision ?? 0)) latest = definition;
    }
  }
  if (!latest)
    throw new ImageMissingError(`job definition ${jobDefinition} not found (or not ACTIVE): nothing submitted`);
  return latest;
}

/** ECR client for the image's region (endpoint from `AWS_ENDPOINT_URL_ECR` when set). */
export function createEcrClient(region: string): ECRClient {
  return new ECRClient({ region });
}

/**
 * Checks that the image of the job definition exists in ECR; returns its reference. Images outside
 * private ECR are not checked (returned as undefined). Throws ImageMissingError naming the image.
 */
export async function assertJobImageExists(
  batch: BatchClient,
  jobDefinition: string,
  ecrFor: (region: string) => ECRClient = createEcrClient,
): Promise<EcrImage | undefined> {
  const definition = await describeJobDefinition(batch, jobDefinition);
  const uri = definition.containerProperties?.image;
  if (uri === undefined)
    throw new ImageMissingError(`job definition ${jobDefinition} names no image: nothing submitted`);
  const image = parseEcrImage(uri);
  if (!image) return undefined;
  const ecr = ecrFor(image.region);
  const ownsClient = ecrFor === createEcrClient;
  try {
    const found = await ecr.send(
      new DescribeImagesCommand({
        registryId: image.registryId,
        repositoryName: image.repositoryName,
        imageIds: [image.digest ? { imageDigest: image.digest } : { imageTag: image.tag }],
      }),
    );
    if ((found.imageDetails ?? []).length === 0) throw new ImageMissingError(missing(image, jobDefinition));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'ImageNotFoundException' || name === 'RepositoryNotFoundException') {
      throw new ImageMissingError(missing(image, jobDefinition));
    }
    throw error;
  } finally {
    if (ownsClient) ecr.destroy();
  }
  return image;
}

function missing(image: EcrImage, jobDefinition: string): string {
  return (
    `image ${image.uri} of job definition ${jobDefinition} is not in ECR: push it (see the README's deploy steps); ` +
    'nothing submitted'
  );
}
