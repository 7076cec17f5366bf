/**
 * The summary job's command line, defined once: the scheduler builds it with values for each
 * submission, the stack's Batch job definition with `Ref::<parameter>` placeholders.
 */

/** The parameters every job has (the job definition's `Ref::` names). */
export const JOB_PARAMETERS = ['source', 'prices', 'frequency', 'end', 'service'] as const;

/** A parameter every job has. */
export type JobParameter = (typeof JOB_PARAMETERS)[number];

/** The values of a job's parameters: the required ones, and the files the stack may add. */
export type JobParameterValues = Readonly<Record<JobParameter, string>> & {
  readonly rateDeck?: string;
  readonly connectors?: string;
};

/** Each parameter's `run` option, in the order the command gives them. */
const RUN_OPTIONS: readonly (readonly [keyof JobParameterValues, string])[] = [
  ['source', '--source'],
  ['prices', '--prices'],
  ['frequency', '--frequency'],
  ['end', '--end'],
  ['service', '--service'],
  ['rateDeck', '--rate-deck'],
  ['connectors', '--connectors'],
];

/**
 * The container command (arguments to the `cdr-summary` entrypoint): `run --source … --prices …
 * --frequency … --end … --service …`, then `--rate-deck …` and `--connectors …` when given, and
 * `--allow-empty` when a period without CDRs is to be reported as empty.
 */
export function runJobArguments(values: JobParameterValues, flags: { readonly allowEmpty?: boolean } = {}): string[] {
  const args = ['run'];
  for (const [parameter, option] of RUN_OPTIONS) {
    const value = values[parameter];
    if (value !== undefined) args.push(option, value);
  }
  if (flags.allowEmpty) args.push('--allow-empty');
  return args;
}

/**
 * The job definition's command: every required parameter as a `Ref::` placeholder. Batch cannot
 * leave out an option whose parameter is missing, so the optional files come only with the
 * scheduler's own command (its `containerOverrides`).
 */
export const JOB_DEFINITION_COMMAND: readonly string[] = runJobArguments(
  Object.fromEntries(JOB_PARAMETERS.map((parameter) => [parameter, `Ref::${parameter}`])) as Record<
    JobParameter,
    string
  >,
);
