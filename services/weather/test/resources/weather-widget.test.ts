import { silentLogger } from '@neurhomia/mcp-mqtt-core';
import { describe, expect, it } from 'vitest';
import { createWeatherWidgetResource } from '../../src/resources/weather-widget.js';

const caller = { id: 'test', keyId: undefined, scopes: ['weather:read'] };

describe('weather_widget resource', () => {
  const resource = createWeatherWidgetResource({
    version: '1.2.3',
    alertTopic: 'mcp/weather/events/weather_alert',
    provider: 'open-meteo',
    maxForecastDays: 16,
  });

  it('is the seed widget, readable with weather:read', async () => {
    expect(resource).toMatchObject({ id: 'weather_widget', name: 'Weather Widget', type: 'widget' });
    expect(resource.permissions).toEqual(['weather:read']);
    const config = (await resource.read({ logger: silentLogger(), caller })) as Record<string, unknown>;
    expect(config).toMatchObject({
      id: 'weather_widget',
      version: '1.2.3',
      device_types: ['weather', 'sensor'],
    });
    const sections = config.sections as { id: string; fields?: { key: string; unit?: string }[] }[];
    expect(sections.map((s) => s.id)).toEqual(['current', 'forecast', 'alerts']);
    expect(sections[0]?.fields).toContainEqual({
      key: 'temperature',
      label: 'Temperature',
      type: 'number',
      unit: '°C',
      format: '0.1f',
    });
  });

  it('points its interactions at tools that exist', async () => {
    const config = (await resource.read({ logger: silentLogger(), caller })) as {
      interactions: { type: string; action: string }[];
      sections: { id: string; event?: { topic: string } }[];
    };
    expect(config.interactions.map((i) => [i.type, i.action])).toEqual([
      ['refresh', 'get_current_weather'],
      ['forecast', 'get_forecast'],
    ]);
    expect(config.sections.find((s) => s.id === 'alerts')?.event?.topic).toBe(
      'mcp/weather/events/weather_alert',
    );
  });

  it('shows no more forecast days than the provider serves', async () => {
    const owm = createWeatherWidgetResource({
      version: '1',
      alertTopic: 'mcp/w/events/weather_alert',
      provider: 'openweathermap',
      maxForecastDays: 5,
    });
    const config = (await owm.read({ logger: silentLogger(), caller })) as {
      sections: { id: string; max_items?: number }[];
    };
    expect(config.sections.find((s) => s.id === 'forecast')?.max_items).toBe(5);
  });
});
