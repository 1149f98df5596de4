import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, AUDIT_PAGE_DEFAULT_LIMIT, AUDIT_PAGE_MAX_LIMIT, PROVIDER_IDS, type AuditAction, type AuditDetail, type AuditEventView, type AuditOutcome, type AuditPage, type ProviderId } from '@uniroute/shared';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

/** `GET /admin/audit` query. */
export class ListAuditQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: AUDIT_PAGE_MAX_LIMIT, default: AUDIT_PAGE_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(AUDIT_PAGE_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: "The previous page's `next`." })
  @IsOptional()
  @IsUUID('all', { message: 'before must be an event id (the previous page’s next)' })
  before?: string;
}

class AuditActorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email' }) email: string;
}

/** OpenAPI description of `AuditEventView`. */
export class AuditEventViewDto implements AuditEventView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: AuditActorDto }) actor: AuditActorDto;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action: AuditAction;
  @ApiPropertyOptional({ enum: PROVIDER_IDS }) provider?: ProviderId;
  @ApiPropertyOptional({ format: 'uuid' }) teamId?: string;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome: AuditOutcome;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Secret-free facts: states, statuses, policy names.' }) detail: AuditDetail;
}

/** OpenAPI description of `AuditPage`. */
export class AuditPageDto implements AuditPage {
  @ApiProperty({ type: [AuditEventViewDto] }) events: AuditEventViewDto[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Pass as `before` for the next page; `null` on the last page.' })
  next: string | null;
}
