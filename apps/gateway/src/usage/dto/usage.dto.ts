import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  KEY_SOURCES,
  PROVIDER_IDS,
  USAGE_ENDPOINTS,
  USAGE_GROUP_BY,
  USAGE_REPORT_MAX_GROUPS,
  USAGE_SPLIT_BY,
  type KeySource,
  type ProviderId,
  type UsageEndpoint,
  type UsageFigures,
  type UsageGroupBy,
  type UsageQuery,
  type UsageReport,
  type UsageRequestsPage,
  type UsageRequestsQuery,
  type UsageRequestView,
  type UsageRest,
  type UsageRow,
  type UsageSplitBy,
} from '@uniroute/shared';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Max, Min } from 'class-validator';

export const USAGE_REQUESTS_DEFAULT_LIMIT = 50;
export const USAGE_REQUESTS_MAX_LIMIT = 200;

/** `GET /admin/usage` query. */
export class UsageQueryDto implements UsageQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start (ISO 8601), rounded down to the hour. Default: 30 days before `to`.' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End (ISO 8601, exclusive), rounded up to the hour. Default: now. At most 400 days after `from`.' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;

  @ApiPropertyOptional({ enum: USAGE_GROUP_BY, default: 'day' })
  @IsOptional()
  @IsIn(USAGE_GROUP_BY, { message: `groupBy must be one of: ${USAGE_GROUP_BY.join(', ')}` })
  groupBy?: UsageGroupBy;

  @ApiPropertyOptional({
    enum: USAGE_SPLIT_BY,
    description: 'With groupBy=day or hour: each row also carries `split`, its figures per key source (own, team, server, request) that had traffic.',
  })
  @IsOptional()
  @IsIn(USAGE_SPLIT_BY, { message: `splitBy must be one of: ${USAGE_SPLIT_BY.join(', ')}` })
  splitBy?: UsageSplitBy;

  @ApiPropertyOptional({ format: 'uuid', description: "A team's usage, for its admins (§9). Anyone else gets 404." })
  @IsOptional()
  @IsUUID('all', { message: 'teamId must be a team id' })
  teamId?: string;
}

/** `GET /admin/usage/requests` query. */
export class UsageRequestsQueryDto implements UsageRequestsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: USAGE_REQUESTS_MAX_LIMIT, default: USAGE_REQUESTS_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(USAGE_REQUESTS_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: "The previous page's `next`." })
  @IsOptional()
  @IsUUID('all', { message: 'before must be a request id (the previous page’s next)' })
  before?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "A team's requests, for its admins (§9). Anyone else gets 404." })
  @IsOptional()
  @IsUUID('all', { message: 'teamId must be a team id' })
  teamId?: string;
}

/** OpenAPI description of `UsageFigures`. */
export class UsageFiguresDto implements UsageFigures {
  @ApiProperty() requests: number;
  @ApiProperty({ description: 'Requests answered with a 4xx/5xx (or an error event in a stream), 499 included.' }) errors: number;
  @ApiProperty({ description: "Prompt tokens as the provider reported them (cached included)." }) promptTokens: number;
  @ApiProperty() completionTokens: number;
  @ApiProperty({ description: 'Prompt tokens read from the provider cache.' }) cachedTokens: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Estimated from the @pydantic/genai-prices catalog; null when no request had a known price.' }) costUsd: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Median latency from an hourly histogram: exact to within its bucket (README › Usage).' }) p50LatencyMs: number | null;
}

/** OpenAPI description of `UsageRow`. */
export class UsageRowDto extends UsageFiguresDto implements UsageRow {
  @ApiProperty({ description: 'The day or hour (ISO instant, UTC), provider, model, API key id or key source.' }) key: string;
  @ApiPropertyOptional({ description: "An API key's name." }) label?: string;
  @ApiPropertyOptional({ type: () => [UsageRowDto], description: 'With splitBy=keySource: this day or hour per key source with traffic (`key` is the source), adding up to the row.' })
  split?: UsageRowDto[];
}

/** OpenAPI description of `UsageRest`. */
export class UsageRestDto extends UsageFiguresDto implements UsageRest {
  @ApiProperty({ description: 'How many groups are summed here.' }) groups: number;
}

/** OpenAPI description of `UsageReport`. */
export class UsageReportDto implements UsageReport {
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ enum: USAGE_GROUP_BY }) groupBy: UsageGroupBy;
  @ApiProperty({
    type: [UsageRowDto],
    description: `day/hour: every day or hour of the range in order, empty ones as zeros; otherwise the groups with traffic, most requests first, at most ${USAGE_REPORT_MAX_GROUPS}.`,
  })
  rows: UsageRowDto[];
  @ApiPropertyOptional({ type: () => UsageRestDto, description: `Only when there were more than ${USAGE_REPORT_MAX_GROUPS} groups: the others, summed.` })
  rest?: UsageRestDto;
  @ApiProperty({ type: UsageFiguresDto, description: 'Everything in the range, rest included.' }) totals: UsageFiguresDto;
}

/** OpenAPI description of `UsageRequestView`. */
export class UsageRequestViewDto implements UsageRequestView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: USAGE_ENDPOINTS }) endpoint: UsageEndpoint;
  @ApiProperty({ enum: PROVIDER_IDS }) provider: ProviderId;
  @ApiProperty({ nullable: true, type: String }) model: string | null;
  @ApiProperty() stream: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) apiKeyId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) teamId: string | null;
  @ApiProperty({ enum: KEY_SOURCES }) keySource: KeySource;
  @ApiProperty({ description: 'The stored key id, `server` or `request`.' }) keyId: string;
  @ApiProperty() status: number;
  @ApiProperty() latencyMs: number;
  @ApiProperty({ nullable: true, type: Number }) ttfbMs: number | null;
  @ApiProperty({ nullable: true, type: Number }) promptTokens: number | null;
  @ApiProperty({ nullable: true, type: Number }) completionTokens: number | null;
  @ApiProperty({ nullable: true, type: Number }) cachedTokens: number | null;
  @ApiProperty({ nullable: true, type: Number }) costUsd: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'The error code (e.g. rate_limited), never the provider message.' }) errorType: string | null;
}

/** OpenAPI description of `UsageRequestsPage`. */
export class UsageRequestsPageDto implements UsageRequestsPage {
  @ApiProperty({ type: [UsageRequestViewDto] }) requests: UsageRequestViewDto[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Pass as `before` for the next page; `null` on the last page.' })
  next: string | null;
}
