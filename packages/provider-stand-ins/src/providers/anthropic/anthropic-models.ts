/** One model the Anthropic stand-in serves. */
export interface AnthropicModel {
  /** The dated id `GET /v1/models` lists. */
  readonly id: string;
  /** The undated alias the Messages API also accepts. */
  readonly alias: string;
  readonly displayName: string;
  readonly createdAt: string;
}

/** Newest first, the order the real list uses. @see https://docs.anthropic.com/en/docs/about-claude/models */
export const ANTHROPIC_MODELS: readonly AnthropicModel[] = [
  { id: 'claude-sonnet-4-5-20250929', alias: 'claude-sonnet-4-5', displayName: 'Claude Sonnet 4.5', createdAt: '2025-09-29T00:00:00Z' },
  { id: 'claude-opus-4-1-20250805', alias: 'claude-opus-4-1', displayName: 'Claude Opus 4.1', createdAt: '2025-08-05T00:00:00Z' },
  { id: 'claude-3-5-haiku-20241022', alias: 'claude-3-5-haiku-latest', displayName: 'Claude Haiku 3.5', createdAt: '2024-10-22T00:00:00Z' },
];

export function findAnthropicModel(idOrAlias: string): AnthropicModel | null {
  return ANTHROPIC_MODELS.find((model) => model.id === idOrAlias || model.alias === idOrAlias) ?? null;
}

/** @see https://docs.anthropic.com/en/api/models-list */
export function renderAnthropicModel(model: AnthropicModel): Record<string, unknown> {
  return { type: 'model', id: model.id, display_name: model.displayName, created_at: model.createdAt };
}
