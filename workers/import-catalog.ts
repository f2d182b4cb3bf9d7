import type { CatalogImport } from '../src/connections/catalog-import.js';
import type { JobHandler } from './runtime.js';

export function importCatalogHandler(catalogImport: CatalogImport): JobHandler<'connection.import-catalog'> {
  return (payload) => catalogImport.run(payload.connectionId);
}
