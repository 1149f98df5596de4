/** `data: <json>` followed by a blank line: OpenAI's framing. */
export function dataEvent(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** `event: <name>` plus `data: <json>`: Anthropic's framing, where every event is named. */
export function namedEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** `data: <json>` ended by CRLF CRLF, the line ending Google's SSE endpoints use. */
export function crlfDataEvent(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}
