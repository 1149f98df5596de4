import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, type AuthResponse, type UserRole, type UserView } from '@uniroute/shared';

/** OpenAPI description of `UserView`. */
export class UserViewDto implements UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email' }) email: string;
  @ApiProperty({ enum: USER_ROLES }) role: UserRole;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** OpenAPI description of `AuthResponse`. */
export class AuthResponseDto implements AuthResponse {
  @ApiProperty({ type: UserViewDto }) user: UserViewDto;
  @ApiProperty({ description: 'Session JWT: send as `Authorization: Bearer <token>`.' }) accessToken: string;
  @ApiProperty({ description: 'Seconds until the token expires.' }) expiresIn: number;
}
