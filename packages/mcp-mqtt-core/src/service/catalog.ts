import { z } from 'zod';
import { ErrorCode, RpcError } from '../protocol/errors.js';
import type { AnyTool, ResourceDefinition } from './define.js';

export interface ToolDescriptor {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** Seed 000's name for inputSchema. */
  parameters: Record<string, unknown>;
  category?: string;
  permissions?: readonly string[];
  annotations?: Record<string, unknown>;
}

export interface CatalogTool {
  definition: AnyTool;
  /** The declared schema made strict: unknown arguments are refused, never dropped. */
  schema: z.ZodObject;
  descriptor: ToolDescriptor;
}

export interface CatalogResource {
  definition: ResourceDefinition;
  uri: string;
  mimeType: string;
}

function jsonSchemaOf(schema: z.ZodObject): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** The tools and resources of a service, validated and indexed once at start. */
export class Catalog {
  readonly tools = new Map<string, CatalogTool>();
  /** What `tools/list` and discovery show: every tool not declared `listed: false`. */
  readonly listed: CatalogTool[] = [];
  readonly resources = new Map<string, CatalogResource>();
  private readonly resourcesByUri = new Map<string, CatalogResource>();

  constructor(serviceId: string, tools: readonly AnyTool[], resources: readonly ResourceDefinition[]) {
    for (const definition of tools) {
      if (this.tools.has(definition.name)) throw new Error(`tool ${definition.name} is declared twice`);
      if (!/^[A-Za-z0-9_.-]{1,128}$/.test(definition.name))
        throw new Error(`tool name ${definition.name} is not valid`);
      const schema = definition.input.strict();
      const inputSchema = jsonSchemaOf(schema);
      const descriptor: ToolDescriptor = {
        name: definition.name,
        description: definition.description,
        inputSchema,
        parameters: inputSchema,
        ...(definition.category ? { category: definition.category } : {}),
        ...(definition.permissions?.length ? { permissions: definition.permissions } : {}),
        ...(definition.annotations ? { annotations: { ...definition.annotations } } : {}),
      };
      const entry = { definition, schema, descriptor };
      this.tools.set(definition.name, entry);
      if (definition.listed !== false) this.listed.push(entry);
    }
    for (const definition of resources) {
      if (this.resources.has(definition.id)) throw new Error(`resource ${definition.id} is declared twice`);
      const entry: CatalogResource = {
        definition,
        uri: definition.uri ?? `mcp://${serviceId}/${definition.type}/${definition.id}`,
        mimeType: definition.mimeType ?? 'application/json',
      };
      this.resources.set(definition.id, entry);
      this.resourcesByUri.set(entry.uri, entry);
    }
  }

  tool(name: string): CatalogTool {
    const tool = this.tools.get(name);
    if (!tool) {
      throw new RpcError(ErrorCode.InvalidParams, `Invalid params: unknown tool "${name}"`, {
        param: 'name',
        expected: `one of ${[...this.tools.keys()].join(', ')}`,
        received: name,
      });
    }
    return tool;
  }

  resource(ref: { resource_id?: string | undefined; uri?: string | undefined }): CatalogResource {
    const found =
      ref.uri !== undefined ? this.resourcesByUri.get(ref.uri) : this.resources.get(ref.resource_id ?? '');
    if (!found) {
      const name = ref.uri ?? ref.resource_id ?? '';
      throw new RpcError(ErrorCode.ResourceNotFound, `Resource not found: ${name}`, {
        [ref.uri !== undefined ? 'uri' : 'resource_id']: name,
      });
    }
    return found;
  }

  resourceDescriptor(entry: CatalogResource) {
    const { definition } = entry;
    return {
      uri: entry.uri,
      name: definition.name,
      ...(definition.description ? { description: definition.description } : {}),
      mimeType: entry.mimeType,
      resource_type: definition.type,
      resource_id: definition.id,
    };
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && Number.isInteger(value)) return `integer ${value}`;
  if (typeof value === 'string')
    return value.length > 40 ? `string "${value.slice(0, 40)}…"` : `string "${value}"`;
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${String(value)}`;
}

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
      return `${issue.origin} ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'too_small':
      return `${issue.origin} ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'unrecognized_keys':
      return 'no such argument';
    default:
      return issue.message;
  }
}

/** -32602 with the seed's `{param, expected, received}` for the first issue, and every issue. */
export function invalidArguments(error: z.ZodError, args: unknown): RpcError {
  const issues = error.issues.map((issue) => {
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
    return {
      param: path.map(String).join('.') || 'arguments',
      expected: expectedOf(issue),
      received: describe(at(args, path)),
      message: issue.message,
    };
  });
  const first = issues[0]!;
  return new RpcError(
    ErrorCode.InvalidParams,
    `Invalid params: ${first.param}: expected ${first.expected}, received ${first.received}`,
    {
      param: first.param,
      expected: first.expected,
      received: first.received,
      issues,
    },
  );
}
