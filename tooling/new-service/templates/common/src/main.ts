import { runService } from '@neurhomia/mcp-mqtt-core';
import { {{camel}}Service } from './service.js';

// The process entry, and the only module that starts anything: tests and the image's build import
// ./service.js and what it imports, which must start nothing. runService validates the
// configuration (exit 1 naming every bad variable), connects, announces, starts the tasks, and
// on SIGTERM/SIGINT lets the calls in flight finish, publishes `offline` and exits 0.
await runService({{camel}}Service);
