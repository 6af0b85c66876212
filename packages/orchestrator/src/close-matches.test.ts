import { describe, expect, it } from 'vitest';
import { closeMatches } from './close-matches.js';

describe('closeMatches', () => {
  it('finds names a few edits away, closest first', () => {
    expect(closeMatches('chepest', ['cheapest', 'checkout', 'main', 'cheapest'])).toEqual(['cheapest']);
    expect(closeMatches('labl', ['label', 'able', 'lab', 'total'])).toEqual(['lab', 'label', 'able']);
  });

  it('ignores case and lists names that contain the query after the near misses', () => {
    expect(closeMatches('catalog', ['Catalog', 'Catalog.add', 'shop.catalog.Catalog', 'pay'])).toEqual(['Catalog', 'Catalog.add', 'shop.catalog.Catalog']);
  });

  it('returns nothing for a name unlike every candidate, and at most `limit` names', () => {
    expect(closeMatches('zzzzzz', ['main', 'pay'])).toEqual([]);
    expect(closeMatches('a', ['a1', 'a2', 'a3', 'a4'], 2)).toEqual(['a1', 'a2']);
  });

  it('counts code points, so non-ASCII names are not penalised', () => {
    expect(closeMatches('在庫x', ['在庫', 'zaiko'])).toEqual(['在庫']);
  });
});
