import { describe, expect, it } from 'vitest';
import { toGoogleSchema } from './to-google-schema.js';

describe(toGoogleSchema.name, () => {
  it('keeps the OpenAPI subset and drops the keywords Gemini rejects', () => {
    const sut = toGoogleSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://example.com/person',
      type: 'object',
      title: 'Person',
      description: 'A person',
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[A-Z]', format: 'email' },
        born: { type: 'string', format: 'date-time' },
        age: { type: 'integer', minimum: 0, exclusiveMaximum: 150, multipleOf: 1 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
      },
      required: ['name', 'missing'],
      patternProperties: { '^x-': { type: 'string' } },
    });

    expect(sut).toEqual({
      type: 'OBJECT',
      title: 'Person',
      description: 'A person',
      properties: {
        name: { type: 'STRING', minLength: 1, maxLength: 80, pattern: '^[A-Z]' },
        born: { type: 'STRING', format: 'date-time' },
        age: { type: 'INTEGER', minimum: 0 },
        tags: { type: 'ARRAY', items: { type: 'STRING' }, minItems: 1 },
      },
      required: ['name'],
    });
  });

  it('turns nullable unions, const, oneOf and non-string enums into their OpenAPI forms', () => {
    const sut = toGoogleSchema({
      type: 'object',
      properties: {
        note: { type: ['string', 'null'] },
        kind: { const: 'circle' },
        size: { anyOf: [{ type: 'number' }, { type: 'null' }], description: 'Radius' },
        shape: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        level: { type: 'integer', enum: [1, 2, 3] },
      },
    });

    expect(sut?.properties).toEqual({
      note: { type: 'STRING', nullable: true },
      kind: { type: 'STRING', enum: ['circle'] },
      size: { type: 'NUMBER', nullable: true, description: 'Radius' },
      shape: { anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }] },
      level: { type: 'INTEGER', enum: ['1', '2', '3'], format: 'enum' },
    });
  });

  it('inlines local $refs, including the allOf wrapper Pydantic emits', () => {
    const sut = toGoogleSchema({
      type: 'object',
      $defs: { Address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      properties: {
        home: { $ref: '#/$defs/Address' },
        work: { allOf: [{ $ref: '#/$defs/Address' }], description: 'Office' },
      },
    });

    const address = { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] };
    expect(sut?.properties).toEqual({ home: address, work: { ...address, description: 'Office' } });
  });

  it('stops at recursive references instead of looping', () => {
    const sut = toGoogleSchema({
      $defs: { Node: { type: 'object', properties: { child: { $ref: '#/$defs/Node' } } } },
      $ref: '#/$defs/Node',
    });

    expect(sut?.type).toBe('OBJECT');
    expect(JSON.stringify(sut).length).toBeLessThan(10_000);
  });

  it('leaves out empty properties, which Gemini rejects on an object', () => {
    expect(toGoogleSchema({ type: 'object', properties: {} })).toEqual({ type: 'OBJECT' });
    expect(toGoogleSchema(undefined)).toBeUndefined();
  });
});
