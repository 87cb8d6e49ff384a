-- The gateway may log in as citygraph_gateway itself (CITYGRAPH_GATEWAY_DATABASE_URL) instead of
-- logging in as an administrator and switching role: a session that never held more than the
-- role's own rights cannot widen them (no RESET ROLE back to a superuser). No password is set
-- here: the operator sets one (ALTER ROLE citygraph_gateway PASSWORD '…') and puts it in the URL.
-- NOSUPERUSER NOCREATEDB NOCREATEROLE restate what CREATE ROLE defaults to, in case someone changed it.
ALTER ROLE citygraph_gateway LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
