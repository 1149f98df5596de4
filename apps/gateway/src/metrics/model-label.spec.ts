import { describe, expect, it } from 'vitest';
import { ModelLabels, OTHER_MODEL, normaliseModel } from './model-label.js';

describe(ModelLabels.name, () => {
  it('normalises names to a safe, short label', () => {
    expect(normaliseModel('  GPT-4o-mini ')).toBe('gpt-4o-mini');
    expect(normaliseModel('claude 3 "opus"\n')).toBe('claude_3__opus_');
    expect(normaliseModel('x'.repeat(500))).toHaveLength(64);
  });

  it('gives a name its own label only after a success, and caps the distinct labels', () => {
    const sut = new ModelLabels(2);
    expect(sut.get('gpt-4o', false)).toBe(OTHER_MODEL);
    expect(sut.get('gpt-4o', true)).toBe('gpt-4o');
    expect(sut.get('gpt-4o', false)).toBe('gpt-4o');
    expect(sut.get('claude-3', true)).toBe('claude-3');
    expect(sut.get('gemini-2.0-flash', true)).toBe(OTHER_MODEL);
  });
});
