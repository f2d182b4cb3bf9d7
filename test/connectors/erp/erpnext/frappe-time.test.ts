// Frappe wall-clock text ↔ instants, through the site's time zone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertTimeZone, dateToFrappeTime, frappeTimeToDate } from '../../../../src/connectors/erp/erpnext/frappe-time.js';

describe('Frappe datetimes', () => {
  it.each([
    ['2026-03-01 11:00:00.250000', 'Europe/Berlin', '2026-03-01T10:00:00.250Z'],
    ['2026-07-01 12:00:00', 'Europe/Berlin', '2026-07-01T10:00:00.000Z'],
    ['2026-03-01 15:30:00.000001', 'Asia/Kolkata', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01 05:00:00.999999', 'America/New_York', '2026-03-01T10:00:00.999Z'],
    ['2026-03-29 03:30:00', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    ['2026-03-01T10:00:00', 'UTC', '2026-03-01T10:00:00.000Z'],
  ])('%s in %s is %s', (text, zone, iso) => {
    expect(frappeTimeToDate(text, zone).toISOString()).toBe(iso);
  });

  it.each([
    ['2026-03-01T10:00:00.250Z', 'Europe/Berlin', '2026-03-01 11:00:00.250000'],
    ['2026-07-01T10:00:00.000Z', 'Europe/Berlin', '2026-07-01 12:00:00.000000'],
    ['2026-03-01T10:00:00.000Z', 'America/Los_Angeles', '2026-03-01 02:00:00.000000'],
  ])('%s is %s wall clock %s', (iso, zone, text) => {
    expect(dateToFrappeTime(new Date(iso), zone)).toBe(text);
  });

  it('round-trips every instant in zones without daylight saving (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('UTC', 'Asia/Kolkata', 'Asia/Tokyo'),
        (date, zone) => {
          expect(frappeTimeToDate(dateToFrappeTime(date, zone), zone).getTime()).toBe(date.getTime());
        },
      ),
    );
  });

  it.each(['2026-03-01', 'yesterday', '2026-03-01 10:00', ''])('refuses unreadable text %j as ERP_INVALID_RESPONSE', (text) => {
    expect(() => frappeTimeToDate(text, 'UTC')).toThrow(expect.objectContaining({ code: 'ERP_INVALID_RESPONSE' }));
  });

  it('refuses an unknown time zone with a stable code', () => {
    expect(() => assertTimeZone('Mars/Olympus')).toThrow(expect.objectContaining({ code: 'ERPNEXT_BAD_TIME_ZONE' }));
    expect(() => assertTimeZone('Europe/Berlin')).not.toThrow();
  });
});
