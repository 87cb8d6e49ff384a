import {
  DISTRICTS,
  communityAt,
  createIdNumberAllocator,
  personAt,
  populationSize,
  type SeedPlan,
} from "@citygraph/core";

/** Districts, communities and persons of the shared synthetic population. */
export const registrySeed: SeedPlan = {
  schema: "registry",
  tables(scale) {
    const size = populationSize(scale);
    let allocate = createIdNumberAllocator();
    return [
      {
        table: "registry.district",
        columns: ["code", "name", "name_en", "zone", "official"],
        count: DISTRICTS.length,
        row: (i) => {
          const d = DISTRICTS[i]!;
          return [d.code, d.name, d.nameEn, d.zone, d.official];
        },
      },
      {
        table: "registry.community",
        columns: ["id", "name", "subdistrict", "district_code", "households"],
        count: size.communities,
        row: (j) => {
          const c = communityAt(j);
          return [c.id, c.name, c.subdistrict, c.district.code, c.households];
        },
      },
      {
        table: "registry.person",
        columns: ["id", "name", "id_number", "phone", "gender", "birth_date", "address", "district_code", "community_id"],
        count: size.persons,
        // ID-number sequences depend on every earlier person: replay them when resuming.
        prepare: (from) => {
          allocate = createIdNumberAllocator();
          for (let i = 0; i < from; i++) allocate(personAt(i, size));
        },
        row: (i) => {
          const p = personAt(i, size);
          return [
            p.id,
            p.name,
            allocate(p),
            p.phone,
            p.male ? "MALE" : "FEMALE",
            p.birthDate.toISOString().slice(0, 10),
            p.address,
            p.districtCode,
            p.communityId,
          ];
        },
      },
    ];
  },
};
