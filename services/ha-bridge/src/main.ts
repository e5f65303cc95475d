import { runService } from '@neurhomia/mcp-mqtt-core';
import { haBridgeService } from './service.js';

await runService(haBridgeService);
