import { PROVIDER_IDS, isProviderId, type ProviderId } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { maskSecrets } from '../common/security/mask-secrets.js';

/** A requested model, routed: which provider serves it, and its name as that provider knows it. */
export interface ModelRoute {
  readonly provider: ProviderId;
  readonly model: string;
}

/**
 * Model-name prefixes each provider's models start with (contract §5). `o1`, `o3`, `o4` cover OpenAI's reasoning
 * families (`o1`, `o3-mini`, `o4-mini` …).
 */
const MODEL_PREFIXES: ReadonlyArray<readonly [prefix: string, provider: ProviderId]> = [
  ['gpt-', 'openai'],
  ['o1', 'openai'],
  ['o3', 'openai'],
  ['o4', 'openai'],
  ['chatgpt-', 'openai'],
  ['text-embedding-', 'openai'],
  ['claude-', 'anthropic'],
  ['gemini-', 'google'],
];

/** Echoed model names are cut to this length so a pasted document does not come back in an error. */
const MAX_ECHOED_MODEL_LENGTH = 100;

const ACCEPTED_FORMS =
  'Use a model name starting with gpt-, o1, o3, o4, chatgpt- or text-embedding- (OpenAI), claude- (Anthropic) or ' +
  `gemini- (Google), or name the provider explicitly: ${PROVIDER_IDS.map((id) => `${id}/<model>`).join(', ')}.`;

/**
 * Routes a model name (contract §5): an explicit `openai/`, `anthropic/` or `google/` prefix wins and is stripped;
 * otherwise the name's own prefix decides. Throws `unknown_model` (400, `param: "model"`) for anything else.
 */
export function resolveModel(model: string): ModelRoute {
  const slash = model.indexOf('/');
  const prefix = slash === -1 ? '' : model.slice(0, slash);
  if (isProviderId(prefix)) {
    const stripped = model.slice(slash + 1);
    if (stripped.trim() === '') {
      throw new GatewayError('unknown_model', `The model name is missing after "${prefix}/". ${ACCEPTED_FORMS}`, {
        param: 'model',
      });
    }
    return { provider: prefix, model: stripped };
  }
  if (model.trim() === '') {
    throw new GatewayError('unknown_model', `The model must not be empty. ${ACCEPTED_FORMS}`, { param: 'model' });
  }
  const match = MODEL_PREFIXES.find(([namePrefix]) => model.startsWith(namePrefix));
  if (match) return { provider: match[1], model };
  throw new GatewayError('unknown_model', `Unknown model "${echo(model)}". ${ACCEPTED_FORMS}`, { param: 'model' });
}

function echo(model: string): string {
  const masked = maskSecrets(model);
  return masked.length > MAX_ECHOED_MODEL_LENGTH ? `${masked.slice(0, MAX_ECHOED_MODEL_LENGTH)}…` : masked;
}
