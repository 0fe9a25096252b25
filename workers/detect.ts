// Entry point of the detect worker process: `node --import tsx workers/detect.ts` (or `coordwatch worker detect`).
import { runRole } from './run-role.ts';

await runRole('detect');
