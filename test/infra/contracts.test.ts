/**
 * The stack against the code it runs: the Lambda's environment is what the scheduler reads, and the
 * parameters the scheduler submits fill the job definition's command into exactly the command the
 * scheduler would pass itself.
 */

import { expect } from 'chai';
import { FREQUENCIES } from '../../infra/config';
import { FREQUENCIES as JOB_FREQUENCIES } from '../../job/core/period';
import { configFromEnv } from '../../job/scheduler/config';
import { jobCommand, jobParameters } from '../../job/scheduler/submit';
import { BASE_ENV, type Block, obj, onlyResource, type Synthesized, str, synthesize } from './synth';

/** Lambda environment with Terraform references replaced by plausible deployed values. */
function deployedEnvironment(s: Synthesized): Record<string, string> {
  const vars = obj(obj(onlyResource(s.json, 'aws_lambda_function'), 'environment'), 'variables');
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) {
    env[name] = String(value)
      .replace(/^\$\{aws_batch_job_queue\.[^}]+\.name\}$/, `${s.config.namePrefix}-queue`)
      .replace(/^\$\{aws_batch_job_definition\.[^}]+\.name\}$/, `${s.config.namePrefix}-job`);
  }
  return env;
}

/** The container command after Batch substitutes `Ref::name` with parameters (submitted over defaults). */
function substitute(command: readonly string[], defaults: Block, submitted: Record<string, string>): string[] {
  return command.map((arg) => {
    if (!arg.startsWith('Ref::')) return arg;
    const name = arg.slice(5);
    const value = submitted[name] ?? defaults[name];
    if (typeof value !== 'string') throw new Error(`no value for ${arg}`);
    return value;
  });
}

describe('infra: contracts with the scheduler and the CLI', () => {
  let vc: Synthesized;
  let bc: Synthesized;
  before(() => {
    vc = synthesize({ ...BASE_ENV });
    bc = synthesize({
      ...BASE_ENV,
      SERVICE_NAME: 'AmazonChimeBusinessCalling',
      JOB_FREQUENCY: 'Monthly',
      ARRAY_SIZE: '4',
    });
  });

  it('uses the same frequencies as the job', () => {
    expect([...FREQUENCIES]).to.deep.equal([...JOB_FREQUENCIES]);
  });

  it('gives the Lambda an environment the scheduler accepts', () => {
    for (const s of [vc, bc]) {
      const config = configFromEnv(deployedEnvironment(s));
      expect(config).to.deep.include({
        bucket: 'acme-chime-cdrs',
        service: s.config.service,
        frequency: s.config.frequency,
        jobQueue: `${s.config.namePrefix}-queue`,
        jobDefinition: `${s.config.namePrefix}-job`,
        arraySize: s.config.arraySize,
        jobNamePrefix: s.config.namePrefix,
      });
    }
  });

  it('turns the submitted parameters into the command the scheduler would give', () => {
    for (const s of [vc, bc]) {
      const definition = onlyResource(s.json, 'aws_batch_job_definition');
      const container = JSON.parse(str(definition, 'container_properties')) as { command: string[] };
      const spec = {
        bucket: 'acme-chime-cdrs',
        service: s.config.service,
        frequency: s.config.frequency,
        end: '2020-01-31',
        prices: `s3://acme-chime-cdrs/snapshots/2020-01-01_2020-01-31.json`,
      };
      // The full parameter set, and only what the brief says the scheduler must send.
      const full = jobParameters(spec);
      const minimal = { end: spec.end, frequency: spec.frequency, prices: spec.prices };
      for (const submitted of [full, minimal]) {
        expect(substitute(container.command, obj(definition, 'parameters'), submitted)).to.deep.equal(jobCommand(spec));
      }
    }
  });
});
