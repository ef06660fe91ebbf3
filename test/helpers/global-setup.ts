import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { connect } from '../../db/client.ts';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../db/embedded.ts';
import { applyMigrations } from '../../db/migrate.ts';
import { databaseUrl, quietLog } from './database-url.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
  }
}

/** One Postgres for the whole run (embedded unless TEST_DATABASE_URL is set) and a migrated template database. */
export default async function setup(project: TestProject) {
  let server: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    dataDir = await mkdtemp(join(tmpdir(), 'bodega-test-pg-'));
    server = await startEmbeddedPostgres({ dataDir, log: quietLog });
    adminUrl = server.url;
  }
  const templateDatabase = `bodega_template_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const teardown = async () => {
    await admin.unsafe(`drop database if exists ${templateDatabase} with (force)`).catch(() => undefined);
    await admin.end();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await admin.unsafe(`drop database if exists ${templateDatabase}`);
    await admin.unsafe(`create database ${templateDatabase}`);
    const template = connect(databaseUrl(adminUrl, templateDatabase), 'external', 1);
    await applyMigrations(template).finally(() => template.close());
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', templateDatabase);
  return teardown;
}
