/**
 * `terraform init` from a local provider mirror and `terraform validate` on the synthesized stack,
 * in several configurations. Skipped, with the reason in its title, where no Terraform binary or
 * provider mirror exists. Nothing is downloaded.
 *
 * When the mirror holds the provider version the stack pins, the stack must validate cleanly. When it
 * holds only an older major version (this machine: 5.100.0 for a stack pinned to 6.x), the stack is
 * validated against it with the pinned version replaced, and the only errors allowed are the
 * attributes that major version renamed, listed in KNOWN_RENAMES; any other error fails.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { major, probeTerraform } from './terraform';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

/** Attributes the aws provider renamed in 6.0 (5.x name in the message): resource type → attribute. */
const KNOWN_RENAMES: readonly { readonly type: string; readonly attribute: string; readonly was: string }[] = [
  // 6.0 renamed aws_batch_compute_environment.compute_environment_name to name.
  { type: 'aws_batch_compute_environment', attribute: 'name', was: 'compute_environment_name' },
];

interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly snippet?: { readonly context?: string };
}

const CONFIGURATIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'default VPC, Voice Connector, Daily': {},
  'private subnets with created endpoints, alarm e-mail, array job': {
    VPC_ID: 'vpc-0abc',
    SUBNET_IDS: 'subnet-0a,subnet-0b',
    VPC_ENDPOINTS: 'create',
    ALARM_EMAIL: 'ops@example.com',
    ARRAY_SIZE: '4',
  },
  'existing endpoints, Business Calling, Monthly, KMS, own security groups': {
    VPC_ID: 'vpc-0abc',
    SUBNET_IDS: 'subnet-0a',
    SECURITY_GROUP_IDS: 'sg-0123',
    VPC_ENDPOINTS: 'existing',
    SERVICE_NAME: 'AmazonChimeBusinessCalling',
    JOB_FREQUENCY: 'Monthly',
    KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  },
};

const probe = probeTerraform();

describe('infra: terraform validate against a local provider mirror', function () {
  this.timeout(600_000);
  if (!probe.ok) {
    it.skip(`skipped: ${probe.reason}`, () => {});
    return;
  }
  const { mirror, terraformVersion } = probe;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let pinned: string;
  let providerVersion: string;

  async function synth(extra: Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
    const outdir = path.join(work, `out-${Object.keys(extra).length}-${Math.random().toString(36).slice(2)}`);
    const result = await run(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'infra', 'main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        CDR_BUCKET: 'acme-chime-cdrs',
        AWS_REGION: 'eu-west-1',
        IMAGE_TAG: '1.2.3',
        CDKTF_OUTDIR: outdir,
        ...extra,
      },
    });
    const stack = /→ (.*cdk\.tf\.json)/.exec(result.stdout)?.[1];
    if (!stack) throw new Error(`synth printed no stack path: ${result.stdout}${result.stderr}`);
    return JSON.parse(await readFile(stack, 'utf8')) as Record<string, unknown>;
  }

  async function validate(json: Record<string, unknown>): Promise<{ valid: boolean; diagnostics: Diagnostic[] }> {
    const terraform = json.terraform as { required_providers: { aws: { source: string; version: string } } };
    terraform.required_providers.aws = { source: 'hashicorp/aws', version: providerVersion };
    // The local backend's state path is irrelevant to validate (init runs with -backend=false).
    await writeFile(path.join(work, 'cdk.tf.json'), JSON.stringify(json));
    try {
      const { stdout } = await run('terraform', ['validate', '-json', '-no-color'], { cwd: work, env });
      return JSON.parse(stdout) as { valid: boolean; diagnostics: Diagnostic[] };
    } catch (error) {
      const stdout = (error as { stdout?: string }).stdout ?? '';
      return JSON.parse(stdout) as { valid: boolean; diagnostics: Diagnostic[] };
    }
  }

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'cdr-tf-validate-'));
    const first = await synth({});
    pinned = (first.terraform as { required_providers: { aws: { version: string } } }).required_providers.aws.version;
    providerVersion = mirror.versions.includes(pinned)
      ? pinned
      : ([...mirror.versions].sort((a, b) => major(b) - major(a))[0] as string);
    const rc = path.join(work, 'terraformrc');
    await writeFile(
      rc,
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror.path)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
    );
    env = { ...process.env, TF_CLI_CONFIG_FILE: rc, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    await writeFile(
      path.join(work, 'cdk.tf.json'),
      JSON.stringify({
        terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: providerVersion } } },
      }),
    );
    await run('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd: work, env });
  });

  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  for (const [name, extra] of Object.entries(CONFIGURATIONS)) {
    it(`${name}: validates (Terraform ${terraformVersion}, hashicorp/aws ${mirror.versions.join('/')} from ${mirror.path})`, async () => {
      const errors = await unexplainedErrors(await synth(extra));
      expect(errors, JSON.stringify(errors, null, 1)).to.deep.equal([]);
    });
  }

  it('fails on a stack with an attribute the provider does not know (the check can fail)', async () => {
    const json = await synth({});
    const topics = (json.resource as Record<string, Record<string, Record<string, unknown>>>).aws_sns_topic ?? {};
    const topic = Object.values(topics)[0] as Record<string, unknown>;
    topic.delivery_speed = 'fast';
    const errors = await unexplainedErrors(json);
    expect(errors.map((d) => d.detail)).to.deep.equal(['No argument or block type is named "delivery_speed".']);
  });

  /** Errors of `terraform validate` not explained by a known rename of an older provider major version. */
  async function unexplainedErrors(json: Record<string, unknown>): Promise<Diagnostic[]> {
    const result = await validate(json);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (providerVersion === pinned) return errors;
    // An older major version: only the attributes it names differently may be reported.
    expect(major(providerVersion)).to.be.below(major(pinned));
    return errors.filter(
      (d) =>
        !KNOWN_RENAMES.some(
          (rename) =>
            d.summary === 'Extraneous JSON object property' &&
            d.detail === `No argument or block type is named "${rename.attribute}".` &&
            (d.snippet?.context ?? '').startsWith(`resource.${rename.type}.`),
        ),
    );
  }
});
