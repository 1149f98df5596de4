import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, type ModelList, type OpenAIErrorBody } from '@uniroute/shared';

/** OpenAPI description of the `error` object every failure carries (§5). */
export class ErrorDetailDto {
  @ApiProperty() message: string;
  @ApiProperty({ example: 'invalid_request_error' }) type: string;
  @ApiProperty({ enum: Object.keys(ERROR_CODES), nullable: true, type: String }) code: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The request field at fault, if any.' }) param: string | null;
}

/** OpenAPI description of `OpenAIErrorBody`: OpenAI's error shape, used by every endpoint. */
export class ErrorBodyDto implements OpenAIErrorBody {
  @ApiProperty({ type: ErrorDetailDto }) error: ErrorDetailDto;
}

/** One entry of `GET /v1/models`. */
export class ModelDto {
  @ApiProperty({ example: 'gpt-4o-mini' }) id: string;
  @ApiProperty({ enum: ['model'] }) object: 'model';
  @ApiProperty({ description: 'Unix seconds.' }) created: number;
  @ApiProperty({ example: 'openai' }) owned_by: string;
}

/** OpenAPI description of `ModelList`. */
export class ModelListDto implements ModelList {
  @ApiProperty({ enum: ['list'] }) object: 'list';
  @ApiProperty({ type: [ModelDto] }) data: ModelDto[];
}

/** A tool call the model asked for. */
export class ToolCallDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['function'] }) type: 'function';
  @ApiProperty({ type: 'object', properties: { name: { type: 'string' }, arguments: { type: 'string', description: 'JSON text.' } } })
  function: { name: string; arguments: string };
}

/** The assistant's answer in a `chat.completion`. */
export class ChatCompletionMessageDto {
  @ApiProperty({ enum: ['assistant'] }) role: 'assistant';
  @ApiProperty({ nullable: true, type: String }) content: string | null;
  @ApiPropertyOptional({ type: [ToolCallDto] }) tool_calls?: ToolCallDto[];
}

export class ChatCompletionChoiceDto {
  @ApiProperty() index: number;
  @ApiProperty({ type: ChatCompletionMessageDto }) message: ChatCompletionMessageDto;
  @ApiProperty({ enum: ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'] }) finish_reason: string;
}

export class CompletionUsageDto {
  @ApiProperty() prompt_tokens: number;
  @ApiProperty() completion_tokens: number;
  @ApiProperty() total_tokens: number;
}

/** OpenAPI description of OpenAI's `chat.completion` (the same for every provider behind UniRoute). */
export class ChatCompletionDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['chat.completion'] }) object: 'chat.completion';
  @ApiProperty({ description: 'Unix seconds.' }) created: number;
  @ApiProperty({ description: 'The model that answered.' }) model: string;
  @ApiProperty({ type: [ChatCompletionChoiceDto] }) choices: ChatCompletionChoiceDto[];
  @ApiPropertyOptional({ type: CompletionUsageDto }) usage?: CompletionUsageDto;
}
