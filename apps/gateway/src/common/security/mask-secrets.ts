/**
 * Things that look like credentials: provider keys (`sk-…`, `sk-ant-…`, `AIza…`), UniRoute keys
 * (`ur_…`), bearer tokens and JWTs. Upstream error messages sometimes echo the key they rejected
 * ("Incorrect API key provided: sk-abc…"), so every upstream text goes through this before a client sees it.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_\-*]{6,}/g,
  /\bAIza[0-9A-Za-z_\-]{10,}/g,
  /\bur_[A-Za-z0-9_\-]{6,}/g,
  // Invitation tokens (§12 `inv_…`, team invitations §9 `tinv_…`): the SPA's invitation links reach the access log.
  /\bt?inv_[A-Za-z0-9_\-]{6,}/g,
  /\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*/g,
  /(Bearer\s+)[A-Za-z0-9._\-~+/]{8,}=*/gi,
  /([?&]key=)[^&\s"']+/gi,
];

/**
 * Text none of SECRET_PATTERNS can match lacks all of these (a superset: case folded, no word boundaries). Most
 * text masked is a log line's message or URL with nothing in it; one test instead of seven replaces is the
 * difference between ~0.3 and ~3 µs for every access-log line.
 */
const MAY_HOLD_SECRET = /(?:sk|pk|rk)-|aiza|ur_|inv_|eyj|bearer\s|[?&]key=/i;

/** Below this length a key's last 4 characters are too much of it to show. */
const MIN_LENGTH_TO_SHOW_LAST4 = 16;

/** How an exact secret is shown: `****` plus its last 4 characters when it is long enough to spare them. */
export function maskOf(secret: string): string {
  return secret.length >= MIN_LENGTH_TO_SHOW_LAST4 ? `****${secret.slice(-4)}` : '****';
}

/**
 * Replaces every credential-looking token in `text` with a mask that keeps at most its last 4 characters.
 * `exactSecrets` (the credential a request used, the server keys) are masked first wherever they appear,
 * whatever they look like: an OpenAI-compatible proxy, Azure or vLLM echoes keys of any shape.
 */
export function maskSecrets(text: string, exactSecrets: readonly string[] = []): string {
  let masked = text;
  for (const secret of exactSecrets) {
    if (secret.length > 0 && masked.includes(secret)) masked = masked.split(secret).join(maskOf(secret));
  }
  if (!MAY_HOLD_SECRET.test(masked)) return masked;
  for (const pattern of SECRET_PATTERNS) {
    masked = masked.replace(pattern, (match: string, prefix?: string) => {
      if (typeof prefix === 'string' && match.startsWith(prefix)) return `${prefix}****`;
      return `****${match.slice(-4)}`;
    });
  }
  return masked;
}
