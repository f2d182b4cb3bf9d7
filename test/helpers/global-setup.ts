import { ensureTemplateDatabase } from './template-database.js';

export default async function setup() {
  process.env.STOCKBRIDGE_TEST_TEMPLATE = await ensureTemplateDatabase();
}
