import { createRouter } from './router.ts';
import { HANDLERS } from './handlers.ts';
import { scanPickle } from './scan-pickle.ts';

/** Scans one file by content: `scanFile(source)` never throws and never calls a failure "benign". */
export const { scanFile } = createRouter(HANDLERS, scanPickle);
