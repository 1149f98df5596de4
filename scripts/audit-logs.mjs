// The suite-wide secret audit: every gateway started by a test writes its log lines under
// .tmp/suite-logs; none may contain a provider key, a UniRoute key, a password or a session token.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * What counts as a leak. Test keys follow the stand-ins' and tests' shapes, and real ones share
 * them (sk-…, sk-ant-…, AIza…, ur_…, JWTs). Masked forms (`****abcd`) do not match.
 */
const LEAK_PATTERNS = [
  ['OpenAI/Anthropic-style key', /\bsk-[A-Za-z0-9_-]{8,}/],
  ['Google key', /\bAIza[A-Za-z0-9_-]{10,}/],
  ['UniRoute API key', /\bur_[A-Za-z0-9_-]{20,}/],
  ['session token (JWT)', /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./],
  ['test password', /correct horse battery staple|long enough password/],
  // The unusually shaped keys of secret-masking.e2e-spec.ts, which no pattern above would catch.
  ['canary key', /canary-7f3a91c2-[a-z-]+-\d{4}/],
];

export function auditSuiteLogs(directory) {
  const findings = [];
  let lines = 0;
  let files = 0;
  if (!existsSync(directory)) return { ok: false, lines, files, findings: ['no suite logs were written: the audit saw nothing'] };
  for (const file of readdirSync(directory)) {
    files += 1;
    for (const line of readFileSync(path.join(directory, file), 'utf8').split('\n')) {
      if (!line) continue;
      lines += 1;
      for (const [what, pattern] of LEAK_PATTERNS) {
        const match = pattern.exec(line);
        if (match) findings.push(`${what} in ${file}: …${line.slice(Math.max(0, match.index - 60), match.index)}[${match[0].slice(0, 6)}…]`);
      }
    }
  }
  if (lines === 0) findings.push('the suite logs are empty: the audit saw nothing');
  return { ok: findings.length === 0, lines, files, findings };
}
