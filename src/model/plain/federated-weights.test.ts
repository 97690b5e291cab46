import { describe, expect, test } from 'vitest';
import { CATALOG_TABLES, federatedNames } from './federated-weights';
import { weightSpecs } from '../weights';
import { TINY } from '../testing/fixture';

describe('federated weights', () => {
  test("'dense' is every weight but the catalog tables; 'all' is every weight", () => {
    const specs = weightSpecs(TINY);
    expect(federatedNames(specs, 'all')).toEqual(specs.map((s) => s.name));
    const dense = federatedNames(specs, 'dense');
    expect(dense.some((n) => CATALOG_TABLES.includes(n))).toBe(false);
    expect(dense.length).toBe(specs.length - CATALOG_TABLES.length);
  });
});
