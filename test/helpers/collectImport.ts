// Drain an importer's event stream into pairs and skips (importer tests).
import type { ImportEvent, RawPair, Skip } from '../../src/data/import/types';

export async function collectImport(stream: AsyncIterable<ImportEvent>): Promise<{ events: ImportEvent[]; pairs: RawPair[]; skips: Skip[] }> {
  const events: ImportEvent[] = [];
  for await (const e of stream) events.push(e);
  return {
    events,
    pairs: events.flatMap((e) => (e.kind === 'pair' ? [e.pair] : [])),
    skips: events.flatMap((e) => (e.kind === 'skip' ? [e.skip] : [])),
  };
}
