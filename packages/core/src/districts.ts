/**
 * Zhengzhou's county-level divisions. The twelve administrative divisions carry their GB/T 2260
 * codes. The city also counts four functional zones among its sixteen: three have the statistical
 * codes the Ministry of Civil Affairs lists (4101 7x); 郑东新区 has none, so the platform assigns
 * 410190 and marks it `official: false`. Populations are rounded, for plausible seed
 * distributions only.
 */
export interface DistrictInfo {
  code: string;
  name: string;
  nameEn: string;
  /** A functional zone (功能区) rather than an administrative division. */
  zone: boolean;
  /** Whether `code` is an official code rather than one the platform assigned. */
  official: boolean;
  /** Approximate resident population, thousands. */
  populationK: number;
}

export const DISTRICTS: readonly DistrictInfo[] = [
  { code: "410102", name: "中原区", nameEn: "Zhongyuan", zone: false, official: true, populationK: 1040 },
  { code: "410103", name: "二七区", nameEn: "Erqi", zone: false, official: true, populationK: 850 },
  { code: "410104", name: "管城回族区", nameEn: "Guancheng Hui", zone: false, official: true, populationK: 810 },
  { code: "410105", name: "金水区", nameEn: "Jinshui", zone: false, official: true, populationK: 1630 },
  { code: "410106", name: "上街区", nameEn: "Shangjie", zone: false, official: true, populationK: 140 },
  { code: "410108", name: "惠济区", nameEn: "Huiji", zone: false, official: true, populationK: 570 },
  { code: "410122", name: "中牟县", nameEn: "Zhongmu", zone: false, official: true, populationK: 1560 },
  { code: "410181", name: "巩义市", nameEn: "Gongyi", zone: false, official: true, populationK: 770 },
  { code: "410182", name: "荥阳市", nameEn: "Xingyang", zone: false, official: true, populationK: 870 },
  { code: "410183", name: "新密市", nameEn: "Xinmi", zone: false, official: true, populationK: 830 },
  { code: "410184", name: "新郑市", nameEn: "Xinzheng", zone: false, official: true, populationK: 1300 },
  { code: "410185", name: "登封市", nameEn: "Dengfeng", zone: false, official: true, populationK: 720 },
  { code: "410171", name: "郑州航空港经济综合实验区", nameEn: "Airport Economy Zone", zone: true, official: true, populationK: 800 },
  { code: "410172", name: "郑州高新技术产业开发区", nameEn: "High-tech Zone", zone: true, official: true, populationK: 500 },
  { code: "410173", name: "郑州经济技术开发区", nameEn: "Economic-Technological Development Zone", zone: true, official: true, populationK: 500 },
  { code: "410190", name: "郑东新区", nameEn: "Zhengdong New Area", zone: true, official: false, populationK: 1200 },
];

const BY_CODE = new Map(DISTRICTS.map((d) => [d.code, d]));

/** The district with this code, if it is one of Zhengzhou's sixteen. */
export function findDistrict(code: string): DistrictInfo | undefined {
  return BY_CODE.get(code);
}
