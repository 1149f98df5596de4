export * from './providers.js';
export * from './errors.js';
export * from './dto/auth.js';
export * from './dto/admin-users.js';
export * from './dto/api-key.js';
export * from './dto/provider-key.js';
export * from './openai/chat-completion.js';
export * from './dto/audit.js';
