/**
 * The simulated Home Assistant core: event bus, state machine, services, registries, recorder and
 * automations, wired as homeassistant/core.py wires them. Transport-free: the REST and WebSocket
 * layers talk to this object.
 */
import { randomUUID } from 'node:crypto';
import { Automations } from './automations.js';
import { EventBus } from './event-bus.js';
import { Recorder } from './recorder.js';
import { Registries } from './registries.js';
import { registerAutomationServices, type ScriptConfig } from './services/automation.js';
import { registerClimateServices } from './services/climate.js';
import { registerCoreServices } from './services/core.js';
import { registerCoverServices } from './services/cover.js';
import { registerLightServices } from './services/light.js';
import { ServiceRegistry } from './services/registry.js';
import { registerSecurityServices } from './services/security.js';
import { StateMachine } from './state-machine.js';

export type HassOptions = {
  haVersion: string;
  locationName: string;
  timeZone: string;
  latitude: number;
  longitude: number;
  elevation: number;
  /** Travel time of covers; 0 writes their end state at once. */
  coverTravelMs: number;
  /** The code that disarms `alarm_control_panel.home`. */
  alarmCode: string;
};

export const DEFAULT_HASS_OPTIONS: HassOptions = {
  haVersion: '2025.6.0',
  locationName: 'Home',
  timeZone: 'Europe/Paris',
  latitude: 48.8566,
  longitude: 2.3522,
  elevation: 35,
  coverTravelMs: 0,
  alarmCode: '1234',
};

/** Integrations reported as loaded (`components` of the configuration). */
const COMPONENTS = [
  'alarm_control_panel',
  'alarm_control_panel.manual',
  'api',
  'auth',
  'automation',
  'binary_sensor',
  'binary_sensor.zha',
  'climate',
  'climate.netatmo',
  'config',
  'cover',
  'cover.shelly',
  'frontend',
  'history',
  'homeassistant',
  'http',
  'input_boolean',
  'light',
  'light.hue',
  'light.zha',
  'lock',
  'lock.nuki',
  'logbook',
  'met',
  'person',
  'persistent_notification',
  'recorder',
  'script',
  'sensor',
  'sensor.shelly',
  'sensor.zha',
  'shelly',
  'sun',
  'switch',
  'switch.shelly',
  'weather',
  'weather.met',
  'websocket_api',
  'zha',
  'zone',
];

export class Hass {
  readonly bus = new EventBus();
  readonly states = new StateMachine(this.bus);
  readonly services = new ServiceRegistry(this.bus);
  readonly registries = new Registries();
  readonly recorder = new Recorder(this.bus);
  readonly automations = new Automations(this);
  readonly scripts = new Map<string, ScriptConfig>();
  readonly notifications = new Map<string, Record<string, unknown>>();
  /** Pending timers (cover travel), cleared on shutdown. */
  readonly timers = new Set<NodeJS.Timeout>();
  /** The owner, whom every API token authenticates as. */
  readonly user = { id: randomUUID().replace(/-/g, ''), name: 'Owner' };
  private readonly memories = new Map<string, Record<string, unknown>>();

  constructor(readonly options: HassOptions = DEFAULT_HASS_OPTIONS) {}

  /** Register every service; called once the seed has filled the registries and scripts. */
  registerServices(): void {
    registerLightServices(this);
    registerClimateServices(this);
    registerCoverServices(this);
    registerSecurityServices(this);
    registerAutomationServices(this);
    registerCoreServices(this);
  }

  /** What a device remembers that its state does not show (last brightness, last HVAC mode). */
  memory(entityId: string): Record<string, unknown> {
    let m = this.memories.get(entityId);
    if (!m) {
      m = {};
      this.memories.set(entityId, m);
    }
    return m;
  }

  /** A registry-style id: 32 hex characters. */
  newId(): string {
    return randomUUID().replace(/-/g, '');
  }

  /** `Config.as_dict()` (core_config.py), keys in its order. */
  configAsDict(): Record<string, unknown> {
    const o = this.options;
    return {
      allowlist_external_dirs: ['/config/www', '/media'],
      allowlist_external_urls: [],
      components: COMPONENTS,
      config_dir: '/config',
      config_source: 'storage',
      country: 'FR',
      currency: 'EUR',
      debug: false,
      elevation: o.elevation,
      external_url: null,
      internal_url: null,
      language: 'en',
      latitude: o.latitude,
      location_name: o.locationName,
      longitude: o.longitude,
      radius: 100,
      recovery_mode: false,
      safe_mode: false,
      state: 'RUNNING',
      time_zone: o.timeZone,
      unit_system: {
        length: 'km',
        accumulated_precipitation: 'mm',
        area: 'm²',
        mass: 'g',
        pressure: 'Pa',
        temperature: '°C',
        volume: 'L',
        wind_speed: 'm/s',
      },
      version: o.haVersion,
      whitelist_external_dirs: ['/config/www', '/media'],
    };
  }

  components(): string[] {
    return COMPONENTS;
  }

  shutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
