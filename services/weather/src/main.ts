import { runService } from '@neurhomia/mcp-mqtt-core';
import { weatherService } from './service.js';

await runService(weatherService);
