/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never in pipes or CI). */
export interface Progress {
  update(label: string, percent: number): void;
  done(): void;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = '';
  return {
    update(label, percent) {
      const p = Math.max(0, Math.min(100, percent));
      const width = 30;
      const filled = Math.round((p / 100) * width);
      const text = `${label.padEnd(24).slice(0, 24)} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${p < 0 ? '…' : `${p.toFixed(0)}%`}`;
      if (text !== last) stream.write(`\r${text}`);
      last = text;
    },
    done() {
      if (last) stream.write('\r\x1b[2K');
      last = '';
    },
  };
}
