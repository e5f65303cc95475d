/**
 * Home Assistant's exceptions (homeassistant/exceptions.py) with their translation data, which the
 * WebSocket API forwards in error messages. English texts are homeassistant/strings.json's.
 */

export type Translation = {
  domain: string;
  key: string;
  placeholders: Record<string, string> | null;
};

export class HomeAssistantError extends Error {
  constructor(
    message: string,
    readonly translation: Translation | null = null,
  ) {
    super(message);
  }
}

export class ServiceValidationError extends HomeAssistantError {}

/** `ServiceNotFound` (a ServiceValidationError since 2024). */
export class ServiceNotFound extends ServiceValidationError {
  constructor(
    readonly domain: string,
    readonly service: string,
  ) {
    super(`Action ${domain}.${service} not found.`, {
      domain: 'homeassistant',
      key: 'service_not_found',
      placeholders: { domain, service },
    });
  }
}

/** `ServiceNotSupported`: an explicitly targeted entity lacks the feature the action needs. */
export class ServiceNotSupported extends ServiceValidationError {
  constructor(domain: string, service: string, entityId: string) {
    super(`Entity ${entityId} does not support action ${domain}.${service}.`, {
      domain: 'homeassistant',
      key: 'service_not_supported',
      placeholders: { entity_id: entityId, domain, service },
    });
  }
}

export class TemplateError extends HomeAssistantError {}

/** `ServiceValidationError(translation_domain=..., translation_key=...)` with the English text. */
export function translatedValidationError(
  domain: string,
  key: string,
  message: string,
  placeholders: Record<string, string> | null = null,
): ServiceValidationError {
  return new ServiceValidationError(message, { domain, key, placeholders });
}

export const RESPONSE_NOT_SUPPORTED = () =>
  translatedValidationError(
    'homeassistant',
    'service_does_not_support_response',
    "An action which does not return responses can't be called with return_response=True.",
    { return_response: 'return_response=True' },
  );

export const RESPONSE_REQUIRED = () =>
  translatedValidationError(
    'homeassistant',
    'service_lacks_response_request',
    'The action requires responses and must be called with return_response=True.',
    { return_response: 'return_response=True' },
  );
