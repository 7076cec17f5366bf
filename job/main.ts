/** Process entry point of `cdr-summary`: runs the CLI and sets the exit code. */
import { main } from './cli/program';

// The AWS SDK warns on every Node.js 20 start; we support Node.js 20 (engines) and pin the SDK, so keep
// stderr to the one line the contract promises. The container runs Node.js 22 anyway.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv).then((code) => {
  process.exitCode = code;
});
