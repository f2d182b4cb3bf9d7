// The dashboard and alert rules must only query series the service really exports.
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.js';

async function exportedNames(): Promise<Set<string>> {
  const metrics = createMetrics({ defaultMetrics: false });
  const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
  return new Set(names);
}

function seriesIn(text: string): string[] {
  const found = text.match(/stockbridge_[a-z_]+/g) ?? [];
  return [...new Set(found.map((name) => name.replace(/_(bucket|sum|count)$/, '')))];
}

it.each(['deploy/grafana-dashboard.json', 'deploy/prometheus-alerts.yml'])('%s only uses exported stockbridge series', async (file) => {
  const text = await readFile(file, 'utf8');
  const names = await exportedNames();
  const used = seriesIn(text);
  expect(used.length).toBeGreaterThan(5);
  expect(used.filter((name) => !names.has(name))).toEqual([]);
});

it('the dashboard is valid JSON with panels', async () => {
  const dashboard = JSON.parse(await readFile('deploy/grafana-dashboard.json', 'utf8'));
  expect(dashboard.panels.length).toBeGreaterThan(8);
});
