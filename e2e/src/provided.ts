import { inject } from 'vitest';

/**
 * What the global setup (src/global-setup.ts) hands every test file: the images it built from
 * the compose files, and the services of services/ among them. Only test files import this (the
 * global setup itself runs outside any test).
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** Compose service → the image the global setup built for it. */
    images: Record<string, string>;
    /** The services of services/ (the images built by services/Dockerfile), by id. */
    services: string[];
  }
}

/** The image of a compose service (`weather`, `ha-simulator`, `weather-upstream`…), as built. */
export function imageOf(service: string): string {
  const image = inject('images')[service];
  if (!image) throw new Error(`no image for compose service ${service}: the stack does not build one`);
  return image;
}

/** The services of services/, by id. */
export function stackServiceIds(): string[] {
  return inject('services');
}
