import { ToolError } from '@neurhomia/mcp-mqtt-core';
import { describe, expect, it, vi } from 'vitest';
import { GeocodingCache, locationKey, parseCoordinates, resolvePlace } from '../../src/providers/location.js';

describe('parseCoordinates', () => {
  it('reads lat,lon in decimal degrees', () => {
    expect(parseCoordinates('48.85,2.35')).toEqual({ latitude: 48.85, longitude: 2.35 });
    expect(parseCoordinates(' -33.9 , 18.42 ')).toEqual({ latitude: -33.9, longitude: 18.42 });
    expect(parseCoordinates('+1,-1')).toEqual({ latitude: 1, longitude: -1 });
  });

  it('leaves place names alone', () => {
    expect(parseCoordinates('Paris')).toBeUndefined();
    expect(parseCoordinates('Paris, FR')).toBeUndefined();
    expect(parseCoordinates('75001')).toBeUndefined();
    expect(parseCoordinates('48.85')).toBeUndefined();
  });

  it('refuses coordinates out of range instead of geocoding them', () => {
    expect(() => parseCoordinates('95,10')).toThrow(ToolError);
    expect(() => parseCoordinates('95,10')).toThrow(/Latitude 95 is out of range/);
    expect(() => parseCoordinates('45,200')).toThrow(/Longitude 200 is out of range/);
  });
});

describe('locationKey', () => {
  it('folds case and spaces of names and rounds coordinates', () => {
    expect(locationKey('  Paris ')).toBe(locationKey('paris'));
    expect(locationKey('New   York')).toBe('new york');
    expect(locationKey('48.85,2.35')).toBe(locationKey('48.850, 2.3500'));
  });
});

describe('resolvePlace', () => {
  it('uses coordinates directly and geocodes names once per TTL', async () => {
    const cache = new GeocodingCache(60_000);
    const lookup = vi.fn(async (name: string) => ({ name, country: 'FR', latitude: 48.85, longitude: 2.35 }));
    await expect(resolvePlace('1.5,2.5', cache, lookup)).resolves.toEqual({
      name: '1.5,2.5',
      latitude: 1.5,
      longitude: 2.5,
      fromCoordinates: true,
    });
    expect(lookup).not.toHaveBeenCalled();
    await resolvePlace('Paris', cache, lookup);
    await resolvePlace(' paris', cache, lookup);
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('does not remember failed look-ups', async () => {
    const cache = new GeocodingCache(60_000);
    const lookup = vi.fn(async () => {
      throw new ToolError('Place not found');
    });
    await expect(resolvePlace('Atlantis', cache, lookup)).rejects.toThrow('Place not found');
    await expect(resolvePlace('Atlantis', cache, lookup)).rejects.toThrow('Place not found');
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('refuses an empty location', async () => {
    await expect(resolvePlace('  ', new GeocodingCache(1000), vi.fn())).rejects.toThrow(
      /location is required/,
    );
  });
});
