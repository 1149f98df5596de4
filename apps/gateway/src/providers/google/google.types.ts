import type { Content, GenerationConfig } from '@google/genai';
import { z } from 'zod';

/**
 * A JSON schema in the OpenAPI 3.0 subset Gemini accepts (see `to-google-schema.ts`). Plain JSON: the SDK's `Schema`
 * uses a TypeScript enum for `type`, which a wire object cannot name without importing the SDK at runtime.
 * @see https://ai.google.dev/api/caching#Schema
 */
export type GoogleSchema = { [key: string]: unknown };

/** One callable function offered to the model. @see https://ai.google.dev/api/caching#FunctionDeclaration */
export interface GoogleFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GoogleSchema;
}

/** Whether and which functions the model may call. @see https://ai.google.dev/api/caching#FunctionCallingConfig */
export interface GoogleFunctionCallingConfig {
  mode: 'AUTO' | 'ANY' | 'NONE';
  allowedFunctionNames?: string[];
}

/**
 * How much Gemini thinks and whether it returns thought summaries: `thinkingBudget` for Gemini 2.5, `thinkingLevel`
 * for Gemini 3 (never both: Google answers 400). Plain strings for the level, as with `GoogleSchema`.
 * @see https://ai.google.dev/api/generate-content#ThinkingConfig
 */
export interface GoogleThinkingConfig {
  includeThoughts?: boolean;
  thinkingBudget?: number;
  thinkingLevel?: string;
}

/** The generation settings UniRoute sets. @see https://ai.google.dev/api/generate-content#generationconfig */
export interface GoogleGenerationConfig
  extends Pick<
    GenerationConfig,
    | 'maxOutputTokens'
    | 'temperature'
    | 'topP'
    | 'stopSequences'
    | 'candidateCount'
    | 'presencePenalty'
    | 'frequencyPenalty'
    | 'seed'
    | 'responseMimeType'
  > {
  responseSchema?: GoogleSchema;
  thinkingConfig?: GoogleThinkingConfig;
}

/**
 * The `generateContent` / `streamGenerateContent` request body.
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export interface GoogleGenerateContentRequest {
  contents: Content[];
  systemInstruction?: Content;
  tools?: Array<{ functionDeclarations: GoogleFunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: GoogleFunctionCallingConfig };
  generationConfig?: GoogleGenerationConfig;
}

/**
 * The parts UniRoute reads: text, thought summaries (`thought: true`) and function calls with their thought signatures.
 * @see https://ai.google.dev/api/caching#Part
 * @see https://ai.google.dev/gemini-api/docs/thinking#summaries
 */
const googlePartSchema = z.object({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  functionCall: z
    .object({ name: z.string(), args: z.record(z.string(), z.unknown()).nullish(), id: z.string().nullish() })
    .nullish(),
});

/** Token counts of a response. @see https://ai.google.dev/api/generate-content#UsageMetadata */
export const googleUsageSchema = z.object({
  promptTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  toolUsePromptTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  totalTokenCount: z.number().nullish(),
});

/** Gemini usage as read from a response or a stream event. */
export type GoogleUsage = z.infer<typeof googleUsageSchema>;

/** One generated answer. @see https://ai.google.dev/api/generate-content#candidate */
export const googleCandidateSchema = z.object({
  index: z.number().nullish(),
  content: z.object({ parts: z.array(googlePartSchema).nullish() }).nullish(),
  finishReason: z.string().nullish(),
});

/** One Gemini candidate as read. */
export type GoogleCandidate = z.infer<typeof googleCandidateSchema>;

/**
 * A whole response, and also each `data:` event of `streamGenerateContent?alt=sse` (which may instead carry `error`).
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
export const googleResponseSchema = z.object({
  candidates: z.array(googleCandidateSchema).nullish(),
  promptFeedback: z.object({ blockReason: z.string().nullish() }).nullish(),
  usageMetadata: googleUsageSchema.nullish(),
  modelVersion: z.string().nullish(),
  responseId: z.string().nullish(),
});

/**
 * Google's error body (`google.rpc.Status`); `details` carries `ErrorInfo.reason` (e.g. `API_KEY_INVALID`) and
 * `RetryInfo.retryDelay` (e.g. `"29s"`).
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 * @see https://cloud.google.com/apis/design/errors#error_model
 */
export const googleErrorSchema = z.object({
  code: z.number().nullish(),
  message: z.string().nullish(),
  status: z.string().nullish(),
  details: z
    .array(z.object({ '@type': z.string().nullish(), reason: z.string().nullish(), retryDelay: z.string().nullish() }))
    .nullish(),
});

/** The error body of a failed call. */
export const googleErrorBodySchema = z.object({ error: googleErrorSchema.nullish() });

/** `models.list`: the names, with their `models/` prefix, and what each can do. @see https://ai.google.dev/api/models#method:-models.list */
export const googleModelListSchema = z.object({
  models: z
    .array(z.object({ name: z.string(), supportedGenerationMethods: z.array(z.string()).nullish() }))
    .nullish(),
});
