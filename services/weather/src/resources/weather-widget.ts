import { defineResource } from '@neurhomia/mcp-mqtt-core';
import { WEATHER_ALERT_EVENT } from '../alerts/watcher.js';
import type { ProviderName } from '../providers/provider.js';

export interface WeatherWidgetOptions {
  version: string;
  /** Where weather_alert events go out (`ctx.events.topic(…)`). */
  alertTopic: string;
  provider: ProviderName;
  maxForecastDays: number;
}

/**
 * Seed 000's weather widget ("Microservice Météo Complet"), with interactions that point at tools
 * that exist: `refresh` → get_current_weather and `forecast` → get_forecast (the seed's
 * `configure_location` does not exist). Units shown are those of the default `metric` units.
 */
export function weatherWidgetConfig(options: WeatherWidgetOptions) {
  const forecastDays = Math.min(5, options.maxForecastDays);
  return {
    id: 'weather_widget',
    name: 'Weather Widget',
    version: options.version,
    device_types: ['weather', 'sensor'],
    provider: options.provider,
    display: {
      icon: 'cloud-sun',
      color: 'hsl(200, 70%, 50%)',
      background_gradient: 'linear-gradient(135deg, hsl(200, 70%, 50%), hsl(220, 60%, 60%))',
    },
    sections: [
      {
        id: 'current',
        title: 'Current Weather',
        type: 'grid',
        source: { tool: 'get_current_weather', arguments: { location: '{location}', units: 'metric' } },
        fields: [
          { key: 'temperature', label: 'Temperature', type: 'number', unit: '°C', format: '0.1f' },
          { key: 'feels_like', label: 'Feels like', type: 'number', unit: '°C', format: '0.1f' },
          { key: 'humidity', label: 'Humidity', type: 'number', unit: '%' },
          { key: 'pressure', label: 'Pressure', type: 'number', unit: 'hPa' },
          { key: 'wind_speed', label: 'Wind Speed', type: 'number', unit: 'm/s' },
          { key: 'description', label: 'Conditions', type: 'text' },
        ],
      },
      {
        id: 'forecast',
        title: `${forecastDays}-Day Forecast`,
        type: 'list',
        max_items: forecastDays,
        source: {
          tool: 'get_forecast',
          arguments: { location: '{location}', days: forecastDays, units: 'metric' },
          items: 'days',
        },
        fields: [
          { key: 'date', label: 'Date', type: 'date' },
          { key: 'temperature_min', label: 'Min', type: 'number', unit: '°C' },
          { key: 'temperature_max', label: 'Max', type: 'number', unit: '°C' },
          { key: 'precipitation_sum', label: 'Precipitation', type: 'number', unit: 'mm' },
          { key: 'description', label: 'Conditions', type: 'text' },
        ],
      },
      {
        id: 'alerts',
        title: 'Alerts',
        type: 'list',
        source: { tool: 'get_weather_alerts', arguments: { location: '{location}' }, items: 'alerts' },
        event: { name: WEATHER_ALERT_EVENT, topic: options.alertTopic },
        fields: [
          { key: 'date', label: 'Date', type: 'date' },
          { key: 'severity', label: 'Severity', type: 'text' },
          { key: 'message', label: 'Alert', type: 'text' },
        ],
      },
    ],
    interactions: [
      {
        type: 'refresh',
        action: 'get_current_weather',
        icon: 'refresh-cw',
        arguments: { location: '{location}' },
      },
      {
        type: 'forecast',
        action: 'get_forecast',
        icon: 'calendar-days',
        arguments: { location: '{location}', days: forecastDays },
      },
    ],
  };
}

export function createWeatherWidgetResource(options: WeatherWidgetOptions) {
  const config = weatherWidgetConfig(options);
  return defineResource({
    id: 'weather_widget',
    name: 'Weather Widget',
    description:
      'Dashboard widget: current weather, the forecast and alerts, with refresh and forecast actions',
    type: 'widget',
    permissions: ['weather:read'],
    read: () => config,
  });
}
