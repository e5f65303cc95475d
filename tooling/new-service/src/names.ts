// The core's service-id rule itself (a module without imports, run as is by Node's type stripping).
import { isValidServiceId } from '../../../packages/mcp-mqtt-core/src/protocol/topics.ts';

/** Every spelling of a service's id that the templates use. */
export type ServiceNames = {
  /** `air-quality`: the folder, topic level, broker user, compose service. */
  id: string;
  /** `AIR_QUALITY`: the prefix of its variables (secrets-init derives `AIR_QUALITY_MQTT_PASSWORD` the same way). */
  ENV: string;
  /** `airQuality`: identifiers (`airQualityService`). */
  camel: string;
  /** `AirQuality`: type and schema names (`AirQualityConfigSchema`). */
  Pascal: string;
  /** `Air Quality`: the service's name for people. */
  title: string;
};

export const ID_RULE =
  'a service id is lower-case letters, digits and "-", starts with a letter, has at most 63 ' +
  'characters (^[a-z][a-z0-9-]{0,62}$), and is not "system" or "clients" (reserved topic levels)';

/** Why `id` cannot be a service id, or undefined when it can. */
export function invalidId(id: string): string | undefined {
  if (isValidServiceId(id)) return undefined;
  return `"${id}" is not a valid service id: ${ID_RULE}`;
}

export function namesOf(id: string): ServiceNames {
  const words = id.split('-').filter(Boolean);
  const capitalized = words.map((word) => word[0]!.toUpperCase() + word.slice(1));
  const Pascal = capitalized.join('');
  return {
    id,
    ENV: id.toUpperCase().replaceAll('-', '_'),
    camel: Pascal[0]!.toLowerCase() + Pascal.slice(1),
    Pascal,
    title: capitalized.join(' '),
  };
}
