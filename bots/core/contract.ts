// The conversation every adapter must hold. Each platform's test builds a harness that talks to the
// adapter the way the platform does (real HTTP for real platforms) and reports what the user sees.
import { describe, expect, it } from 'vitest';
import { LONG_REPLY_LINES, longReplyText } from './contract-commands.ts';

export interface Seen {
  /** Every text message the user received, in order (progress edits excluded). */
  texts: string[];
  /** Progress shown for a long job (edits in place, or lines where the platform cannot edit). */
  progress: string[];
  files: Array<{ filename: string; data: Buffer }>;
  buttons: Array<{ label: string }>;
}

export interface ContractHarness {
  /** Sends a message as the owner (default) or as a linked viewer; resolves once everything it caused has arrived. */
  say(message: string, options?: { as?: 'owner' | 'viewer' }): Promise<Seen>;
  /** Presses the button with this label on the last message that had buttons. */
  press(label: string): Promise<Seen>;
  /** The platform's longest message, to check splitting. */
  maxLength: number;
  close(): Promise<void>;
}

const all = (seen: Seen) => seen.texts.join('\n');

/** Runs the shared conversation against one adapter. */
export function adapterContract(name: string, harness: () => ContractHarness) {
  describe(`${name} adapter contract`, () => {
    it('answers help in Spanish by default, listing what the user may run', async () => {
      const seen = await harness().say('/ayuda');
      expect(all(seen)).toContain('Comandos que puedes usar');
      expect(all(seen)).toContain('/invitar');
    });

    it('suggests the closest command for a typo', async () => {
      const seen = await harness().say('/ayda');
      expect(all(seen)).toContain('No conozco el comando /ayda.');
      expect(all(seen)).toContain('¿Quisiste decir /ayuda?');
    });

    it('explains bad arguments with the usage line and changes nothing', async () => {
      const seen = await harness().say('/invitar jefe');
      expect(all(seen)).toContain('El rol debe ser lector, personal, administrador o dueño.');
      expect(all(seen)).toContain('Uso: /invitar <lector|personal|administrador|dueño>');
    });

    it('refuses a command above the user role without revealing its data', async () => {
      const seen = await harness().say('/staffonly', { as: 'viewer' });
      expect(all(seen)).toContain('Tu rol no permite usar /staffonly.');
      expect(all(seen)).not.toContain('secret staff data');
    });

    it('splits a long reply over several messages without losing anything', async () => {
      const seen = await harness().say('/longreply');
      expect(seen.texts.length).toBeGreaterThan(1);
      for (const message of seen.texts) expect(message.length).toBeLessThanOrEqual(harness().maxLength);
      const received = all(seen);
      for (let line = 1; line <= LONG_REPLY_LINES; line++) {
        expect(received).toContain(
          `línea ${String(line).padStart(3, '0')} 🚀 ñandú “comillas” <b>no es html</b> & más`,
        );
      }
      expect(received.replace(/\s+/g, '')).toContain(longReplyText.replace(/\s+/g, ''));
    });

    it('delivers a file reply as a file', async () => {
      const seen = await harness().say('/getfile');
      expect(seen.files.map((f) => f.filename)).toEqual(['contract.csv']);
      expect(seen.files[0]?.data.toString()).toBe('sku,qty\nA-1,3\n');
    });

    it('pages with buttons that re-enter the command', async () => {
      const first = await harness().say('/pages');
      expect(all(first)).toContain('page 1');
      expect(first.buttons.map((b) => b.label)).toEqual(['next ▶']);
      const second = await harness().press('next ▶');
      expect(all(second)).toContain('page 2');
      expect(second.buttons.map((b) => b.label)).toEqual(['◀ prev', 'next ▶']);
    });

    it('acknowledges a long job at once, shows progress and delivers the result', async () => {
      const seen = await harness().say('/slow');
      expect(seen.texts[0]).toMatch(/Trabajando en ello \(tarea #\d+\)/);
      expect(seen.progress.some((line) => line.includes('step 1/3'))).toBe(true);
      expect(all(seen)).toContain('slow result: 3 steps done');
    });
  });
}
