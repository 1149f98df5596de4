import { KEY_SOURCES } from '@uniroute/shared';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { chatRequestSchema } from '../router/chat-request.schema.js';
import { ChatCompletionDto, ErrorBodyDto, ModelListDto } from './openapi.dtos.js';

/** Where the docs UI and the document are served. */
export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs/json';
export const DOCS_YAML_PATH = 'docs/yaml';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;

/**
 * The OpenAPI 3 document of every route Nest registered (the SPA fallback is excluded with
 * `@ApiExcludeController`), from the DTO classes that implement the shared interfaces. The
 * gateway's request body comes from the same zod schema that validates it.
 */
export function createOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('UniRoute')
    .setDescription(
      'OpenAI-compatible LLM gateway with Bring-Your-Own-Keys. `/v1/*` takes a UniRoute API key (`Authorization: Bearer ur_…` or `x-api-key`); ' +
        '`/auth/me` and `/admin/*` take the session token from `POST /auth/login`. Every error has OpenAI\'s shape `{"error":{message,type,code,param}}`.',
    )
    .setVersion('0.1.0')
    // The order the docs UI lists them in: what a newcomer does first comes first.
    .addTag('Auth', 'Accounts and session tokens.')
    .addTag('Provider keys (BYOK)', 'Your own OpenAI, Anthropic and Google keys, stored encrypted (AES-256-GCM).')
    .addTag('API keys', 'UniRoute API keys (`ur_…`) for SDKs.')
    .addTag('Gateway (OpenAI-compatible)', 'Point any OpenAI SDK at `/v1` with a UniRoute API key.')
    .addTag('Health', 'Liveness and readiness probes.')
    .addTag('Operations', 'Prometheus metrics.')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Session token (`accessToken` from `POST /auth/register` or `/auth/login`).' }, 'session')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'ur_…', description: 'UniRoute API key from `POST /admin/api-keys` (also accepted as `x-api-key`).' }, 'api-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The operator\'s METRICS_TOKEN, only when it is set.' }, 'metrics')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodyDto, ChatCompletionDto, ModelListDto] });
  describeGateway(document);
  addErrorResponses(document);
  return document;
}

/** Serves the docs UI at `/docs`, the document at `/docs/json` (and `/docs/yaml`); built on first request. */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup(DOCS_PATH, app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: DOCS_JSON_PATH,
    yamlDocumentUrl: DOCS_YAML_PATH,
    customSiteTitle: 'UniRoute API',
    swaggerOptions: { persistAuthorization: false, validatorUrl: null },
  });
}

/**
 * `POST /v1/chat/completions` reads its body as `unknown` (zod validates it, so unknown fields can
 * pass through to OpenAI): its schema is the zod schema's JSON Schema. The answers are OpenAI's.
 */
function describeGateway(document: OpenAPIObject): void {
  const chat = document.paths['/v1/chat/completions']?.post;
  if (chat) {
    const schema = z.toJSONSchema(chatRequestSchema, { target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
    chat.requestBody = {
      required: true,
      description: (chat.requestBody as { description?: string } | undefined)?.description,
      content: { 'application/json': { schema: { ...schema, example: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] } } } },
    };
    const ok = chat.responses['200'] as { description?: string } | undefined;
    chat.responses['200'] = {
      description: ok?.description ?? 'A chat completion.',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(ChatCompletionDto) } },
        'text/event-stream': { schema: { type: 'string', description: '`data: {chat.completion.chunk}` events, then `data: [DONE]`.' } },
      },
      headers: {
        'x-uniroute-provider': { schema: { type: 'string', enum: ['openai', 'anthropic', 'google'] }, description: 'Where the request went.' },
        'x-uniroute-key-source': { schema: { type: 'string', enum: [...KEY_SOURCES] }, description: 'Whose key it used.' },
        'x-uniroute-team-id': { schema: { type: 'string', format: 'uuid' }, description: 'Set for a team API key (§9): the team whose key or policy served the request.' },
      },
    };
  }
  const models = document.paths['/v1/models']?.get;
  if (models) {
    const ok = models.responses['200'] as { description?: string } | undefined;
    models.responses['200'] = { description: ok?.description ?? 'The models this caller can reach.', content: { 'application/json': { schema: { $ref: getSchemaPath(ModelListDto) } } } };
  }
}

/** Every operation can fail, always in OpenAI's error shape: say so once for all of them. */
function addErrorResponses(document: OpenAPIObject): void {
  const errorResponse = { description: 'An error, in OpenAI\'s shape.', content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorBodyDto) } } } };
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation: OperationObject | undefined = pathItem[method];
      if (!operation) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        const description = (response as { description?: string } | undefined)?.description ?? errorResponse.description;
        if (Number(status) >= 400 && !(response && 'content' in response && response.content)) operation.responses[status] = { ...errorResponse, description };
      }
      operation.responses.default ??= errorResponse;
    }
  }
}
