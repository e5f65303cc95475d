import { createHash } from 'node:crypto';
import { isValidServiceId, type Logger } from '@neurhomia/mcp-mqtt-core';

/** What Claude's and OpenAI's clients accept as a tool name. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
/** Between the service id and the tool name; a service id never holds `_`, so the split is unambiguous. */
export const SEPARATOR = '__';
const MAX_LENGTH = 64;

export interface ToolRef {
  serviceId: string;
  tool: string;
}

const hashOf = (text: string, length: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * `{service}__{tool}` when it fits the pattern. Otherwise (too long, or a `.` in the tool name)
 * the name is made to fit, deterministically: characters outside the pattern become `_`, the
 * text is cut, and a hash of the full name is appended so that two long names never meet.
 */
export function exposedName(ref: ToolRef, hashLength = 8): { name: string; shortened: boolean } {
  const full = `${ref.serviceId}${SEPARATOR}${ref.tool}`;
  if (TOOL_NAME_PATTERN.test(full)) return { name: full, shortened: false };
  const clean = full.replace(/[^a-zA-Z0-9_-]/g, '_');
  return {
    name: `${clean.slice(0, MAX_LENGTH - hashLength - 1)}_${hashOf(full, hashLength)}`,
    shortened: true,
  };
}

/** `weather__get_forecast` → weather / get_forecast, without any table (tools a service does not list). */
export function parseName(name: string): ToolRef | undefined {
  const at = name.indexOf(SEPARATOR);
  if (at <= 0) return undefined;
  const serviceId = name.slice(0, at);
  const tool = name.slice(at + SEPARATOR.length);
  return isValidServiceId(serviceId) && tool.length > 0 ? { serviceId, tool } : undefined;
}

/**
 * The table between the services' tools and the names clients see, rebuilt from discovery when
 * the live services change. Every tool gets a name; a shortened one is logged once.
 */
export class ToolNames {
  private byName = new Map<string, ToolRef>();
  private byRef = new Map<string, string>();
  private readonly announced = new Set<string>();

  constructor(private readonly logger: Logger) {}

  update(services: ReadonlyArray<{ serviceId: string; tools: readonly string[] }>) {
    const byName = new Map<string, ToolRef>();
    const byRef = new Map<string, string>();
    const refs = services
      .flatMap(({ serviceId, tools }) => tools.map((tool) => ({ serviceId, tool })))
      .sort((a, b) => refKey(a).localeCompare(refKey(b)));
    for (const ref of refs) {
      let { name, shortened } = exposedName(ref);
      // Two different names cut to the same text and hash (or a literal name equal to a
      // shortened one): the later one in sorted order takes a longer hash, still deterministic.
      if (byName.has(name)) ({ name, shortened } = { name: exposedName(ref, 16).name, shortened: true });
      byName.set(name, ref);
      byRef.set(refKey(ref), name);
      if (shortened && !this.announced.has(refKey(ref))) {
        this.announced.add(refKey(ref));
        this.logger.warn(
          { service_id: ref.serviceId, tool: ref.tool, exposed_as: name },
          'tool name does not fit ^[a-zA-Z0-9_-]{1,64}$: exposed under a shortened name',
        );
      }
    }
    this.byName = byName;
    this.byRef = byRef;
  }

  /** The service and tool behind a name clients use; `{service}__{tool}` also reaches unlisted tools. */
  resolve(name: string): ToolRef | undefined {
    return this.byName.get(name) ?? (TOOL_NAME_PATTERN.test(name) ? parseName(name) : undefined);
  }

  nameOf(ref: ToolRef): string {
    return this.byRef.get(refKey(ref)) ?? exposedName(ref).name;
  }

  /** Services that list a tool of this plain name (seed 002 callers name tools without a service). */
  servicesWith(tool: string): string[] {
    return [...this.byName.values()].filter((ref) => ref.tool === tool).map((ref) => ref.serviceId);
  }
}

const refKey = (ref: ToolRef) => `${ref.serviceId}\u0000${ref.tool}`;
