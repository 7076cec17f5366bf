import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Construct } from 'constructs';

/** Properties of {@link JobImageRegistry}. */
export interface JobImageRegistryProps {
  /** Repository name (lowercase); the stack passes its NAME_PREFIX. */
  readonly repositoryName: string;
  /** Tagged images the lifecycle policy keeps (newest first). @default 10 */
  readonly keepImages?: number;
  /** Days an untagged image (a layer left by a failed push) is kept. @default 1 */
  readonly untaggedDays?: number;
  /** Let `destroy` delete the repository while it still holds images. @default false */
  readonly forceDelete?: boolean;
}

/**
 * The ECR repository the Batch job pulls its image from: immutable tags (a tag always means the
 * same image, so a job definition never changes under a running schedule), scan on push, AES-256
 * encryption, and a lifecycle policy that expires untagged images and keeps the last N tagged ones.
 */
export class JobImageRegistry extends Construct {
  /** The repository; `repositoryUrl` is what `docker push` and the job definition use. */
  readonly repository: EcrRepository;
  /** Expiry rules. */
  readonly lifecyclePolicy: EcrLifecyclePolicy;

  constructor(scope: Construct, id: string, props: JobImageRegistryProps) {
    super(scope, id);
    const keepImages = props.keepImages ?? 10;
    const untaggedDays = props.untaggedDays ?? 1;
    if (!/^[a-z0-9][a-z0-9._/-]{1,255}$/.test(props.repositoryName)) {
      throw new Error(`JobImageRegistry: invalid repository name ${JSON.stringify(props.repositoryName)}`);
    }
    if (!Number.isInteger(keepImages) || keepImages < 1) throw new Error('JobImageRegistry: keepImages must be ≥ 1');
    if (!Number.isInteger(untaggedDays) || untaggedDays < 1) {
      throw new Error('JobImageRegistry: untaggedDays must be ≥ 1');
    }

    this.repository = new EcrRepository(this, 'repository', {
      name: props.repositoryName,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
      forceDelete: props.forceDelete ?? false,
    });

    this.lifecyclePolicy = new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Expire untagged images after ${untaggedDays} day(s)`,
            selection: {
              tagStatus: 'untagged',
              countType: 'sinceImagePushed',
              countUnit: 'days',
              countNumber: untaggedDays,
            },
            action: { type: 'expire' },
          },
          {
            rulePriority: 2,
            description: `Keep the last ${keepImages} images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keepImages },
            action: { type: 'expire' },
          },
        ],
      }),
    });
  }
}
