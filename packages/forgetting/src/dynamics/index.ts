export {
  dataMapRegions,
  dataMaps,
  DATA_MAP_REGIONS,
  DEFAULT_REGION_THRESHOLDS,
  type DataMap,
  type DataMapRegion,
  type DataMapsPlugin,
  type RegionThresholds,
} from './data-maps.js';
export type { DynamicsOptions } from './sample-table.js';
export { aum, thresholdSamples, type AumFlags, type AumOptions, type AumPlugin, type AumResult, type AumThresholdOptions, type ThresholdSampleOptions } from './aum.js';
export { el2n, type El2nEpochs, type El2nOptions, type El2nPlugin, type El2nResult } from './el2n.js';
export { lastLoss, type LastLossOptions, type LastLossPlugin } from './last-loss.js';
