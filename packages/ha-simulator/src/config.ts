/**
 * The image's environment. HA_SIM_TOKEN may come from HA_SIM_TOKEN_FILE (a compose secret);
 * every bad variable is named at once, and the token never appears in an error.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const port = (fallback?: number) => {
  const base = z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a port number')
    .min(0)
    .max(65535);
  return fallback === undefined ? base.optional() : base.default(fallback);
};

export const SimulatorEnvSchema = z.object({
  HA_SIM_PORT: port(8123),
  HA_SIM_HOST: z.string().min(1).default('0.0.0.0'),
  HA_SIM_TOKEN: z
    .string({ error: 'is required (or HA_SIM_TOKEN_FILE)' })
    .min(8, 'must be at least 8 characters'),
  HA_SIM_LATENCY_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(600_000)
    .default(0),
  HA_SIM_CONTROL_PORT: port(),
  HA_SIM_SEED: z.coerce.number({ error: 'must be an integer' }).int().default(42),
  HA_SIM_COVER_TRAVEL_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(0)
    .max(600_000)
    .default(0),
  HA_SIM_TIME_ZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone')
    .default('Europe/Paris'),
});
export type SimulatorEnv = z.infer<typeof SimulatorEnvSchema>;

export class SimulatorConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Read the environment (HA_SIM_TOKEN or HA_SIM_TOKEN_FILE, not both). */
export function loadSimulatorEnv(env: NodeJS.ProcessEnv = process.env): SimulatorEnv {
  const problems: string[] = [];
  const values: Record<string, string | undefined> = {};
  for (const key of Object.keys(SimulatorEnvSchema.shape))
    values[key] = env[key] === '' ? undefined : env[key];
  const tokenFile = env.HA_SIM_TOKEN_FILE;
  if (tokenFile) {
    if (values.HA_SIM_TOKEN !== undefined)
      problems.push('HA_SIM_TOKEN and HA_SIM_TOKEN_FILE are both set: keep one');
    try {
      values.HA_SIM_TOKEN = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      problems.push(
        `HA_SIM_TOKEN_FILE: cannot read ${tokenFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const parsed = SimulatorEnvSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      const got = name === 'HA_SIM_TOKEN' || values[name] === undefined ? '' : ` (got "${values[name]}")`;
      problems.push(`${name}: ${issue.message}${got}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new SimulatorConfigError(problems);
  return parsed.data;
}
