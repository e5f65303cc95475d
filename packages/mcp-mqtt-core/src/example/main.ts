import { runService } from '../service/run.js';
import { exampleService } from './service.js';

await runService(exampleService);
