import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AdminUserPage, AdminUserView } from '@uniroute/shared';
import { AdminOnly } from '../auth/admin-only.decorator.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { AdminUsersService } from './admin-users.service.js';
import { AdminUserPageDto, AdminUserViewDto, ListUsersQueryDto, UpdateUserDto } from './dto/admin-users.dto.js';

const uuidPipe = new ParseUUIDPipe({ exceptionFactory: () => new GatewayError('not_found', 'No such user.', { param: 'id' }) });

/** Every account on the gateway, for admins (§12). */
@ApiTags('Admin: users')
@ApiBearerAuth('session')
@AdminOnly()
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly adminUsers: AdminUsersService) {}

  @Get()
  @ApiOkResponse({ type: AdminUserPageDto, description: 'Newest first.' })
  list(@Query() query: ListUsersQueryDto): Promise<AdminUserPage> {
    return this.adminUsers.list(query.limit, query.before);
  }

  @Patch(':id')
  @ApiOkResponse({ type: AdminUserViewDto })
  @ApiConflictResponse({ description: 'The last active admin cannot be demoted or disabled.' })
  update(@Param('id', uuidPipe) id: string, @Body() body: UpdateUserDto): Promise<AdminUserView> {
    return this.adminUsers.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with its keys and sessions; they stop working at once, on every replica.' })
  @ApiConflictResponse({ description: 'The last active admin cannot be deleted.' })
  async remove(@Param('id', uuidPipe) id: string): Promise<void> {
    await this.adminUsers.remove(id);
  }
}
