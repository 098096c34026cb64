export { EventFileWriter, readEventFile, type EventFileWriterOptions, type HistogramOptions } from './event-file.js';
export type { EventRecord, ScalarValue } from './protobuf.js';
