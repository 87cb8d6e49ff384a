import type pg from "pg";
import type { StoredAgreementStatus } from "@citygraph/agreements";

/** What the gateway needs of an API key and its agreement, read in one statement. */
export interface AgreementKeyRow {
  keyId: string;
  secretHash: string;
  keyRevokedAt: Date | null;
  agreementId: string;
  organizationId: string;
  status: StoredAgreementStatus;
  purposes: string[];
  scopes: string[];
  allowedFields: string[];
  districts: string[];
  validFrom: Date;
  validUntil: Date;
  requestsPerMinute: number;
  recordsPerDay: number;
}

const SELECT_KEY = `
  SELECT k.id AS "keyId", k.secret_hash AS "secretHash", k.revoked_at AS "keyRevokedAt",
         a.id AS "agreementId", a.organization_id AS "organizationId", a.status::text AS status,
         a.purposes, a.scopes, a.allowed_fields AS "allowedFields", a.districts,
         a.valid_from AS "validFrom", a.valid_until AS "validUntil",
         a.requests_per_minute AS "requestsPerMinute", a.records_per_day AS "recordsPerDay"
  FROM governance.api_key k JOIN governance.agreement a ON a.id = k.agreement_id
  WHERE k.id = $1`;

/**
 * The gateway's read of agreements. Read on every third-party request, never cached: a suspension
 * or revocation takes effect on the next request at every gateway instance.
 */
export class AgreementRepository {
  constructor(private readonly pool: pg.Pool) {}

  async findKey(keyId: string): Promise<AgreementKeyRow | undefined> {
    const { rows } = await this.pool.query<AgreementKeyRow>(SELECT_KEY, [keyId]);
    return rows[0];
  }

  /** The document of a persisted operation the agreement may run, by its SHA-256 (hex). */
  async findOperation(agreementId: string, sha256: string): Promise<{ name: string; document: string } | undefined> {
    const { rows } = await this.pool.query<{ name: string; document: string }>(
      "SELECT name, document FROM governance.agreement_operation WHERE agreement_id = $1 AND sha256 = $2",
      [agreementId, sha256],
    );
    return rows[0];
  }
}
