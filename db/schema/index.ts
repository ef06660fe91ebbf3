export * from './chat.ts';
export * from './filters.ts';
export * from './inventory.ts';
export * from './jobs.ts';
export * from './people.ts';
export * from './sourcing.ts';
export * from './tasks.ts';
export * from './watches.ts';
