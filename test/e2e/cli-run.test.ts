import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bodegaBin, childEnv, runBodega, startBodegaProcess, useTempDataDirs } from '../helpers/cli.ts';

const freshDataDir = useTempDataDirs();

describe('bodega run', () => {
  it('prints the Spanish help for the owner on a fresh data directory, and suggests /ayuda for /ayda', async () => {
    const dataDir = await freshDataDir();
    const help = await runBodega(['run', '/ayuda'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Comandos que puedes usar');
    expect(help.stdout).toContain('/invitar — Crea un código de invitación');

    // Even at LOG_LEVEL=info, stdout holds only the reply, and stderr only warnings and worse.
    const typo = await runBodega(['run', '/ayda'], { DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    expect(typo.code).toBe(1);
    expect(typo.stdout).toBe('No conozco el comando /ayda. ¿Quisiste decir /ayuda?\n');
    expect(typo.stderr).not.toContain('embedded postgres ready');
  });

  it('prints the owner code only when a chat platform is configured, the same code on every start until used', async () => {
    const dataDir = await freshDataDir();
    const alone = await startBodegaProcess({ dataDir });
    expect(alone.output()).toContain('no hay ninguna plataforma de chat configurada');
    expect(alone.output()).not.toMatch(/\/inicio [A-Z2-9]{4}-[A-Z2-9]{4}/);
    expect(await alone.stop()).toBe(0);
    // A Telegram that does not answer: start goes on, setting it up in the background.
    const telegram = { TELEGRAM_BOT_TOKEN: '123456:test-token', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' };
    const codeIn = (output: string) => output.match(/\/inicio ([A-Z2-9]{4}-[A-Z2-9]{4})/)?.[1];
    const first = await startBodegaProcess({ dataDir, env: telegram });
    const code = codeIn(first.output());
    expect(code).toBeDefined();
    expect(await first.stop()).toBe(0);
    const second = await startBodegaProcess({ dataDir, env: telegram });
    try {
      expect(codeIn(second.output())).toBe(code);
      expect(second.output()).not.toContain('ya no sirve');
      const invite = await runBodega(['run', '/invitar staff'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
      expect(invite.code).toBe(0);
      expect(invite.stdout).toMatch(/Código de invitación para personal: [A-Z2-9]{4}-[A-Z2-9]{4}/);
      const users = await runBodega(['run', '/users'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn', BODEGA_LOCALE: 'en' });
      expect(users.stdout).toContain('console:owner');
      // Commands of bodega run count in the running server's /metrics.
      const metrics = await (await fetch(`${second.url}/metrics`)).text();
      expect(metrics).toContain('bodega_console_commands_total{command="invite",platform="console",outcome="ok"} 1');
      expect(metrics).toContain('bodega_console_commands_total{command="users",platform="console",outcome="ok"} 1');
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('creates a storefront API key shown once, and verifies stock against the ledger', async () => {
    const dataDir = await freshDataDir();
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const key = await runBodega(['apikey', 'create', 'web shop'], env);
    expect(key.code).toBe(0);
    expect(key.stdout.trim()).toMatch(/^bdg_[A-Za-z0-9_-]{32}$/);
    expect(key.stderr).toContain('no se vuelve a mostrar');
    await runBodega(['run', '/producto agregar CLI-1 Taza precio:10 stock:3'], env);
    // Two separate runs of the same line are two changes, not a retried one.
    await runBodega(['run', '/stock agregar CLI-1 2'], env);
    const again = await runBodega(['run', '/stock agregar CLI-1 2'], env);
    expect(again.stdout).toContain('total 7');
    const verify = await runBodega(['stock', 'verify'], env);
    expect([verify.code, verify.stdout.trim()]).toEqual([0, 'El stock cuadra con el historial y las reservas.']);
    expect((await runBodega(['apikey', 'create'], env)).code).toBe(1);
  });

  it('holds an interactive chat as the owner until /salir', async () => {
    const dataDir = await freshDataDir();
    const child = spawn(process.execPath, [bodegaBin, 'chat'], {
      env: childEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stdin.write('/ayuda invitar\n/idioma en\n/hepl\n/salir\n');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output).toContain('Hola. Estás en la tienda como dueño. Escribe /ayuda para ver lo que puedes hacer');
    expect(output).toContain('bodega> ');
    expect(output).toContain('Uso:\n/invitar <lector|personal|administrador|dueño>');
    expect(output).toContain("Done, I'll write to you in English.");
    expect(output).toContain("I don't know the command /hepl. Did you mean /help?");
    expect(output).not.toContain('embedded postgres');
  });

  it('lists and runs scheduled jobs', async () => {
    const dataDir = await freshDataDir();
    const run = await runBodega(['job', 'run', 'prune-chat-state'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('prune-chat-state: completada');
    const list = await runBodega(['job', 'list'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    expect(list.stdout).toMatch(/prune-chat-state\s+17 3 \* \* \*\s+próxima: .+ · última: completada el /);
    expect(list.stdout).toMatch(/release-expired-reservations\s+\*\/5 \* \* \* \*\s+próxima: .+ · última: nunca/);
    const unknown = await runBodega(['job', 'run', 'nope'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    expect(unknown.code).toBe(1);
  });
});
