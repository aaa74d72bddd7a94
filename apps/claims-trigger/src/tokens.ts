export const DATABASE = Symbol('DATABASE');
export const CONFIG = Symbol('CONFIG');
