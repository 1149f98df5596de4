import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from './support/http.js';
import { DATABASE_KIND, startTestApp, type TestApp } from './support/test-app.js';

/** `@ApiExcludeController()`'s metadata key (DECORATORS.API_EXCLUDE_CONTROLLER, not exported by @nestjs/swagger's package). */
const API_EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';

interface RegisteredRoute {
  method: string;
  path: string;
}

/** Every route Nest registered from a controller, read from the same metadata Nest routes by (minus excluded controllers). */
function nestRoutes(app: TestApp): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  for (const module of app.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller || Reflect.getMetadata(API_EXCLUDE_CONTROLLER, controller)?.[0] === true) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod].toLowerCase();
        const path = `/${[prefix, String(Reflect.getMetadata(PATH_METADATA, handler))].filter((part) => part && part !== '/').join('/')}`.replace(/\/+/g, '/');
        routes.push({ method, path });
      }
    }
  }
  return routes;
}

describe(`OpenAPI document and docs UI (${DATABASE_KIND})`, () => {
  let app: TestApp;
  let client: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    app = await startTestApp();
    client = httpClient(app.url);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('documents every route Nest registered, each with a response schema, and nothing else', async () => {
    const response = await client.get('/docs/json');
    expect(response.status).toBe(200);
    const document = response.body;
    expect(document.openapi).toMatch(/^3\./);
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    const registered = nestRoutes(app).map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(registered.length).toBeGreaterThanOrEqual(17);
    expect(documented.sort()).toEqual([...new Set(registered)].sort());
    const fastify = app.app.getHttpAdapter().getInstance();
    for (const route of nestRoutes(app)) expect(fastify.hasRoute({ method: route.method.toUpperCase() as 'GET', url: route.path }), `${route.method} ${route.path}`).toBe(true);

    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, { responses: Record<string, { content?: unknown }>; security?: unknown }>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
        expect(success, `${method} ${path} has a success response`).toBeDefined();
        if (success![0] !== '204') expect(success![1].content, `${method} ${path} has a response schema`).toBeDefined();
        expect(operation.responses.default, `${method} ${path} documents its errors`).toBeDefined();
      }
    }
  });

  it('describes request bodies and the two security schemes', async () => {
    const document = (await client.get('/docs/json')).body;
    expect(document.components.securitySchemes.session).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(document.components.securitySchemes['api-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    const chat = document.paths['/v1/chat/completions'].post;
    expect(chat.security).toEqual([{ 'api-key': [] }]);
    expect(chat.requestBody.content['application/json'].schema.required).toEqual(['model', 'messages']);
    expect(chat.responses['200'].content['text/event-stream']).toBeDefined();
    expect(document.paths['/admin/provider-keys'].post.security).toEqual([{ session: [] }]);
    expect(document.paths['/admin/provider-keys'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreateProviderKeyDto');
    expect(document.components.schemas.CreateProviderKeyDto.required).toEqual(expect.arrayContaining(['provider', 'apiKey']));
    expect(document.paths['/auth/login'].post.security).toBeUndefined();
    expect(document.components.schemas.ErrorBodyDto).toBeDefined();
  });

  it('serves the swagger UI at /docs, not the settings SPA', async () => {
    const page = await client.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('swagger-ui-bundle.js');
    for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css']) {
      const response = await fetch(`${app.url}${asset}`);
      expect(response.status, asset).toBe(200);
      await response.arrayBuffer();
    }
    expect((await client.get('/docs/yaml')).text).toContain('openapi: 3.');
    const unknown = await client.get('/docs/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.text).not.toContain('<div id="app">');
  });
});
