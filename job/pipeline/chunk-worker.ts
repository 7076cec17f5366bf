/** Worker-thread entry: builds its own store, rate table and rater, then processes chunks on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { schemaFor } from '../core/schema';
import { createCharger } from '../prices/rate-deck/charger';
import { createRateTable } from '../prices/rate-table-impl';
import { Rater } from '../prices/rater';
import { ConnectorDirectory } from '../report/connectors';
import { openStore } from '../store/open';
import { type ChunkContext, type ChunkTask, processChunk, toTransferable } from './chunk';
import type { WorkerSetup } from './chunk-pool';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const setup = workerData as WorkerSetup;
const schema = schemaFor(setup.service);
const contextReady: Promise<ChunkContext> = openStore(setup.source, { readThread: false }).then((store) => ({
  store,
  schema,
  period: setup.period,
  rater: new Rater(schema, createRateTable(setup.service, setup.versions)),
  charger: createCharger(schema, setup.charges),
  connectors: new ConnectorDirectory(setup.connectors),
  readConcurrency: setup.readConcurrency,
  burstCollection: setup.burstCollection,
}));

parentPort?.on('message', (task: ChunkTask) => {
  contextReady
    .then((context) => processChunk(task, context))
    .then(
      (result) => parentPort?.postMessage({ result: toTransferable(result) }),
      (error: unknown) => parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
    );
});
