import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startStream, writeWithBackpressure } from './sse.js';

/** A server whose one handler is `handle`, and a request to it that resolves with the response head. */
async function serve(handle: (response: ServerResponse) => void): Promise<{ head: Promise<IncomingMessage>; server: http.Server }> {
  const server = http.createServer((_request, response) => handle(response));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const head = new Promise<IncomingMessage>((resolve, reject) => http.get({ port, host: '127.0.0.1', agent: false }, resolve).on('error', reject));
  return { head, server };
}

async function bodyOf(response: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of response) body += String(chunk);
  return body;
}

describe(startStream.name, () => {
  let server: http.Server | undefined;
  let pending: ServerResponse | undefined;
  afterEach(async () => {
    pending?.end();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('sends the status and headers on their own when the first bytes are slow, so the client knows the stream is accepted', async () => {
    const started = await serve((response) => {
      pending = response;
      startStream(response, 200, { 'content-type': 'text/event-stream' }); // and no bytes yet
    });
    server = started.server;

    const head = await Promise.race([started.head, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2_000))]);

    expect(head?.statusCode).toBe(200);
    expect(head?.headers['content-type']).toBe('text/event-stream');
  });

  it('sends them with the first bytes when those come at once', async () => {
    const started = await serve((response) => {
      startStream(response, 201, { 'content-type': 'text/event-stream' });
      response.write('data: 1\n\n');
      response.end();
    });
    server = started.server;

    const head = await started.head;
    const body = await bodyOf(head);

    expect(head.statusCode).toBe(201);
    expect(body).toBe('data: 1\n\n');
  });

  it('writes the head, the chunks and the end that come in one turn of the event loop in one socket write', async () => {
    let socketWrites = 0;
    const started = await serve((response) => {
      const socket = response.socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
      const prototype = Object.getPrototypeOf(socket) as typeof socket;
      for (const method of ['_write', '_writev'] as const) {
        vi.spyOn(socket, method).mockImplementation(function (this: unknown, ...args: unknown[]) {
          socketWrites += 1;
          return prototype[method].apply(this, args);
        });
      }
      startStream(response, 200, { 'content-type': 'text/event-stream' });
      void (async () => {
        await writeWithBackpressure(response, 'data: 1\n\n');
        await writeWithBackpressure(response, Buffer.from('data: 2\n\n'));
        response.end();
      })();
    });
    server = started.server;

    const head = await started.head;
    const body = await bodyOf(head);

    expect(body).toBe('data: 1\n\ndata: 2\n\n');
    expect(socketWrites).toBe(1);
  });

  it('refuses at once to write to a response whose client has gone, instead of waiting for a close that has been', async () => {
    let written: Promise<unknown> | undefined;
    const started = await serve((response) => {
      startStream(response, 200, { 'content-type': 'text/event-stream' });
      response.on('close', () => {
        written = writeWithBackpressure(response, 'data: late\n\n').then(
          () => 'resolved',
          (error: unknown) => (error as Error).constructor.name,
        );
      });
    });
    server = started.server;
    const head = await started.head;
    head.destroy();
    for (let waited = 0; !written && waited < 2_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));

    expect(await Promise.race([written, new Promise((resolve) => setTimeout(resolve, 1_000, 'still waiting'))])).toBe('ClientAbortedError');
  });
});
