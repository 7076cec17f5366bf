import { DuckDBInstance } from '@duckdb/node-api';

/** Runs SQL in a fresh in-memory DuckDB (an independent reader of our CSV and Parquet) and returns row objects. */
export async function duckdbQuery(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
