// "Who may import whom" from ARCHITECTURE.md, checked on every `npm test`.
const platformSdks = '^node_modules/(grammy|@grammyjs|discord\\.js|@discordjs|whatsapp-web\\.js|puppeteer)';

const tests = '\\.test\\.ts$';

/** Tests may reach across layers to build what they check; the rules hold for production code. */
const forProductionCode = (rule) => ({
  ...rule,
  from: { ...rule.from, pathNot: [rule.from.pathNot, tests].filter(Boolean).flat() },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'db-imports-nothing-of-ours',
      comment: 'db/ is the bottom layer.',
      severity: 'error',
      from: { path: '^db/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(src|bots|jobs|test|bench)/' },
    },
    {
      name: 'domain-stays-platform-free',
      comment: 'Domain services know no chat, HTTP, command, job or platform code.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: ['^src/(chat|commands|http|i18n|main|cli)', '^bots/', '^jobs/', platformSdks, '^node_modules/hono'] },
    },
    {
      name: 'domain-areas-meet-through-index',
      comment: 'One area reaches another only through its index.ts.',
      severity: 'error',
      from: { path: '^src/domain/([^/]+)/' },
      to: { path: '^src/domain/([^/]+)/.+', pathNot: ['^src/domain/$1/', '^src/domain/[^/]+/index\\.ts$'] },
    },
    {
      name: 'commands-use-domain-chat-i18n',
      comment: 'Commands hold no SQL and no platform code.',
      severity: 'error',
      from: { path: '^src/commands/' },
      to: { path: ['^db/', '^src/(http|main|cli)', '^bots/', '^jobs/', platformSdks, '^node_modules/hono'] },
    },
    {
      name: 'chat-is-platform-neutral',
      severity: 'error',
      from: { path: '^src/chat/' },
      to: { path: ['^src/(commands|http|main|cli)', '^bots/', '^jobs/', platformSdks, '^node_modules/hono'] },
    },
    {
      name: 'bots-stay-in-their-lane',
      comment: 'An adapter uses bots/core, src/chat, the command registry and its own SDK.',
      severity: 'error',
      from: { path: '^bots/([^/]+)/' },
      to: { path: ['^src/domain/', '^src/http/', '^jobs/', '^db/'] },
    },
    {
      name: 'no-platform-imports-another',
      severity: 'error',
      from: { path: '^bots/([^/]+)/' },
      to: { path: '^bots/([^/]+)/', pathNot: ['^bots/$1/', '^bots/core/'] },
    },
    {
      name: 'jobs-use-domain-and-chat',
      comment: 'Jobs reach the database only through domain and chat services.',
      severity: 'error',
      from: { path: '^jobs/' },
      to: { path: ['^db/', '^src/(commands|http|main|cli)', '^bots/'] },
    },
    {
      name: 'http-serves-domain',
      comment: 'Webhook handlers and the database state are handed to http by main.ts; SQL lives in the domain.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: ['^db/', '^src/(commands|chat|main|cli)', '^bots/', '^jobs/'] },
    },
    {
      name: 'only-the-roots-import-everything',
      severity: 'error',
      from: { pathNot: '^src/(main|cli|bodega|console-session)\\.(ts|js)$|\\.test\\.ts$|^test/|^bench/' },
      to: { path: '^src/(main|cli)\\.ts$' },
    },
    {
      name: 'nothing-imports-test',
      severity: 'error',
      from: { path: '^(src|bots|jobs|db)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      comment: 'Type-only cycles (a context type naming the registry and back) erase at run time and are allowed.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ].map(forProductionCode),
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
