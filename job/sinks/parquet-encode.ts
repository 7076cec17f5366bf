import { Compression, Table as WasmTable, WriterPropertiesBuilder, WriterVersion, writeParquet } from 'parquet-wasm';

/** Rows per Parquet row group: large enough for good compression, small enough for bounded memory. */
export const ROW_GROUP_ROWS = 65_536;

/**
 * Encodes an Arrow IPC stream as one Parquet file: ZSTD, data page v1 (writer version 1.0, which
 * Athena engine v3 reads), flat columns, statistics on.
 */
export function encodeParquetIpc(ipc: Uint8Array): Uint8Array {
  const table = WasmTable.fromIPCStream(ipc);
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.ZSTD)
    .setWriterVersion(WriterVersion.V1)
    .setMaxRowGroupSize(ROW_GROUP_ROWS)
    .setCreatedBy('chime-cdr-summary')
    .build();
  return writeParquet(table, properties);
}
