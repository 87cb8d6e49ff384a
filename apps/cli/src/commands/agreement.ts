import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { processEnvironment } from "@citygraph/platform/config";
import { StartupError, loadOrCreateDevKeys, signDevToken } from "@citygraph/core";

export const AGREEMENT_USAGE = `citygraph agreement <subcommand> [options]   (administers data-operation agreements through the gateway)

  list [--status ACTIVE] [--org <organization id>] [--first N] [--after <cursor>]
  show <id>
  create --org-id <id> | --org-credit-code <code> [--org-name <name>]
         --title <text> --purposes a,b --legal-basis <text> --scopes "health:internal registry:personal:masked"
         [--fields "Person.name,Person.healthCode"] [--districts 410105,410102]
         [--valid-from 2026-01-01] --valid-until 2026-12-31 --requests-per-minute N --records-per-day N
         (days are China Standard Time; --valid-until's day is included)
  approve <id>                      (a different administrator from the one who created it)
  suspend <id> --reason <text>
  resume <id>                       (a different administrator from the one who suspended it)
  revoke <id> --reason <text>       (final; revokes its API keys)
  register-operation <id> --name <OperationName> --file op.graphql
  issue-key <id>                    (prints the key once)
  rotate-key <id>                   (a new key; the agreement's other keys are revoked)
  revoke-key --key-id <cgk_…>

  <id> may also be given as --id. Every subcommand takes:
  --url <gateway>      default $CITYGRAPH_URL, else http://127.0.0.1:$PORT/graphql (PORT as for
                       "citygraph start", default 4000)
  --token <jwt>        default $CITYGRAPH_TOKEN; a token with the governance:admin scope
  --as <subject>       instead of a token: sign one for <subject> with governance:admin from the
                       local development identity provider (what "citygraph start" trusts)
  --json               print the response data as JSON
`;


const SUBCOMMANDS = [
  "list",
  "show",
  "create",
  "approve",
  "suspend",
  "resume",
  "revoke",
  "register-operation",
  "issue-key",
  "rotate-key",
  "revoke-key",
];

const AGREEMENT_FIELDS = `
  id title status statusReason purposes legalBasis scopes allowedFields districts
  validFrom validUntil requestsPerMinute recordsPerDay
  createdBy createdAt approvedBy approvedAt updatedBy updatedAt
  organization { id name creditCode }
`;
const DETAIL_FIELDS = `${AGREEMENT_FIELDS}
  operations { name sha256 registeredBy registeredAt }
  apiKeys { id createdAt createdBy revokedAt revokedBy }
`;
const KEY_FIELDS = "key apiKey { id createdAt createdBy revokedAt revokedBy }";

interface Organization {
  id: string;
  name: string;
  creditCode: string;
}

interface ApiKey {
  id: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

interface Agreement {
  id: string;
  title: string;
  status: string;
  statusReason: string | null;
  purposes: string[];
  legalBasis: string;
  scopes: string[];
  allowedFields: string[];
  districts: string[];
  validFrom: string;
  validUntil: string;
  requestsPerMinute: number;
  recordsPerDay: number;
  createdBy: string;
  createdAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
  organization: Organization;
  operations?: { name: string; sha256: string; registeredBy: string; registeredAt: string }[];
  apiKeys?: ApiKey[];
}

interface GraphQLErrorBody {
  message: string;
  extensions?: { code?: string; argumentName?: string; denied?: { coordinate: string; needs: string }[]; status?: string };
}

type Options = ReturnType<typeof parse>["values"];

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      as: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      id: { type: "string" },
      "org-id": { type: "string" },
      "org-name": { type: "string" },
      "org-credit-code": { type: "string" },
      title: { type: "string" },
      purposes: { type: "string" },
      "legal-basis": { type: "string" },
      scopes: { type: "string" },
      fields: { type: "string" },
      districts: { type: "string" },
      "valid-from": { type: "string" },
      "valid-until": { type: "string" },
      "requests-per-minute": { type: "string" },
      "records-per-day": { type: "string" },
      name: { type: "string" },
      file: { type: "string" },
      reason: { type: "string" },
      status: { type: "string" },
      org: { type: "string" },
      first: { type: "string" },
      after: { type: "string" },
      "key-id": { type: "string" },
    },
  });
}

/** A GraphQL client for the gateway, as one administrator. */
class Gateway {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch {
      throw new StartupError(`Cannot reach the gateway at ${this.url}. Is "citygraph start" running? (--url or CITYGRAPH_URL)`);
    }
    const text = await response.text();
    let body: { data?: T | null; errors?: GraphQLErrorBody[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new StartupError(`The gateway answered HTTP ${response.status} without a GraphQL response.`);
    }
    if (body.errors?.length) throw new StartupError(body.errors.map(describeError).join("\n"));
    if (!body.data) throw new StartupError(`The gateway answered HTTP ${response.status} without data.`);
    return body.data;
  }
}

function describeError(error: GraphQLErrorBody): string {
  const code = error.extensions?.code ?? "ERROR";
  const lines = [`${code}: ${error.message}`];
  const denied = error.extensions?.denied ?? [];
  for (const d of denied.slice(0, 5)) lines.push(`  ${d.coordinate} needs ${d.needs}`);
  if (denied.length > 5) lines.push(`  … and ${denied.length - 5} more`);
  return lines.join("\n");
}

async function connect(values: Options): Promise<Gateway> {
  const env = processEnvironment();
  // The gateway "citygraph start" runs with the same environment listens on PORT.
  const url = values.url || env.get("CITYGRAPH_URL") || `http://127.0.0.1:${env.int("PORT", 4000, { min: 1, max: 65535 })}/graphql`;
  let token = values.token || env.get("CITYGRAPH_TOKEN");
  if (values.as) {
    const { DATA_DIR } = await import("@citygraph/platform");
    const { identityProvider } = await loadOrCreateDevKeys(DATA_DIR);
    token = await signDevToken(identityProvider.privateJwk, { subject: values.as, scopes: ["governance:admin"], ttl: "10m" });
  }
  if (!token) {
    throw new StartupError(
      'An administrator\'s token is needed: --token <jwt> (or CITYGRAPH_TOKEN), or --as <subject> for a development token.',
    );
  }
  return new Gateway(url, token);
}

function list(value: string | undefined, separators = /[\s,]+/): string[] {
  return (value ?? "").split(separators).map((s) => s.trim()).filter(Boolean);
}

function required(values: Options, name: keyof Options & string): string {
  const value = values[name];
  if (typeof value !== "string" || !value.trim()) throw new StartupError(`--${name} is required.\n\n${AGREEMENT_USAGE}`);
  return value;
}

function wholeNumber(values: Options, name: "requests-per-minute" | "records-per-day" | "first"): number {
  const text = required(values, name);
  const n = Number(text);
  if (!Number.isInteger(n)) throw new StartupError(`--${name} must be a whole number (got "${text}").`);
  return n;
}

/**
 * An option's instant. A bare date is a day in China Standard Time, as the console's date fields
 * are: `--valid-from` its first moment, `--valid-until` the day included (the end is the next
 * midnight, since an agreement expires at `validUntil`).
 */
function instant(name: "valid-from" | "valid-until", text: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = new Date(`${text}T00:00:00+08:00`);
    // Date rolls 2027-02-30 over into March: a day is real when it reads back as written.
    const utc = new Date(`${text}T00:00:00Z`);
    if (Number.isNaN(utc.getTime()) || utc.toISOString().slice(0, 10) !== text) {
      throw new StartupError(`--${name} must be a real day, e.g. 2026-12-31 (got "${text}").`);
    }
    return new Date(start.getTime() + (name === "valid-until" ? 86_400_000 : 0)).toISOString();
  }
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new StartupError(`--${name} must be a date or date-time, e.g. 2026-12-31 (got "${text}").`);
  return date.toISOString();
}

function agreementId(values: Options, positionals: string[]): string {
  const id = values.id ?? positionals[0];
  if (!id) throw new StartupError(`The agreement's id is required (as an argument or --id).\n\n${AGREEMENT_USAGE}`);
  return id;
}

const when = (iso: string | null) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "-");

function printAgreement(a: Agreement): void {
  const rows: [string, string][] = [
    ["title", a.title],
    ["organization", `${a.organization.name} (${a.organization.creditCode}, id ${a.organization.id})`],
    ["status", a.statusReason ? `${a.status} (${a.statusReason})` : a.status],
    ["purposes", a.purposes.join(", ")],
    ["legal basis", a.legalBasis],
    ["scopes", a.scopes.join(" ")],
    ["allowed fields", a.allowedFields.length ? a.allowedFields.join(", ") : "(no narrowing)"],
    ["districts", a.districts.length ? a.districts.join(", ") : "(all)"],
    ["valid", `${when(a.validFrom)} to ${when(a.validUntil)}`],
    ["quotas", `${a.requestsPerMinute} requests/minute, ${a.recordsPerDay} records/day`],
    ["created", `by ${a.createdBy} at ${when(a.createdAt)}`],
    ["approved", a.approvedBy ? `by ${a.approvedBy} at ${when(a.approvedAt)}` : "-"],
    ["last change", a.updatedBy ? `by ${a.updatedBy} at ${when(a.updatedAt)}` : "-"],
  ];
  console.log(`Agreement ${a.id}`);
  for (const [label, value] of rows) console.log(`  ${`${label}:`.padEnd(16)}${value}`);
  if (a.operations) {
    console.log(`  operations (${a.operations.length}):`);
    for (const op of a.operations) console.log(`    ${op.name}  sha256 ${op.sha256}  by ${op.registeredBy} at ${when(op.registeredAt)}`);
  }
  if (a.apiKeys) {
    console.log(`  API keys (${a.apiKeys.length}):`);
    for (const key of a.apiKeys) console.log(`    ${describeKey(key)}`);
  }
}

function describeKey(key: ApiKey): string {
  const state = key.revokedAt ? `revoked at ${when(key.revokedAt)} by ${key.revokedBy ?? "?"}` : "live";
  return `${key.id}  issued at ${when(key.createdAt)} by ${key.createdBy}  ${state}`;
}

/** Terminal columns a text takes: CJK ideographs and full-width forms take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i]!))));
  const pad = (cell: string, width: number) => cell + " ".repeat(Math.max(0, width - displayWidth(cell)));
  for (const row of rows) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i]!))).join("  "));
}

/** Finds or registers the organization `create` names. */
async function organizationFor(gateway: Gateway, values: Options): Promise<string> {
  if (values["org-id"]) return values["org-id"];
  const creditCode = values["org-credit-code"];
  if (!creditCode) throw new StartupError("create needs --org-id, or --org-credit-code (with --org-name for a new organization).");
  const found = await gateway.request<{ organizations: { nodes: Organization[] } }>(
    `query Organization($creditCode: String) { organizations(creditCode: $creditCode, first: 1) { nodes { id name creditCode } } }`,
    { creditCode },
  );
  const existing = found.organizations.nodes[0];
  if (existing) return existing.id;
  const name = values["org-name"];
  if (!name) throw new StartupError(`No organization has credit code ${creditCode}: add --org-name to register it.`);
  const created = await gateway.request<{ createOrganization: Organization }>(
    `mutation CreateOrganization($name: String!, $creditCode: String!) { createOrganization(name: $name, creditCode: $creditCode) { id name creditCode } }`,
    { name, creditCode },
  );
  console.error(`Registered organization ${created.createOrganization.name} (${creditCode}), id ${created.createOrganization.id}.`);
  return created.createOrganization.id;
}

function printIssuedKey(agreement: string, issued: { key: string; apiKey: ApiKey }, rotated: boolean): void {
  // The key alone on stdout, so `KEY=$(citygraph agreement issue-key …)` captures exactly it.
  console.error(`API key ${issued.apiKey.id} for agreement ${agreement}:`);
  console.log(issued.key);
  console.error(
    "WARNING: this key is shown only once. citygraph keeps only its hash and cannot show it again: hand it to the organization now." +
      (rotated ? "\nThe agreement's other keys are revoked." : ""),
  );
}

/** `citygraph agreement <subcommand> …`: administers agreements through the gateway's GraphQL API. */
export async function agreementCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  const [subcommand, ...rest] = positionals;
  if (values.help || !subcommand) {
    console.log(AGREEMENT_USAGE);
    return;
  }
  if (!SUBCOMMANDS.includes(subcommand)) {
    throw new StartupError(`Unknown agreement subcommand "${subcommand}".\n\n${AGREEMENT_USAGE}`);
  }
  const gateway = await connect(values);
  const output = (data: unknown, print: () => void) => (values.json ? console.log(JSON.stringify(data, null, 2)) : print());

  switch (subcommand) {
    case "list": {
      const variables: Record<string, unknown> = {
        status: values.status?.toUpperCase(),
        organization: values.org,
        first: values.first === undefined ? undefined : wholeNumber(values, "first"),
        after: values.after,
      };
      const data = await gateway.request<{ agreements: { nodes: Agreement[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }>(
        `query Agreements($status: AgreementStatus, $organization: ID, $first: Int, $after: String) {
          agreements(status: $status, organization: $organization, first: $first, after: $after) {
            nodes { ${AGREEMENT_FIELDS} } pageInfo { endCursor hasNextPage } } }`,
        variables,
      );
      return output(data, () => {
        const { nodes, pageInfo } = data.agreements;
        if (!nodes.length) {
          console.log("No agreements.");
          return;
        }
        printTable([
          ["ID", "STATUS", "ORGANIZATION", "VALID UNTIL", "TITLE"],
          ...nodes.map((a) => [a.id, a.status, a.organization.name, when(a.validUntil), a.title]),
        ]);
        if (pageInfo.hasNextPage) console.log(`\nMore: --after ${pageInfo.endCursor}`);
      });
    }
    case "show": {
      const id = agreementId(values, rest);
      const data = await gateway.request<{ agreement: Agreement | null }>(
        `query Agreement($id: ID!) { agreement(id: $id) { ${DETAIL_FIELDS} } }`,
        { id },
      );
      if (!data.agreement) throw new StartupError(`No agreement has id ${id}.`);
      return output(data, () => printAgreement(data.agreement!));
    }
    case "create": {
      const validFrom = values["valid-from"] ? instant("valid-from", values["valid-from"]) : new Date().toISOString();
      const input = {
        title: required(values, "title"),
        purposes: list(required(values, "purposes")),
        legalBasis: required(values, "legal-basis"),
        scopes: list(required(values, "scopes")),
        allowedFields: list(values.fields),
        districts: list(values.districts),
        validFrom,
        validUntil: instant("valid-until", required(values, "valid-until")),
        requestsPerMinute: wholeNumber(values, "requests-per-minute"),
        recordsPerDay: wholeNumber(values, "records-per-day"),
      };
      const organizationId = await organizationFor(gateway, values);
      const data = await gateway.request<{ createAgreement: Agreement }>(
        `mutation CreateAgreement($input: CreateAgreementInput!) { createAgreement(input: $input) { ${DETAIL_FIELDS} } }`,
        { input: { ...input, organizationId } },
      );
      return output(data, () => {
        printAgreement(data.createAgreement);
        console.log(`\nDRAFT: a different administrator approves it with "citygraph agreement approve ${data.createAgreement.id}".`);
      });
    }
    case "approve":
    case "resume": {
      const id = agreementId(values, rest);
      const field = subcommand === "approve" ? "approveAgreement" : "resumeAgreement";
      const data = await gateway.request<Record<string, Agreement>>(
        `mutation Change($id: ID!) { ${field}(id: $id) { ${DETAIL_FIELDS} } }`,
        { id },
      );
      return output(data, () => printAgreement(data[field]!));
    }
    case "suspend":
    case "revoke": {
      const id = agreementId(values, rest);
      const field = subcommand === "suspend" ? "suspendAgreement" : "revokeAgreement";
      const data = await gateway.request<Record<string, Agreement>>(
        `mutation Change($id: ID!, $reason: String!) { ${field}(id: $id, reason: $reason) { ${DETAIL_FIELDS} } }`,
        { id, reason: required(values, "reason") },
      );
      return output(data, () => printAgreement(data[field]!));
    }
    case "register-operation": {
      const id = agreementId(values, rest);
      const file = required(values, "file");
      let document: string;
      try {
        // The exact bytes: the hash is of the text the holder will send.
        document = readFileSync(file, "utf8");
      } catch {
        throw new StartupError(`Cannot read ${file}.`);
      }
      const data = await gateway.request<{ registerOperation: { name: string; sha256: string } }>(
        `mutation Register($id: ID!, $name: String!, $document: String!) {
          registerOperation(agreementId: $id, name: $name, document: $document) { name sha256 registeredBy registeredAt } }`,
        { id, name: required(values, "name"), document },
      );
      return output(data, () =>
        console.log(`Registered ${data.registerOperation.name} for agreement ${id}: sha256 ${data.registerOperation.sha256}`),
      );
    }
    case "issue-key":
    case "rotate-key": {
      const id = agreementId(values, rest);
      const field = subcommand === "issue-key" ? "issueApiKey" : "rotateApiKey";
      const data = await gateway.request<Record<string, { key: string; apiKey: ApiKey }>>(
        `mutation Key($id: ID!) { ${field}(agreementId: $id) { ${KEY_FIELDS} } }`,
        { id },
      );
      return output(data, () => printIssuedKey(id, data[field]!, subcommand === "rotate-key"));
    }
    case "revoke-key": {
      const keyId = values["key-id"] ?? rest[0];
      if (!keyId) throw new StartupError(`revoke-key needs --key-id <cgk_…>.\n\n${AGREEMENT_USAGE}`);
      const data = await gateway.request<{ revokeApiKey: ApiKey }>(
        `mutation RevokeKey($id: ID!) { revokeApiKey(id: $id) { id createdAt createdBy revokedAt revokedBy } }`,
        { id: keyId },
      );
      return output(data, () => console.log(describeKey(data.revokeApiKey)));
    }
    default:
      throw new StartupError(`Unknown agreement subcommand "${subcommand}".\n\n${AGREEMENT_USAGE}`);
  }
}
