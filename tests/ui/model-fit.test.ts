/**
 * Whether the page can go on from a model on the dataset shown (src/ui/model-fit.ts), checked when the
 * file is loaded: the words say what can be done, picking the model's columns or loading a dataset that has them.
 */
import { describe, expect, it } from 'vitest';
import { columnsOf, modelMisfit } from '../../src/ui/model-fit';

const correlated = { dataset: 'Correlated columns', scoreColumns: ['a', 'b', 'c'], column: 'a', together: true };

describe('modelMisfit', () => {
  it('fits when the model was saved for the columns a run scores now', () => {
    expect(modelMisfit({ columns: ['a', 'b', 'c'], inputDimensions: 3 }, correlated)).toBeNull();
    expect(modelMisfit({ columns: ['b'], inputDimensions: 1 }, { ...correlated, column: 'b', together: false })).toBeNull();
    expect(columnsOf({ ...correlated, column: 'b' })).toEqual(['b', 'a', 'c']);
  });

  it('a dataset without the model’s columns: says which it lacks, and to load a dataset with them', () => {
    expect(modelMisfit({ columns: ['value'], inputDimensions: 1 }, correlated)).toBe(
      'The model was saved for the column “value”; Correlated columns has no column “value” (its columns to score: “a”, “b”, “c”). ' +
        'Load a dataset with a column “value” to go on from this model.',
    );
    expect(modelMisfit({ columns: ['a', 'x', 'y'], inputDimensions: 3 }, correlated)).toBe(
      'The model was saved for the columns “a”, “x”, “y” scored together; Correlated columns has no columns “x”, “y” (its columns to score: “a”, “b”, “c”). ' +
        'Load a dataset with the columns “a”, “x”, “y” to go on from this model.',
    );
  });

  it('a dataset with them: says to pick them (and to tick or untick scoring together)', () => {
    expect(modelMisfit({ columns: ['b'], inputDimensions: 1 }, correlated)).toBe(
      'The model was saved for the column “b”: pick it in Column to score and untick “Score all columns together”, then load the model again.',
    );
    expect(modelMisfit({ columns: ['b'], inputDimensions: 1 }, { ...correlated, together: false })).toBe(
      'The model was saved for the column “b”: pick it in Column to score, then load the model again.',
    );
    expect(modelMisfit({ columns: ['b', 'a', 'c'], inputDimensions: 3 }, { ...correlated, together: false })).toBe(
      'The model was saved for the columns “b”, “a”, “c” scored together: pick “b” in Column to score and tick “Score all columns together”, then load the model again.',
    );
  });

  it('columns the page cannot pick (some of them, or another order): says to load a dataset with those columns', () => {
    expect(modelMisfit({ columns: ['a', 'b'], inputDimensions: 2 }, correlated)).toMatch(
      /^The model was saved for the columns “a”, “b” scored together; “Score all columns together” scores every column of Correlated columns \(“a”, “b”, “c”\).* Load a dataset whose columns to score are “a”, “b” to go on from it\.$/,
    );
    expect(modelMisfit({ columns: ['a', 'c', 'b'], inputDimensions: 3 }, correlated)).toMatch(/, in that order to go on from it\.$/);
  });

  it('a model that does not name its columns: their number', () => {
    const unnamed = (n: number) => ({ columns: null, inputDimensions: n });
    expect(modelMisfit(unnamed(3), correlated)).toBeNull();
    expect(modelMisfit(unnamed(1), correlated)).toBe('The model was saved for one column: untick “Score all columns together”, then load the model again.');
    expect(modelMisfit(unnamed(3), { ...correlated, together: false })).toMatch(/^The model was saved for 3 columns scored together: tick “Score all columns together”/);
    expect(modelMisfit(unnamed(2), correlated)).toBe(
      'The model was saved for 2 columns scored together, and Correlated columns has 3 columns to score: load a dataset with 2 columns to score to go on from it.',
    );
  });
});
