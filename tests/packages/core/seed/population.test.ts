import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DISTRICTS,
  createIdNumberAllocator,
  idNumberProblem,
  personAt,
  personIdAt,
  populationSize,
} from "@citygraph/core";

describe("the synthetic population", () => {
  it("is deterministic: the same index gives the same person", () => {
    const size = populationSize(3);
    assert.deepEqual(personAt(1234, size), personAt(1234, size));
  });

  it("gives unique pseudonymous ids and unique, valid ID numbers", () => {
    const size = populationSize(50);
    const ids = new Set<string>();
    const numbers = new Set<string>();
    const allocate = createIdNumberAllocator();
    for (let i = 0; i < size.persons; i++) {
      const person = personAt(i, size);
      ids.add(person.id);
      const idNumber = allocate(person);
      if (i % 997 === 0) assert.equal(idNumberProblem(idNumber), null, idNumber);
      numbers.add(idNumber);
    }
    assert.equal(ids.size, size.persons);
    assert.equal(numbers.size, size.persons);
    assert.match(personIdAt(0), /^[0-9a-f]{16}$/);
  });

  it("spreads residents over all sixteen districts by population", () => {
    const size = populationSize(5);
    const counts = new Map<string, number>();
    for (let i = 0; i < size.persons; i++) {
      const code = personAt(i, size).districtCode;
      counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    assert.equal(counts.size, DISTRICTS.length);
    // 金水区 (1.63M) must have more residents than 上街区 (0.14M).
    assert.ok((counts.get("410105") ?? 0) > 3 * (counts.get("410106") ?? 0));
  });

  it("reaches 1M persons at scale 500", () => {
    assert.equal(populationSize(500).persons, 1_000_000);
    assert.equal(populationSize(500).communities, 10_800);
  });
});
