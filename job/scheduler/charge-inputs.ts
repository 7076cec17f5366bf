/**
 * The rate deck and the connectors file of a scheduled period: read from where the stack keeps them
 * (or the connectors refreshed from the Chime SDK Voice API), validated, and stored next to the
 * period's price snapshot; the job is given those copies, so every report can be reproduced.
 */

import type { ChimeSDKVoiceClient } from '@aws-sdk/client-chime-sdk-voice';
import type { Logger } from 'pino';
import { InputError } from '../core/errors';
import { chargeInputKeys } from '../core/layout/charge-input-keys';
import type { Period } from '../core/period';
import { schemaFor } from '../core/schema';
import { deckFromBytes } from '../prices/rate-deck/deck-from-bytes';
import { parseConnectors } from '../report/connectors';
import { ObjectNotFoundError, type ObjectStore } from '../store/object-store';
import { ConfigError, type SchedulerConfig } from './config';
import { connectorsCsv, fetchVoiceConnectors } from './voice-connectors';

/** `s3://` locations of the copies the job reads (absent: not configured). */
export interface ChargeInputs {
  readonly rateDeck?: string;
  readonly connectors?: string;
}

/** What `prepareChargeInputs` talks to. */
export interface ChargeInputDeps {
  readonly config: SchedulerConfig;
  readonly store: ObjectStore;
  readonly period: Period;
  readonly logger: Logger;
  /** Needed when `config.refreshConnectors`. */
  readonly chime?: () => ChimeSDKVoiceClient;
}

/**
 * Reads the object a setting (`name`) points to and validates it; a missing or unusable object is a
 * ConfigError naming the setting and the key (the invocation fails, nothing submitted).
 */
async function readConfigured(
  store: ObjectStore,
  key: string,
  name: string,
  validate: (bytes: Buffer) => void,
): Promise<Buffer> {
  const bytes = await store.read(key).catch((error: unknown) => {
    if (error instanceof ObjectNotFoundError) throw new ConfigError(name, `${key}: no such object in the bucket`);
    throw error;
  });
  try {
    validate(bytes);
  } catch (error) {
    if (error instanceof InputError) throw new ConfigError(name, `${key}: ${error.message}`);
    throw error;
  }
  return bytes;
}

/**
 * Copies the configured deck (validated: a bad deck fails the invocation, nothing submitted) and the
 * connectors file — or a fresh one from the Chime SDK Voice API — next to the price snapshot.
 */
export async function prepareChargeInputs(deps: ChargeInputDeps): Promise<ChargeInputs> {
  const { config, store, period, logger } = deps;
  const keys = chargeInputKeys(schemaFor(config.service), period);
  const uri = (key: string) => `s3://${config.bucket}/${key}`;
  const inputs: { rateDeck?: string; connectors?: string } = {};
  if (config.rateDeckKey) {
    const bytes = await readConfigured(store, config.rateDeckKey, 'RATE_DECK_KEY', (bytes) => {
      const deck = deckFromBytes(bytes);
      logger.info({ rateDeck: config.rateDeckKey, rows: deck.rows.length, currency: deck.currency }, 'rate deck read');
    });
    await store.write(keys.rateDeck, bytes, 'text/csv; charset=utf-8');
    inputs.rateDeck = uri(keys.rateDeck);
  }
  if (config.refreshConnectors) {
    if (!deps.chime) throw new ConfigError('REFRESH_CONNECTORS', 'needs a Chime SDK Voice client');
    const client = deps.chime();
    const connectors = await fetchVoiceConnectors(client);
    await store.write(keys.connectors, connectorsCsv(connectors), 'text/csv; charset=utf-8');
    logger.info({ connectors: connectors.length }, 'connectors refreshed from the Chime SDK Voice API');
    inputs.connectors = uri(keys.connectors);
  } else if (config.connectorsKey) {
    const bytes = await readConfigured(store, config.connectorsKey, 'CONNECTORS_KEY', (bytes) =>
      parseConnectors(bytes.toString('utf8')),
    );
    await store.write(keys.connectors, bytes, 'text/csv; charset=utf-8');
    inputs.connectors = uri(keys.connectors);
  }
  return inputs;
}
