/**
 * The OpenAI Responses API shapes (`/v1/responses`, §11), taken from the official `openai` SDK. The
 * gateway relays them as bytes; these types name what its tests, docs and usage seam read.
 */
export type { Response, ResponseCreateParams, ResponseStreamEvent, ResponseUsage } from 'openai/resources/responses/responses';
