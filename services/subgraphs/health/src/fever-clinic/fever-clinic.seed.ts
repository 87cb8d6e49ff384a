import { WeightedTable } from "@citygraph/core";

/** A hospital that runs a fever clinic (发热门诊). */
export interface SeedHospital {
  hospital: string;
  /** Grade under the national hospital grading scheme. */
  grade: "三级甲等" | "三级乙等" | "二级甲等";
  districtCode: string;
}

/**
 * Zhengzhou's fever clinics: one per hospital campus, every district covered. Ids are positions in
 * this list plus one, so append only: visits reference clinics by id.
 */
export const HOSPITALS: readonly SeedHospital[] = [
  // 金水区
  { hospital: "河南省人民医院", grade: "三级甲等", districtCode: "410105" },
  { hospital: "郑州人民医院", grade: "三级甲等", districtCode: "410105" },
  { hospital: "郑州大学第二附属医院", grade: "三级甲等", districtCode: "410105" },
  { hospital: "河南省中医院", grade: "三级甲等", districtCode: "410105" },
  { hospital: "河南中医药大学第一附属医院", grade: "三级甲等", districtCode: "410105" },
  { hospital: "河南中医药大学第三附属医院", grade: "三级甲等", districtCode: "410105" },
  { hospital: "河南省肿瘤医院", grade: "三级甲等", districtCode: "410105" },
  { hospital: "河南省胸科医院", grade: "三级甲等", districtCode: "410105" },
  { hospital: "郑州市第二人民医院", grade: "三级甲等", districtCode: "410105" },
  { hospital: "河南省直第三人民医院", grade: "三级乙等", districtCode: "410105" },
  { hospital: "河南省职工医院", grade: "三级乙等", districtCode: "410105" },
  { hospital: "郑州市金水区总医院", grade: "二级甲等", districtCode: "410105" },
  // 二七区
  { hospital: "郑州大学第一附属医院河医院区", grade: "三级甲等", districtCode: "410103" },
  { hospital: "郑州大学第三附属医院", grade: "三级甲等", districtCode: "410103" },
  { hospital: "郑州大学第五附属医院", grade: "三级甲等", districtCode: "410103" },
  { hospital: "河南省儿童医院", grade: "三级甲等", districtCode: "410103" },
  { hospital: "郑州市第七人民医院", grade: "三级甲等", districtCode: "410103" },
  { hospital: "郑州市二七区人民医院", grade: "二级甲等", districtCode: "410103" },
  // 中原区
  { hospital: "郑州市中心医院", grade: "三级甲等", districtCode: "410102" },
  { hospital: "郑州市中医院", grade: "三级甲等", districtCode: "410102" },
  { hospital: "郑州市第九人民医院", grade: "二级甲等", districtCode: "410102" },
  { hospital: "郑州市中原区人民医院", grade: "二级甲等", districtCode: "410102" },
  // 管城回族区
  { hospital: "郑州市第一人民医院", grade: "三级甲等", districtCode: "410104" },
  { hospital: "郑州市骨科医院", grade: "三级甲等", districtCode: "410104" },
  { hospital: "郑州市第三人民医院", grade: "三级甲等", districtCode: "410104" },
  { hospital: "郑州市管城回族区人民医院", grade: "二级甲等", districtCode: "410104" },
  // 上街区
  { hospital: "郑州市上街区人民医院", grade: "二级甲等", districtCode: "410106" },
  { hospital: "郑州市上街区中心医院", grade: "二级甲等", districtCode: "410106" },
  // 惠济区
  { hospital: "郑州大学第一附属医院惠济院区", grade: "三级甲等", districtCode: "410108" },
  { hospital: "郑州市惠济区人民医院", grade: "二级甲等", districtCode: "410108" },
  { hospital: "郑州市惠济区中医院", grade: "二级甲等", districtCode: "410108" },
  // 中牟县
  { hospital: "中牟县人民医院", grade: "三级乙等", districtCode: "410122" },
  { hospital: "中牟县中医院", grade: "二级甲等", districtCode: "410122" },
  { hospital: "中牟县第二人民医院", grade: "二级甲等", districtCode: "410122" },
  // 巩义市
  { hospital: "巩义市人民医院", grade: "三级乙等", districtCode: "410181" },
  { hospital: "巩义市中医院", grade: "二级甲等", districtCode: "410181" },
  { hospital: "巩义市第二人民医院", grade: "二级甲等", districtCode: "410181" },
  // 荥阳市
  { hospital: "荥阳市人民医院", grade: "三级乙等", districtCode: "410182" },
  { hospital: "荥阳市中医院", grade: "二级甲等", districtCode: "410182" },
  { hospital: "荥阳市第二人民医院", grade: "二级甲等", districtCode: "410182" },
  // 新密市
  { hospital: "新密市第一人民医院", grade: "三级乙等", districtCode: "410183" },
  { hospital: "新密市中医院", grade: "二级甲等", districtCode: "410183" },
  { hospital: "新密市第二人民医院", grade: "二级甲等", districtCode: "410183" },
  // 新郑市
  { hospital: "新郑市人民医院", grade: "三级乙等", districtCode: "410184" },
  { hospital: "新郑市中医院", grade: "二级甲等", districtCode: "410184" },
  { hospital: "新郑华信民生医院", grade: "二级甲等", districtCode: "410184" },
  // 登封市
  { hospital: "登封市人民医院", grade: "三级乙等", districtCode: "410185" },
  { hospital: "登封市中医院", grade: "二级甲等", districtCode: "410185" },
  { hospital: "登封市第二人民医院", grade: "二级甲等", districtCode: "410185" },
  // 郑州航空港经济综合实验区
  { hospital: "郑州市第一人民医院港区医院", grade: "三级甲等", districtCode: "410171" },
  { hospital: "郑州航空港经济综合实验区第一人民医院", grade: "二级甲等", districtCode: "410171" },
  { hospital: "郑州航空港经济综合实验区第二人民医院", grade: "二级甲等", districtCode: "410171" },
  // 郑州高新技术产业开发区
  { hospital: "郑州市中心医院高新医院", grade: "三级甲等", districtCode: "410172" },
  { hospital: "郑州高新技术产业开发区人民医院", grade: "二级甲等", districtCode: "410172" },
  // 郑州经济技术开发区
  { hospital: "郑州市第一人民医院经开院区", grade: "三级甲等", districtCode: "410173" },
  { hospital: "郑州经济技术开发区人民医院", grade: "二级甲等", districtCode: "410173" },
  // 郑东新区
  { hospital: "郑州大学第一附属医院郑东院区", grade: "三级甲等", districtCode: "410190" },
  { hospital: "河南省儿童医院郑东院区", grade: "三级甲等", districtCode: "410190" },
  { hospital: "河南省人民医院郑东院区", grade: "三级甲等", districtCode: "410190" },
  { hospital: "郑州颐和医院", grade: "三级甲等", districtCode: "410190" },
];

/** A fever clinic as the seed writes it. */
export interface SeedFeverClinic extends SeedHospital {
  id: number;
  name: string;
}

/** Clinic `i` (id `i + 1`). */
export function feverClinicAt(i: number): SeedFeverClinic {
  const h = HOSPITALS[i]!;
  return { ...h, id: i + 1, name: `${h.hospital}发热门诊` };
}

/** Patients favour bigger hospitals: a tertiary A clinic sees about three times a secondary one's traffic. */
const GRADE_WEIGHT: Record<SeedHospital["grade"], number> = { 三级甲等: 3, 三级乙等: 2, 二级甲等: 1 };

const CLINICS = HOSPITALS.map((_, i) => feverClinicAt(i));
const BY_DISTRICT = new Map<string, WeightedTable<SeedFeverClinic>>();
for (const code of new Set(CLINICS.map((c) => c.districtCode))) {
  BY_DISTRICT.set(
    code,
    new WeightedTable(
      CLINICS.filter((c) => c.districtCode === code),
      (c) => GRADE_WEIGHT[c.grade],
    ),
  );
}
const TERTIARY_A = new WeightedTable(
  CLINICS.filter((c) => c.grade === "三级甲等"),
  () => 1,
);

/**
 * The clinic a resident of `districtCode` goes to: most go to one in their own district, the rest
 * to a city-level tertiary hospital.
 * @param u1 uniform draw choosing local or city-level; @param u2 uniform draw choosing the clinic.
 */
export function clinicFor(districtCode: string, u1: number, u2: number): SeedFeverClinic {
  const local = BY_DISTRICT.get(districtCode);
  return local && u1 < 0.7 ? local.at(u2) : TERTIARY_A.at(u2);
}
