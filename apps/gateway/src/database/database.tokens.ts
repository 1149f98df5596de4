/** Injection token of the `DatabaseHandle` the app was started with. */
export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');
