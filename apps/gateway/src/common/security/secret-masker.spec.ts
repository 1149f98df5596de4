import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../../config/app-config.js';
import { SecretMasker } from './secret-masker.js';

const SERVER_KEY = 'canary-server-key-0123456789abcdef';
const USER_KEY = 'user-secret-key-ZYXWVUTSRQPONM';

function createSut(): SecretMasker {
  const config = {
    providers: {
      openai: { serverKey: SERVER_KEY },
      anthropic: { serverKey: undefined },
      google: { serverKey: undefined },
    },
  } as unknown as AppConfig;
  return new SecretMasker(config);
}

/** Relays `text` cut at `cuts` through one stream masker and returns what a client would receive. */
function relay(sut: SecretMasker, text: string, cuts: number[]): { received: string; writes: string[] } {
  const masker = sut.streamMasker(USER_KEY);
  const writes: string[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    writes.push(masker.push(Buffer.from(text.slice(from, cut), 'utf8')).toString('utf8'));
    from = cut;
  }
  writes.push(masker.end().toString('utf8'));
  return { received: writes.join(''), writes };
}

describe(SecretMasker.name, () => {
  describe('streamMasker', () => {
    const event = (content: string) => `data: {"choices":[{"delta":{"content":"${content}"}}]}\n\n`;

    it('masks a secret cut in two at every possible place, for the credential and a server key alike', () => {
      const sut = createSut();
      for (const secret of [USER_KEY, SERVER_KEY]) {
        const text = `${event('hello')}data: {"error":"echo ${secret} end"}\n\n`;
        const start = text.indexOf(secret);
        for (let cut = start; cut <= start + secret.length; cut += 1) {
          const { received } = relay(sut, text, [cut]);
          expect(received, `cut at ${cut - start}`).not.toContain(secret);
          expect(received).toContain('echo ****');
        }
      }
    });

    it('masks a secret cut into many pieces', () => {
      const sut = createSut();
      const text = `before ${USER_KEY} after`;
      const start = text.indexOf(USER_KEY);
      const { received } = relay(sut, text, [start + 2, start + 5, start + 6, start + 20]);
      expect(received).toBe(`before ****${USER_KEY.slice(-4)} after`);
    });

    it('passes ordinary event-stream chunks on whole and at once, holding nothing back', () => {
      const sut = createSut();
      const masker = sut.streamMasker(USER_KEY);
      const chunk = Buffer.from(event('Hello, how are you?') + event('Fine.'));
      expect(masker.push(chunk)).toBe(chunk);
      expect(masker.end().length).toBe(0);
    });

    it('holds back only what could begin a secret, and gives it back when the stream ends without one', () => {
      const sut = createSut();
      const masker = sut.streamMasker(USER_KEY);
      expect(masker.push(Buffer.from('data: user-sec')).toString()).toBe('data: ');
      expect(masker.push(Buffer.from('ond thoughts\n\n')).toString()).toBe('user-second thoughts\n\n');
      expect(masker.push(Buffer.from('last words: user-')).toString()).toBe('last words: ');
      expect(masker.end().toString()).toBe('user-');
    });

    it('keeps multi-byte characters intact across the held-back bytes', () => {
      const sut = createSut();
      const text = `héllo wörld ${USER_KEY.slice(0, 6)}— ünïcode`;
      const { received } = relay(sut, text, [5, 13, 20]);
      expect(received).toBe(text);
    });
  });
});
