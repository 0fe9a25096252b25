/** Queue names. Every arrow that crosses a process is one of these. */
export const QUEUE_INGEST = 'ingest';

/** Deterministic job id of an ingest chunk: a re-queued chunk is the same job. */
export const ingestJobId = (batchId: number, seq: number) => `ingest:${batchId}:${seq}`;
