import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuditPage } from '@uniroute/shared';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { AuditService } from './audit.service.js';
import { AuditPageDto, ListAuditQueryDto } from './dto/audit.dto.js';

/** The caller's own audit log (§8); team events join it with teams (§9). */
@ApiTags('Audit log')
@ApiBearerAuth('session')
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditPageDto, description: 'Newest first: key, policy, health, API-key and sign-in events. Never a key or a password.' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAuditQueryDto): Promise<AuditPage> {
    return this.audit.list(principal.userId, query.limit, query.before);
  }
}
