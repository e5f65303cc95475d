import { runGateway } from './run.js';

await runGateway();
