import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { UsageReport, UsageRequestsPage } from '@uniroute/shared';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { UsageQueryDto, UsageReportDto, UsageRequestsPageDto, UsageRequestsQueryDto } from './dto/usage.dto.js';
import { UsageQueryService } from './usage-query.service.js';

/** Usage analytics (§10): the caller's own gateway traffic, or a team's for its admins. */
@ApiTags('Usage')
@ApiBearerAuth('session')
@Controller('admin/usage')
export class UsageController {
  constructor(private readonly usage: UsageQueryService) {}

  @Get()
  @ApiOkResponse({
    type: UsageReportDto,
    description:
      'Requests, errors, tokens, estimated cost and median latency per day, hour, provider, model, API key or key source, and their totals. A provider card\'s "last 24 h" and "30 days" are `groupBy=provider` with `from` = now − 24 h and now − 30 days.',
  })
  async report(@CurrentPrincipal() principal: Principal, @Query() query: UsageQueryDto): Promise<UsageReport> {
    const scope = await this.usage.scopeFor(principal, query.teamId);
    return this.usage.report(scope, query);
  }

  @Get('requests')
  @ApiOkResponse({ type: UsageRequestsPageDto, description: 'The latest gateway requests, newest first. Never a key, a prompt or a provider message.' })
  async requests(@CurrentPrincipal() principal: Principal, @Query() query: UsageRequestsQueryDto): Promise<UsageRequestsPage> {
    const scope = await this.usage.scopeFor(principal, query.teamId);
    return this.usage.requests(scope, query.limit, query.before);
  }
}
