import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT, exitCodeOf } from '../core/errors';
import { InterruptedError } from '../core/interruption';
import { packageRoot } from '../prices/bundled';
import { registerDemoCommand } from './demo-command';
import { registerFinalizeCommand } from './finalize-command';
import { registerGenerateCommand } from './generate-command';
import { registerLeaseCommand } from './lease-command';
import { stopProgress } from './progress';
import { registerRunCommand } from './run-command';
import { registerSchedulerCommands } from './scheduler-commands';
import { shutdownSignal } from './shutdown';

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Builds the `cdr-summary` program with every sub-command. */
export function buildProgram(): Command {
  const program = new Command('cdr-summary')
    .description('Rate Amazon Chime Voice Connector and Business Calling CDRs into CSV and Parquet cost reports.')
    .version(packageVersion())
    // Commander's own errors (unknown option, invalid choice, conflicting options) as one line, like ours.
    .configureOutput({
      outputError: (text, write) =>
        write(
          `cdr-summary: ${text
            .trim()
            .replace(/^error: /, '')
            .replace(/\s*\n\s*/g, ' ')} (run with --help for usage)\n`,
        ),
    })
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
 * Runs the CLI with `argv` (as `process.argv`) and returns the exit code; the one place errors become
 * exit codes. 0 success; otherwise the error's own (`CdrSummaryError.exitCode`: 2 unusable input,
 * one line on stderr, nothing written; 3 the period or one of its days is locked by another run;
 * 130/143 stopped by SIGINT/SIGTERM, cleaned up) and 1 for anything else.
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
    // A signal stops the run with its own code, whatever error the stopping surfaced as.
    const stop = shutdownSignal().aborted ? shutdownSignal().reason : error;
    if (stop instanceof InterruptedError) {
      process.stderr.write(`cdr-summary: ${stop.message}; the run stopped and cleaned up (lease released)\n`);
      return stop.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    stopProgress();
    process.stderr.write(`cdr-summary: ${message.split('\n')[0]}\n`);
    return exitCodeOf(error);
  }
}
