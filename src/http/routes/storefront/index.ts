export { storefrontOpenApi } from './openapi.ts';
export { storefrontRoutes } from './routes.ts';
