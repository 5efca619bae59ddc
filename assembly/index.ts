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
import * as layout from './layout';

/**
 * Address of a column of the memory plan (see layout.ts), for the host's typed views. Ids:
 * 0 input, 1 output, 2 pointValue, 3 pointRef, 4 nodeLeft, 5 nodeRight, 6 nodeParent, 7 cutDimension,
 * 8 cutValue, 9 mass, 10 boxMin, 11 boxMax, 12 leafPoint, 13 leafMass, 14 leafParent, 15 root,
 * 16 samplePoint, 17 sampleWeight, 18 sampleCount, 19 randomState, 20 planEnd, 21 scratch.
 */
export function column(id: i32): usize {
  switch (id) {
    case 0: return layout.input;
    case 1: return layout.output;
    case 2: return layout.pointValue;
    case 3: return layout.pointRef;
    case 4: return layout.nodeLeft;
    case 5: return layout.nodeRight;
    case 6: return layout.nodeParent;
    case 7: return layout.cutDimension;
    case 8: return layout.cutValue;
    case 9: return layout.mass;
    case 10: return layout.boxMin;
    case 11: return layout.boxMax;
    case 12: return layout.leafPoint;
    case 13: return layout.leafMass;
    case 14: return layout.leafParent;
    case 15: return layout.root;
    case 16: return layout.samplePoint;
    case 17: return layout.sampleWeight;
    case 18: return layout.sampleCount;
    case 19: return layout.randomState;
    case 20: return layout.planEnd;
    case 21: return layout.scratch;
    default: return 0;
  }
}
