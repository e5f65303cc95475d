import { ToolError } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Longest period one call may cover: a week of a busy sensor is already thousands of points. */
export const MAX_PERIOD_DAYS = 7;

export const dateTimeArg = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 date-time with a time zone, e.g. 2025-01-31T08:00:00Z or 2025-01-31T09:00:00+01:00');

/** `start` and `end` of get_history and get_logbook. */
export const periodArgs = {
  start: dateTimeArg.optional().describe('Start of the period (default: 24 hours before end)'),
  end: dateTimeArg.optional().describe('End of the period (default: now)'),
};

/**
 * The period a history or logbook call covers: without `start`, the 24 hours before `end`;
 * without `end`, now. Refuses an empty or reversed period, and one longer than a week.
 */
export function timeRange(start: string | undefined, end: string | undefined, now = Date.now()) {
  const endMs = end === undefined ? now : Date.parse(end);
  const startMs = start === undefined ? endMs - DAY_MS : Date.parse(start);
  if (startMs >= endMs) throw new ToolError('start must be before end');
  if (endMs - startMs > MAX_PERIOD_DAYS * DAY_MS) {
    throw new ToolError(`the period is longer than ${MAX_PERIOD_DAYS} days: ask for a shorter one`);
  }
  return { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() };
}
