/** Process entry point of `cdr-summary`: runs the CLI and sets the exit code. */
import { main } from './cli/program';
import { installSignalHandlers, shutdownSignal } from './cli/shutdown';

// The AWS SDK warns on every Node.js 20 start; we support Node.js 20 (engines) and pin the SDK, so keep
// stderr to the one line the contract promises. The container runs Node.js 22 anyway.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

installSignalHandlers();
main(process.argv).then((code) => {
  process.exitCode = code;
  // Interrupted and cleaned up: requests still in flight (reads of the run that was stopped) must not
  // keep the process alive.
  if (shutdownSignal().aborted) process.exit(code);
});
