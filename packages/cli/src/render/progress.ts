/**
 * A one-line progress bar on a terminal: `[######------]  12/40  dir/foo.o`, redrawn in place and erased at
 * the end. Only ever written to stderr, and only when stderr is a terminal (the caller decides).
 */
export interface Progress {
  update(done: number, total: number, name: string): void;
  end(): void;
}

const WIDTH = 24;

export function terminalProgress(stream: NodeJS.WriteStream): Progress {
  let last = 0;
  let drawn = false;
  return {
    update(done, total, name) {
      const now = Date.now();
      if (done < total && now - last < 50) return; // at most 20 redraws a second
      last = now;
      const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
      const count = `${String(done).padStart(String(total).length)}/${total}`;
      const room = Math.max(0, (stream.columns ?? 80) - WIDTH - count.length - 6);
      const label = name.length > room ? `…${name.slice(name.length - room + 1)}` : name;
      stream.write(`\r\x1b[K[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${count}  ${label}`);
      drawn = true;
    },
    end() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}
