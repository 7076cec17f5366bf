/**
 * Finds a Terraform binary and a local mirror of the hashicorp/aws provider on this machine, for the
 * `terraform validate` test. Nothing is downloaded: without both, the test is skipped.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A provider mirror directory (filesystem_mirror layout) and the aws versions it holds. */
export interface ProviderMirror {
  readonly path: string;
  readonly versions: readonly string[];
}

/** What was found, or why not. */
export type TerraformProbe =
  | {
      readonly ok: true;
      readonly terraform: string;
      readonly terraformVersion: string;
      readonly mirror: ProviderMirror;
    }
  | { readonly ok: false; readonly reason: string };

const PLATFORM = `${os.platform()}_${os.arch() === 'x64' ? 'amd64' : os.arch()}`;

/** Candidate mirror roots: TF_PROVIDER_MIRROR, the CLI config's filesystem_mirror paths, then the usual places. */
function candidateMirrors(): string[] {
  const candidates: string[] = [];
  if (process.env.TF_PROVIDER_MIRROR) candidates.push(process.env.TF_PROVIDER_MIRROR);
  const rc = process.env.TF_CLI_CONFIG_FILE ?? path.join(os.homedir(), '.terraformrc');
  if (existsSync(rc)) {
    for (const match of readFileSync(rc, 'utf8').matchAll(/filesystem_mirror\s*\{[^}]*?path\s*=\s*"([^"]+)"/g)) {
      candidates.push(match[1] as string);
    }
  }
  candidates.push(
    '/opt/tf-plugins',
    path.join(os.homedir(), '.terraform.d', 'plugins'),
    path.join(os.homedir(), '.local', 'share', 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  );
  return candidates;
}

/** The aws provider versions a mirror holds for this platform. */
function mirrorVersions(root: string): string[] {
  const dir = path.join(root, 'registry.terraform.io', 'hashicorp', 'aws');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((version) => {
    const platformDir = path.join(dir, version, PLATFORM);
    return existsSync(platformDir) && readdirSync(platformDir).some((f) => f.startsWith('terraform-provider-aws'));
  });
}

/** Looks for `terraform` on PATH and a provider mirror; says in one line what is missing. */
export function probeTerraform(): TerraformProbe {
  let terraformVersion: string;
  try {
    const out = execFileSync('terraform', ['version', '-json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
    terraformVersion = String((JSON.parse(out) as { terraform_version?: string }).terraform_version);
  } catch {
    return { ok: false, reason: 'no terraform binary on PATH' };
  }
  for (const candidate of candidateMirrors()) {
    const versions = mirrorVersions(candidate);
    if (versions.length > 0) {
      return { ok: true, terraform: 'terraform', terraformVersion, mirror: { path: candidate, versions } };
    }
  }
  return { ok: false, reason: `no local mirror of hashicorp/aws for ${PLATFORM} (set TF_PROVIDER_MIRROR)` };
}

/** Major version of a semantic version string. */
export function major(version: string): number {
  return Number(version.split('.')[0]);
}
