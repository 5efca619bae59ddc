/**
 * Whether the page can go on from a model file on the dataset shown: a model is fed the columns it was
 * saved for, in their order, and the page picks columns one way (the picked column; with "Score all
 * columns together", it first and then every other column to score in the file's order). Checked when the
 * file is loaded, before any run, so that a model that does not fit leaves the scores shown as they are;
 * the words say what can be done: pick the model's columns, or load a dataset that has them.
 */

/** What a model file says of its input (ModelInfo). */
export interface ModelInput {
  /** The names of the columns it was fed, in order; null when the file does not name them. */
  columns: string[] | null;
  inputDimensions: number;
}

/** What the page would score now. */
export interface Picking {
  /** The dataset's name, for the words. */
  dataset: string;
  /** The dataset's columns to score, in the file's order. */
  scoreColumns: string[];
  column: string;
  together: boolean;
}

/** The columns a run scores: the picked one, then (together) every other column to score, in the file's order. */
export function columnsOf(p: Pick<Picking, 'scoreColumns' | 'column' | 'together'>): string[] {
  return p.together && p.scoreColumns.length > 1 ? [p.column, ...p.scoreColumns.filter((c) => c !== p.column)] : [p.column];
}

const quoted = (names: string[]) => names.map((c) => `“${c}”`).join(', ');
const same = (a: string[], b: string[]) => a.length === b.length && a.every((c, i) => c === b[i]);
const TOGETHER = '“Score all columns together”';

/** Why the page cannot go on from `model` with what is picked, and what to do; null when it can. */
export function modelMisfit(model: ModelInput, p: Picking): string | null {
  const now = columnsOf(p);
  const M = model.columns;
  const untick = p.together && p.scoreColumns.length > 1 ? ` and untick ${TOGETHER}` : '';
  if (!M) {
    // the file does not name its columns: only their number can be checked
    const n = model.inputDimensions;
    if (n === now.length) return null;
    if (n === 1) return `The model was saved for one column: untick ${TOGETHER}, then load the model again.`;
    if (n === p.scoreColumns.length) {
      return (
        `The model was saved for ${n} columns scored together: tick ${TOGETHER}, then load the model again ` +
        '(the file does not name its columns: the picked one goes first, the others follow in the file’s order).'
      );
    }
    return (
      `The model was saved for ${n} columns scored together, and ${p.dataset} has ${p.scoreColumns.length} ` +
      `column${p.scoreColumns.length === 1 ? '' : 's'} to score: load a dataset with ${n} columns to score to go on from it.`
    );
  }
  if (same(M, now)) return null;
  const savedFor = M.length === 1 ? `the column ${quoted(M)}` : `the columns ${quoted(M)} scored together`;
  const lacking = M.filter((c) => !p.scoreColumns.includes(c));
  if (lacking.length) {
    return (
      `The model was saved for ${savedFor}; ${p.dataset} has no column${lacking.length === 1 ? '' : 's'} ${quoted(lacking)} ` +
      `(its columns to score: ${quoted(p.scoreColumns)}). Load a dataset with ${M.length === 1 ? 'a column' : 'the columns'} ${quoted(M)} to go on from this model.`
    );
  }
  if (M.length === 1) return `The model was saved for ${savedFor}: pick it in Column to score${untick}, then load the model again.`;
  if (same(M, columnsOf({ ...p, column: M[0], together: true }))) {
    const tick = p.together ? '' : ` and tick ${TOGETHER}`;
    return `The model was saved for ${savedFor}: pick ${quoted([M[0]])} in Column to score${tick}, then load the model again.`;
  }
  // some of the dataset's columns, or all of them in an order the page does not score them in
  const order = M.length === p.scoreColumns.length;
  return (
    `The model was saved for ${savedFor}${order ? ', in that order' : ''}; ${TOGETHER} scores every column of ${p.dataset} ` +
    `(${quoted(p.scoreColumns)}), the picked one first and the others in the file’s order, so the page cannot give the model its columns here. ` +
    `Load a dataset whose columns to score are ${quoted(M)}${order ? ', in that order' : ''} to go on from it.`
  );
}
