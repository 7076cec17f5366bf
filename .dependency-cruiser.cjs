/**
 * The layers of job/, top to bottom. A module may import modules of its own folder and of any
 * LOWER layer, never a higher one; no import cycles anywhere; infra/ imports only job/core/.
 * `npm test` runs this check (`npm run lint:deps`).
 *
 *   cli        every command of `cdr-summary` (and job/main.ts, the process entry point)
 *   scheduler  the scheduler Lambda only
 *   generate   synthetic CDR corpora and price files
 *   pipeline   crawl, chunk, pool, lease, run, finalize: the engine
 *   sinks      CSV, Parquet, rejects and manifest writers
 *   report     report batches, run totals, row rendering
 *   prices     price formats, loading, fetching, rating
 *   cdr        CDR parsing and validation
 *   store      ObjectStore: local folder, S3
 *   threads    worker-thread plumbing
 *   core       schema, period, decimal, time and text helpers, the bucket layout
 */
const LAYERS = [
  'cli',
  'scheduler',
  'generate',
  'pipeline',
  'sinks',
  'report',
  'prices',
  'cdr',
  'store',
  'threads',
  'core',
];

const upward = LAYERS.slice(1).map((layer, i) => ({
  name: `layer-${layer}`,
  comment: `job/${layer}/ may import only lower layers (${LAYERS.slice(i + 2).join(', ') || 'none'})`,
  severity: 'error',
  from: { path: `^job/${layer}/` },
  to: { path: `^job/(${LAYERS.slice(0, i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'job-in-layers',
      comment: 'every module of job/ lives in a layer folder (job/main.ts is the entry point)',
      severity: 'error',
      from: { path: '^job/[^/]+$', pathNot: '^job/main\\.ts$' },
      to: {},
    },
    ...upward,
    {
      name: 'infra-imports-core-only',
      comment: 'the CDKTF app shares constants and the schema with the job, nothing else',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^job/', pathNot: '^job/core/' },
    },
    {
      name: 'job-not-infra-or-tests',
      severity: 'error',
      from: { path: '^job/' },
      to: { path: '^(infra|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|cdktf\\.out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
