/**
 * The CDKTF app: `npx tsx infra/main.ts` (what `npm run synth` and `cdktf synth` run) reads the
 * configuration from the environment (see infra/config.ts), builds one stack named after
 * NAME_PREFIX and writes `cdktf.out/stacks/<NAME_PREFIX>/cdk.tf.json`.
 */

import * as path from 'node:path';
import { App } from 'cdktf';
import { ConfigError, loadConfig } from './config';
import { CdrSummaryStack } from './stack';

function main(): number {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`synth: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const outdir = process.env.CDKTF_OUTDIR ?? path.resolve(__dirname, '..', 'cdktf.out');
  const app = new App({ outdir });
  const stack = new CdrSummaryStack(app, config.namePrefix, config);

  if (config.exampleBucket) {
    process.stderr.write(
      `synth: warning: CDR_BUCKET is not set; using the example bucket "${config.cdrBucket}" (set CDR_BUCKET before deploying)\n`,
    );
  }
  if (!config.assignPublicIp && config.vpcEndpoints === 'none') {
    process.stderr.write(
      'synth: warning: tasks get no public IP: their subnets need a NAT gateway, or set VPC_ENDPOINTS=create|existing ' +
        '(ECR, CloudWatch Logs and S3 must be reachable, or no job can start)\n',
    );
  }
  if (stack.scheduler.bundleIsPlaceholder) {
    process.stderr.write(
      `synth: warning: ${config.schedulerBundleDir}/index.js not found; packaged a placeholder Lambda. ` +
        'Run `npm run build` before deploying (plan/deploy refuse the placeholder).\n',
    );
  }
  app.synth();
  process.stdout.write(
    `synth: ${config.service} / ${config.frequency} → ${path.join(outdir, 'stacks', config.namePrefix, 'cdk.tf.json')}\n`,
  );
  return 0;
}

process.exitCode = main();
