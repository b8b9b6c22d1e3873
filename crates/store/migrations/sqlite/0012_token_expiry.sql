-- A personal access token may carry an end: refused from then on, like a revoked one. Tokens
-- made before this have none (they keep working until revoked). When it was revoked is kept
-- beside the flag, for the token list.
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
CREATE INDEX api_tokens_account ON api_tokens(account_id);
