import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { USER_ROLES, type AdminUserPage, type AdminUserView, type UpdateUserRequest, type UserRole } from '@uniroute/shared';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export const ADMIN_USERS_DEFAULT_LIMIT = 50;
export const ADMIN_USERS_MAX_LIMIT = 100;

/** `GET /admin/users` query. */
export class ListUsersQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: ADMIN_USERS_MAX_LIMIT, default: ADMIN_USERS_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(ADMIN_USERS_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: "The previous page's `nextCursor`." })
  @IsOptional()
  @IsUUID('all', { message: 'before must be a user id (the previous page’s nextCursor)' })
  before?: string;
}

/** `PATCH /admin/users/:id` body. */
export class UpdateUserDto implements UpdateUserRequest {
  @ApiPropertyOptional({ description: 'true: the user’s sessions and API keys stop working at once, on every replica.' })
  @IsOptional()
  @IsBoolean({ message: 'disabled must be true or false' })
  disabled?: boolean;

  @ApiPropertyOptional({ enum: USER_ROLES })
  @IsOptional()
  @IsIn(USER_ROLES, { message: `role must be one of: ${USER_ROLES.join(', ')}` })
  role?: UserRole;
}

/** OpenAPI description of `AdminUserView`. */
export class AdminUserViewDto implements AdminUserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ enum: USER_ROLES }) role: UserRole;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastLoginAt: string | null;
}

/** OpenAPI description of `AdminUserPage`. */
export class AdminUserPageDto implements AdminUserPage {
  @ApiProperty({ type: [AdminUserViewDto] }) data: AdminUserViewDto[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Pass as `before` for the next page; `null` on the last page.' })
  nextCursor: string | null;
}
