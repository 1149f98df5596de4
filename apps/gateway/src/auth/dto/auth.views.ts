import { ApiProperty } from '@nestjs/swagger';
import { REGISTRATION_MODES, USER_ROLES, type AuthResponse, type RegistrationInfo, type RegistrationMode, type UserRole, type UserView } from '@uniroute/shared';

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

/** OpenAPI description of `RegistrationInfo`. */
export class RegistrationInfoDto implements RegistrationInfo {
  @ApiProperty({ enum: REGISTRATION_MODES }) mode: RegistrationMode;
  @ApiProperty({ description: 'No account exists yet: the next registration needs no invitation and becomes the admin.' }) firstAccount: boolean;
}
