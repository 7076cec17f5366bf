/**
 * Connector names and tags from the Amazon Chime SDK Voice API: every Voice Connector
 * (`ListVoiceConnectors`, all pages) and its tags (`ListTagsForResource` on its ARN), rendered as the
 * connectors file `cdr-summary run --connectors` reads.
 */

import {
  ChimeSDKVoiceClient,
  ListTagsForResourceCommand,
  paginateListVoiceConnectors,
} from '@aws-sdk/client-chime-sdk-voice';
import { csvField } from '../core/csv-field';
import type { ConnectorInfo } from '../report/connectors';

/** Chime SDK Voice client from the standard SDK sources (`AWS_ENDPOINT_URL_CHIME_SDK_VOICE` for tests). */
export function createChimeVoiceClient(): ChimeSDKVoiceClient {
  return new ChimeSDKVoiceClient({});
}

/** Every Voice Connector of the account and region, with its name and tags, sorted by id. */
export async function fetchVoiceConnectors(client: ChimeSDKVoiceClient): Promise<ConnectorInfo[]> {
  const found: { id: string; name: string; arn: string | undefined }[] = [];
  for await (const page of paginateListVoiceConnectors({ client, pageSize: 99, stopOnSameToken: true }, {})) {
    for (const vc of page.VoiceConnectors ?? []) {
      if (vc.VoiceConnectorId) found.push({ id: vc.VoiceConnectorId, name: vc.Name ?? '', arn: vc.VoiceConnectorArn });
    }
  }
  const connectors: ConnectorInfo[] = [];
  for (const vc of found) {
    const tags: Record<string, string> = {};
    if (vc.arn) {
      const response = await client.send(new ListTagsForResourceCommand({ ResourceARN: vc.arn }));
      for (const tag of response.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
    }
    connectors.push({ id: vc.id, name: vc.name, tags });
  }
  return connectors.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The connectors file: `VoiceConnectorId,Name,<every tag key, sorted>` (RFC 4180, CRLF). */
export function connectorsCsv(connectors: readonly ConnectorInfo[]): string {
  const keys = [...new Set(connectors.flatMap((c) => Object.keys(c.tags)))].sort();
  const lines = [['VoiceConnectorId', 'Name', ...keys].map(csvField).join(',')];
  for (const c of connectors) lines.push([c.id, c.name, ...keys.map((k) => c.tags[k] ?? '')].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
