import { closeSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';

export interface RotatingLog {
  write(chunk: Uint8Array): void;
  close(): void;
}

/**
 * An append-only log file that never outgrows `maxBytes`: past it, the file becomes `<path>.1` (replacing the
 * previous one) and a new file starts. Writes are synchronous, so what a failed start wrote can be read at once.
 */
export function createRotatingLog(path: string, maxBytes = 10 * 1024 * 1024): RotatingLog {
  let fd = openSync(path, 'a', 0o600);
  let size = fstatSync(fd).size;
  return {
    write(chunk) {
      if (fd < 0) return;
      if (size > 0 && size + chunk.byteLength > maxBytes) {
        closeSync(fd);
        renameSync(path, `${path}.1`);
        fd = openSync(path, 'w', 0o600);
        size = 0;
      }
      writeSync(fd, chunk);
      size += chunk.byteLength;
    },
    close() {
      if (fd < 0) return;
      closeSync(fd);
      fd = -1;
    },
  };
}
