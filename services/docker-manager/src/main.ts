import { runService } from '@neurhomia/mcp-mqtt-core';
import { dockerManagerService } from './service.js';

await runService(dockerManagerService);
