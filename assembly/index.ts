/**
 * The kernel's export surface: everything the host (src/kernel) may call. Numbers only cross the
 * boundary; bulk data goes through the input and output columns, addressed by `column`.
 */
export {
  configure, reset, process, impute, updateCount, brokenCount, SCORE, UPDATE, ATTRIBUTION, CODISP, SCORE_UNIT,
} from './forest';
export { pointsInUse, referenceCount } from './point-store';
export { nodesInUse } from './node-store';
export { sampleSizeOf } from './sampler';
export { finishRestore } from './forest';
export { REGIONS, regionAddress, regionBytes, prepareRestore } from './snapshot';
import * as layout from './layout';

/**
 * Address of a column of the memory plan (see layout.ts), for the host's typed views. Called by the host
 * after configure (input, output) and by tests (everything else). Ids:
 * 0 input, 1 output, 2 pointValue, 3 nodeRecord, 4 nodeBox, 5 leafPoint, 6 leafMass, 7 treeState,
 * 8 sampleLeaf, 9 sampleEntry, 10 sampleCount, 11 randomState, 12 scratch, 13 storeHeader (point store:
 * capacity in cells, tail, last stored offset, compactions; i32 each), 14 forestStart, 15 forestEnd,
 * 16 planEnd, 17 weightKey. The forest's own bytes are [forestStart, forestEnd) and [pointValue, planEnd);
 * between them lie the batch columns (batch state, input, output). pointValue and planEnd move when the point store
 * grows.
 */
export function column(id: i32): usize {
  switch (id) {
    case 0: return layout.input;
    case 1: return layout.output;
    case 2: return layout.pointValue;
    case 3: return layout.nodeRecord;
    case 4: return layout.nodeBox;
    case 5: return layout.leafPoint;
    case 6: return layout.leafMass;
    case 7: return layout.treeState;
    case 8: return layout.sampleLeaf;
    case 9: return layout.sampleEntry;
    case 10: return layout.sampleCount;
    case 11: return layout.randomState;
    case 12: return layout.scratch;
    case 13: return layout.storeHeader;
    case 14: return layout.forestStart;
    case 15: return layout.forestEnd;
    case 16: return layout.planEnd;
    case 17: return layout.weightKey;
    default: return 0;
  }
}
