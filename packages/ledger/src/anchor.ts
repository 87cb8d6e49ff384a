import type { JWK } from "jose";
import { createCheckpointSigner, createCheckpointVerifier, type LedgerCheckpointStatement } from "./checkpoint.ts";

/**
 * An anchor: the chain head (`seq`, `hash`) at `signedAt`, signed with the gateway key exactly as a
 * checkpoint is (compact JWS over the canonical statement), but kept OUTSIDE the governance
 * database — in sinks its administrators do not control — so a superuser who deletes or rewrites
 * the chain's tail (and its checkpoints with it) is contradicted by what was published before.
 */
export interface LedgerAnchor extends LedgerCheckpointStatement {
  signature: string;
}

/** One record read back from a sink: an anchor, or a damaged record the sink reports (never hides). */
export type AnchorRecord = { kind: "anchor"; anchor: LedgerAnchor } | { kind: "damaged"; where: string; problem: string };

/**
 * Where anchors are published: append-only storage outside the governance database. Kept small on
 * purpose so that more sinks fit: an S3-compatible object store with Object Lock in compliance
 * mode would `append` one object per batch (key = zero-padded seq, `x-amz-object-lock-mode:
 * COMPLIANCE`), `read` by listing keys in order, and `latest` by listing the last key.
 */
export interface AnchorSink {
  /** How reports name the sink: a path, or a database URL without its password. */
  readonly name: string;
  /** Appends anchors durably (fsync'd, committed) in the order given; rejects when it could not. */
  append(anchors: readonly LedgerAnchor[]): Promise<void>;
  /** Every record ever appended, oldest first, streamed (memory stays flat for any number). */
  read(): AsyncIterable<AnchorRecord>;
  /** The anchor of the highest seq, or undefined when the sink is empty. */
  latest(): Promise<LedgerAnchor | undefined>;
  close(): Promise<void>;
}

/** Signs anchors with the gateway's private ES256 JWK (the checkpoint signer: one format, one verifier). */
export async function createAnchorSigner(privateJwk: JWK): Promise<(head: { seq: string; hash: string }, at?: Date) => Promise<LedgerAnchor>> {
  const sign = await createCheckpointSigner(privateJwk);
  return async (head, at = new Date()) => {
    const statement = { seq: head.seq, hash: head.hash, signedAt: at.toISOString() };
    return { ...statement, signature: await sign(statement) };
  };
}

/** Checks an anchor's signature against the gateway's public key(s); resolves to a problem, or null. */
export function createAnchorVerifier(publicKeys: JWK | readonly JWK[]): (anchor: LedgerAnchor) => Promise<string | null> {
  const verify = createCheckpointVerifier(publicKeys);
  return (anchor) => verify({ seq: anchor.seq, hash: anchor.hash, signedAt: anchor.signedAt }, anchor.signature);
}

/** Parses one stored anchor, or returns what is wrong with it. */
export function parseAnchor(text: string): LedgerAnchor | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const a = value as Partial<Record<keyof LedgerAnchor, unknown>> | null;
  if (
    typeof a !== "object" ||
    a === null ||
    typeof a.seq !== "string" ||
    !/^[1-9][0-9]{0,18}$/.test(a.seq) ||
    typeof a.hash !== "string" ||
    !/^[0-9a-f]{64}$/.test(a.hash) ||
    typeof a.signedAt !== "string" ||
    typeof a.signature !== "string"
  ) {
    return "not an anchor (seq, hash, signedAt, signature)";
  }
  return { seq: a.seq, hash: a.hash, signedAt: a.signedAt, signature: a.signature };
}

/** A connection URL as reports may show it: without its password. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(not a URL)";
  }
}
