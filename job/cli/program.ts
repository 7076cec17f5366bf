import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { LeaseHeldError } from '../pipeline/lease';
import { packageRoot } from '../prices/bundled';
import { registerDemoCommand } from './demo-command';
import { EXIT, UsageError } from './errors';
import { registerFinalizeCommand } from './finalize-command';
import { registerGenerateCommand } from './generate-command';
import { registerLeaseCommand } from './lease-command';
import { stopProgress } from './progress';
import { registerRunCommand } from './run-command';
import { registerSchedulerCommands } from './scheduler-commands';

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Builds the `cdr-summary` program with every sub-command. */
export function buildProgram(): Command {
  const program = new Command('cdr-summary')
    .description('Rate Amazon Chime Voice Connector and Business Calling CDRs into CSV and Parquet cost reports.')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerRunCommand(program);
  registerFinalizeCommand(program);
  registerGenerateCommand(program);
  registerLeaseCommand(program);
  registerDemoCommand(program);
  registerSchedulerCommands(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Runs the CLI with `argv` (as `process.argv`) and returns the exit code: 0 success, 2 unusable
 * input (one line on stderr, nothing written), 3 the period is locked by another run (its lease),
 * 1 any other failure.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (or the help / version).
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    stopProgress();
    process.stderr.write(`cdr-summary: ${message.split('\n')[0]}\n`);
    if (error instanceof LeaseHeldError) return EXIT.locked;
    return error instanceof UsageError ? EXIT.usage : EXIT.failure;
  }
}
