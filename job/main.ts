/** Process entry point of `cdr-summary`: runs the CLI and sets the exit code. */
import { main } from './cli';

main(process.argv).then((code) => {
  process.exitCode = code;
});
