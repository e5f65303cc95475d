import { ToolError } from '@neurhomia/mcp-mqtt-core';
import { LRUCache } from 'lru-cache';
import type { Place } from './provider.js';

export type Coordinates = { latitude: number; longitude: number };

const COORDINATES = /^\s*([+-]?\d{1,3}(?:\.\d+)?)\s*,\s*([+-]?\d{1,3}(?:\.\d+)?)\s*$/;

/**
 * `lat,lon` in decimal degrees (`48.85,2.35`, `-33.9, 18.42`), or undefined for anything else
 * (then the text is a place name). Numbers out of range are an error, not a place name: a typo in
 * coordinates must not silently become a geocoding search.
 */
export function parseCoordinates(text: string): Coordinates | undefined {
  const match = COORDINATES.exec(text);
  if (!match) return undefined;
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  if (latitude < -90 || latitude > 90) {
    throw new ToolError(`Latitude ${latitude} is out of range: it must be between -90 and 90`, {
      data: { location: text },
    });
  }
  if (longitude < -180 || longitude > 180) {
    throw new ToolError(`Longitude ${longitude} is out of range: it must be between -180 and 180`, {
      data: { location: text },
    });
  }
  return { latitude, longitude };
}

/** A stable cache key for a location argument: coordinates rounded, names case-folded. */
export function locationKey(text: string): string {
  const trimmed = text.trim();
  let coordinates: Coordinates | undefined;
  try {
    coordinates = parseCoordinates(trimmed);
  } catch {
    coordinates = undefined;
  }
  if (coordinates) return `${coordinates.latitude.toFixed(4)},${coordinates.longitude.toFixed(4)}`;
  return trimmed.toLowerCase().replace(/\s+/g, ' ');
}

/** How coordinates without a name are shown: the coordinates themselves. */
export function coordinatesName({ latitude, longitude }: Coordinates): string {
  return `${latitude},${longitude}`;
}

export function placeNotFound(name: string, provider: string): ToolError {
  return new ToolError(
    `Place not found: "${name}" is unknown to ${provider}'s geocoding. Check the spelling, add the country ` +
      '(e.g. "Paris, FR") or give coordinates as "lat,lon".',
    { data: { location: name } },
  );
}

/**
 * Place names resolved by a provider's own geocoding, kept for a day (places do not move) and
 * bounded so that arbitrary names cannot grow memory. Failed look-ups are not kept: a place added
 * upstream later must be found.
 */
export class GeocodingCache {
  private readonly places: LRUCache<string, Place>;

  constructor(ttlMs: number, max = 500) {
    this.places = new LRUCache({ max, ttl: ttlMs });
  }

  async resolve(name: string, lookup: (name: string) => Promise<Place>): Promise<Place> {
    const key = locationKey(name);
    const cached = this.places.get(key);
    if (cached) return cached;
    const place = await lookup(name.trim());
    this.places.set(key, place);
    return place;
  }
}

/** Coordinates given directly, or a name resolved (and cached) through the provider's geocoding. */
export async function resolvePlace(
  location: string,
  cache: GeocodingCache,
  lookup: (name: string) => Promise<Place>,
): Promise<Place & { fromCoordinates: boolean }> {
  const text = location.trim();
  if (text === '') throw new ToolError('A location is required: a place name or "lat,lon"');
  const coordinates = parseCoordinates(text);
  if (coordinates) return { name: coordinatesName(coordinates), ...coordinates, fromCoordinates: true };
  return { ...(await cache.resolve(text, lookup)), fromCoordinates: false };
}

/** The normalized place, without the internal `fromCoordinates` marker. */
export function stripFlag({ fromCoordinates: _, ...place }: Place & { fromCoordinates?: boolean }): Place {
  return place;
}
