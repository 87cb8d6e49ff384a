export { AgreementRepository, type AgreementKeyRow } from "./agreement.repository.ts";
export { createThirdPartyGate, countRecords, type Admitted, type Refused } from "./gate.ts";
export { createUsagePlugin } from "./usage.plugin.ts";
