import { DISTRICTS } from "@citygraph/core";
import { CheckpointKind } from "./checkpoint.type.ts";

/** A checkpoint as the seed writes it, with the relative traffic the seed gives it. */
export interface CheckpointInfo {
  code: string;
  name: string;
  road: string;
  kind: CheckpointKind;
  districtCode: string;
  /** Relative share of crossings among checkpoints of its kind group (road or rail/air). */
  traffic: number;
}

const { HIGHWAY_EXIT, NATIONAL_ROAD, CITY_ENTRANCE, RAIL_STATION, AIRPORT } = CheckpointKind;

// [district, name, road, kind, traffic]; codes are the district code plus a serial in list order.
const ENTRIES: ReadonlyArray<readonly [string, string, string, CheckpointKind, number]> = [
  ["410102", "连霍高速须水站", "连霍高速 G30", HIGHWAY_EXIT, 6],
  ["410102", "G310 须水卡口", "国道 G310", NATIONAL_ROAD, 4],
  ["410102", "中原西路城市入口", "中原西路", CITY_ENTRANCE, 5],
  ["410103", "郑州站", "京广铁路、陇海铁路", RAIL_STATION, 8],
  ["410103", "郑尧高速侯寨站", "郑尧高速", HIGHWAY_EXIT, 4],
  ["410103", "嵩山南路城市入口", "嵩山南路", CITY_ENTRANCE, 5],
  ["410104", "京港澳高速郑州站", "京港澳高速 G4", HIGHWAY_EXIT, 9],
  ["410104", "G107 南曹卡口", "国道 G107", NATIONAL_ROAD, 5],
  ["410104", "商都路东城市入口", "商都路", CITY_ENTRANCE, 4],
  ["410105", "绕城高速杨金站", "郑州绕城高速", HIGHWAY_EXIT, 5],
  ["410105", "中州大道北城市入口", "中州大道", CITY_ENTRANCE, 7],
  ["410105", "文化路北城市入口", "文化路", CITY_ENTRANCE, 4],
  ["410106", "连霍高速上街站", "连霍高速 G30", HIGHWAY_EXIT, 2],
  ["410106", "G310 上街卡口", "国道 G310", NATIONAL_ROAD, 2],
  ["410106", "郑上路城市入口", "郑上路", CITY_ENTRANCE, 2],
  ["410108", "郑新黄河大桥卡口", "国道 G107", NATIONAL_ROAD, 5],
  ["410108", "京港澳高速郑州北站", "京港澳高速 G4", HIGHWAY_EXIT, 5],
  ["410108", "江山路城市入口", "江山路", CITY_ENTRANCE, 3],
  ["410122", "连霍高速中牟站", "连霍高速 G30", HIGHWAY_EXIT, 4],
  ["410122", "G310 中牟卡口", "国道 G310", NATIONAL_ROAD, 3],
  ["410122", "中牟站", "郑开城际铁路", RAIL_STATION, 1],
  ["410181", "连霍高速巩义站", "连霍高速 G30", HIGHWAY_EXIT, 3],
  ["410181", "巩义南站", "郑西高铁", RAIL_STATION, 1],
  ["410181", "G310 巩义卡口", "国道 G310", NATIONAL_ROAD, 2],
  ["410182", "连霍高速荥阳站", "连霍高速 G30", HIGHWAY_EXIT, 3],
  ["410182", "郑云高速荥阳站", "郑云高速", HIGHWAY_EXIT, 2],
  ["410182", "G310 荥阳卡口", "国道 G310", NATIONAL_ROAD, 2],
  ["410183", "郑少高速新密站", "郑少高速", HIGHWAY_EXIT, 3],
  ["410183", "商登高速新密站", "商登高速", HIGHWAY_EXIT, 2],
  ["410183", "郑密路城市入口", "郑密路", CITY_ENTRANCE, 3],
  ["410184", "G107 新郑卡口", "国道 G107", NATIONAL_ROAD, 4],
  ["410184", "京港澳高速新郑站", "京港澳高速 G4", HIGHWAY_EXIT, 4],
  ["410184", "郑新快速路城市入口", "郑新快速路", CITY_ENTRANCE, 4],
  ["410185", "郑少高速登封站", "郑少高速", HIGHWAY_EXIT, 3],
  ["410185", "G207 登封卡口", "国道 G207", NATIONAL_ROAD, 2],
  ["410185", "商登高速登封站", "商登高速", HIGHWAY_EXIT, 2],
  ["410171", "新郑国际机场", "机场高速", AIRPORT, 5],
  ["410171", "郑州航空港站", "郑万高铁、郑阜高铁", RAIL_STATION, 3],
  ["410171", "京港澳高速航空港区站", "京港澳高速 G4", HIGHWAY_EXIT, 4],
  ["410172", "郑州西站", "郑西高铁", RAIL_STATION, 2],
  ["410172", "连霍高速郑州西站", "连霍高速 G30", HIGHWAY_EXIT, 5],
  ["410172", "科学大道西城市入口", "科学大道", CITY_ENTRANCE, 4],
  ["410173", "京港澳高速郑州南站", "京港澳高速 G4", HIGHWAY_EXIT, 5],
  ["410173", "G107 经开区卡口", "国道 G107", NATIONAL_ROAD, 4],
  ["410173", "航海东路城市入口", "航海东路", CITY_ENTRANCE, 4],
  ["410190", "郑州东站", "京广高铁、徐兰高铁", RAIL_STATION, 12],
  ["410190", "郑开大道城市入口", "郑开大道", CITY_ENTRANCE, 6],
  ["410190", "郑民高速郑州东站", "郑民高速", HIGHWAY_EXIT, 4],
];

/** Zhengzhou's traffic checkpoints (交通卡口): highway exits, national roads, city entrances, stations. */
export const CHECKPOINTS: readonly CheckpointInfo[] = ENTRIES.map(
  ([districtCode, name, road, kind, traffic], i) => {
    const serial = ENTRIES.slice(0, i).filter((e) => e[0] === districtCode).length + 1;
    return {
      code: `${districtCode}${String(serial).padStart(3, "0")}`,
      name,
      road,
      kind,
      districtCode,
      traffic,
    };
  },
);

/** Whether travellers pass this checkpoint on foot (ID checks), so crossings carry no plate. */
export function isTerminal(kind: CheckpointKind): boolean {
  return kind === RAIL_STATION || kind === AIRPORT;
}

// Every district must have a road checkpoint: the seed routes residents through their own district.
for (const district of DISTRICTS) {
  if (!CHECKPOINTS.some((c) => c.districtCode === district.code && !isTerminal(c.kind))) {
    throw new Error(`checkpoint catalog: no road checkpoint in district ${district.code}`);
  }
}
