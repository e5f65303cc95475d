/**
 * The seeded home's areas and devices. Devices carry the area; a few entities override it (a smart
 * plug installed in the office powers the kitchen's coffee machine), and some entities have no
 * device at all (the alarm panel, automations, people).
 */

export type AreaSeed = { id: string; name: string; icon: string; aliases?: string[] };

export const AREAS: AreaSeed[] = [
  { id: 'living_room', name: 'Living Room', icon: 'mdi:sofa', aliases: ['lounge'] },
  { id: 'kitchen', name: 'Kitchen', icon: 'mdi:stove' },
  { id: 'bedroom', name: 'Bedroom', icon: 'mdi:bed' },
  { id: 'bathroom', name: 'Bathroom', icon: 'mdi:shower' },
  { id: 'office', name: 'Office', icon: 'mdi:desk' },
  { id: 'entrance', name: 'Entrance', icon: 'mdi:door' },
  { id: 'garage', name: 'Garage', icon: 'mdi:garage' },
  { id: 'garden', name: 'Garden', icon: 'mdi:flower' },
];

export type DeviceSeed = {
  name: string;
  manufacturer: string;
  model: string;
  modelId?: string;
  area: string | null;
  integration: string;
  sw?: string;
  via?: string;
};

export const DEVICES: Record<string, DeviceSeed> = {
  hue_bridge: {
    name: 'Hue Bridge',
    manufacturer: 'Signify Netherlands B.V.',
    model: 'Hue Bridge',
    modelId: 'BSB002',
    area: 'living_room',
    integration: 'hue',
    sw: '1.66.1966060010',
  },
  living_ceiling: {
    name: 'Living Room Ceiling',
    manufacturer: 'Signify Netherlands B.V.',
    model: 'Hue color lamp',
    modelId: 'LCA001',
    area: 'living_room',
    integration: 'hue',
    sw: '1.116.3',
    via: 'hue_bridge',
  },
  floor_lamp: {
    name: 'Floor Lamp',
    manufacturer: 'IKEA of Sweden',
    model: 'TRADFRI bulb E27 WW 806lm',
    area: 'living_room',
    integration: 'zha',
  },
  kitchen_dimmer: {
    name: 'Kitchen Dimmer',
    manufacturer: 'Shelly',
    model: 'Shelly Dimmer 2',
    modelId: 'SHDM-2',
    area: 'kitchen',
    integration: 'shelly',
    sw: '20230913-111730/v1.14.0-gcb84623',
  },
  kitchen_strip: {
    name: 'Under Cabinet Strip',
    manufacturer: 'Shelly',
    model: 'Shelly RGBW2',
    modelId: 'SHRGBW2',
    area: 'kitchen',
    integration: 'shelly',
  },
  bedside_lamp: {
    name: 'Bedside Lamp',
    manufacturer: 'Signify Netherlands B.V.',
    model: 'Hue white ambiance',
    modelId: 'LTA001',
    area: 'bedroom',
    integration: 'hue',
    via: 'hue_bridge',
  },
  desk_lamp: {
    name: 'Desk Lamp',
    manufacturer: 'Signify Netherlands B.V.',
    model: 'Hue white ambiance',
    modelId: 'LTW012',
    area: 'office',
    integration: 'hue',
    via: 'hue_bridge',
  },
  porch_relay: {
    name: 'Porch Light Relay',
    manufacturer: 'Shelly',
    model: 'Shelly 1',
    modelId: 'SHSW-1',
    area: 'entrance',
    integration: 'shelly',
  },
  garden_relay: {
    name: 'Garden Relay',
    manufacturer: 'Shelly',
    model: 'Shelly Plus 2PM',
    modelId: 'SNSW-102P16EU',
    area: 'garden',
    integration: 'shelly',
  },
  office_plug: {
    name: 'Smart Plug 1',
    manufacturer: 'Shelly',
    model: 'Shelly Plus Plug S',
    modelId: 'SNPL-00112EU',
    area: 'office',
    integration: 'shelly',
  },
  tv_plug: {
    name: 'TV Plug',
    manufacturer: 'Shelly',
    model: 'Shelly Plus Plug S',
    modelId: 'SNPL-00112EU',
    area: 'living_room',
    integration: 'shelly',
  },
  thermostat: {
    name: 'Living Room Thermostat',
    manufacturer: 'Netatmo',
    model: 'Smart Thermostat',
    modelId: 'NATherm1',
    area: 'living_room',
    integration: 'netatmo',
  },
  radiator_valve: {
    name: 'Bedroom Radiator Valve',
    manufacturer: 'Netatmo',
    model: 'Smart Radiator Valve',
    modelId: 'NRV',
    area: 'bedroom',
    integration: 'netatmo',
  },
  living_sensor: {
    name: 'Living Room Sensor',
    manufacturer: 'Aqara',
    model: 'Temperature and humidity sensor',
    modelId: 'lumi.weather',
    area: 'living_room',
    integration: 'zha',
  },
  bedroom_sensor: {
    name: 'Bedroom Sensor',
    manufacturer: 'Aqara',
    model: 'Temperature and humidity sensor',
    modelId: 'lumi.weather',
    area: 'bedroom',
    integration: 'zha',
  },
  bathroom_sensor: {
    name: 'Bathroom Sensor',
    manufacturer: 'Aqara',
    model: 'Temperature and humidity sensor',
    modelId: 'lumi.weather',
    area: 'bathroom',
    integration: 'zha',
  },
  bathroom_window: {
    name: 'Bathroom Window',
    manufacturer: 'Aqara',
    model: 'Door and window sensor',
    modelId: 'lumi.sensor_magnet.aq2',
    area: 'bathroom',
    integration: 'zha',
  },
  kitchen_multisensor: {
    name: 'Kitchen Multisensor',
    manufacturer: 'Philips',
    model: 'Hue motion sensor',
    modelId: 'SML001',
    area: 'kitchen',
    integration: 'zha',
  },
  outdoor_sensor: {
    name: 'Outdoor Sensor',
    manufacturer: 'Aqara',
    model: 'Temperature and humidity sensor',
    modelId: 'lumi.weather',
    area: 'garden',
    integration: 'zha',
  },
  garage_opener: {
    name: 'Garage Door Opener',
    manufacturer: 'Shelly',
    model: 'Shelly Plus 1',
    modelId: 'SNSW-001X16EU',
    area: 'garage',
    integration: 'shelly',
  },
  gate_controller: {
    name: 'Driveway Gate',
    manufacturer: 'Shelly',
    model: 'Shelly Plus 2PM',
    modelId: 'SNSW-102P16EU',
    area: 'garden',
    integration: 'shelly',
  },
  living_blinds: {
    name: 'Living Room Blinds',
    manufacturer: 'Shelly',
    model: 'Shelly 2.5',
    modelId: 'SHSW-25',
    area: 'living_room',
    integration: 'shelly',
  },
  bedroom_shutter: {
    name: 'Bedroom Shutter',
    manufacturer: 'Shelly',
    model: 'Shelly 2.5',
    modelId: 'SHSW-25',
    area: 'bedroom',
    integration: 'shelly',
  },
  front_lock: {
    name: 'Front Door Lock',
    manufacturer: 'Nuki',
    model: 'Smart Lock 3.0 Pro',
    area: 'entrance',
    integration: 'nuki',
    sw: '3.8.7',
  },
  front_contact: {
    name: 'Front Door Sensor',
    manufacturer: 'Aqara',
    model: 'Door and window sensor',
    modelId: 'lumi.sensor_magnet.aq2',
    area: 'entrance',
    integration: 'zha',
  },
  hallway_motion: {
    name: 'Hallway Motion',
    manufacturer: 'Philips',
    model: 'Hue motion sensor',
    modelId: 'SML001',
    area: 'entrance',
    integration: 'zha',
  },
  energy_meter: {
    name: 'Energy Meter',
    manufacturer: 'Shelly',
    model: 'Shelly Pro 3EM',
    modelId: 'SPEM-003CEBEU',
    area: 'garage',
    integration: 'shelly',
  },
  met: { name: 'Forecast', manufacturer: 'Met.no', model: 'Forecast', area: null, integration: 'met' },
};
