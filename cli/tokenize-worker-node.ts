import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  stepName,
  TOKENIZER_BUDGET_MS,
  TokenizerBudgetError,
  type EncodeResult,
  type TokenizerEngine,
  type TokenizerEngineFactory,
  type TokenizerSource,
} from '../core/probe/tokenizer-engine.ts';

/**
 * A tokenizer engine for the CLI: @huggingface/tokenizers runs in a worker thread (cli/tokenize-worker.mjs)
 * and the main thread waits for each call with Atomics.wait, so ProbeTokenizer keeps its synchronous API.
 * All calls of one tokenizer share one time budget (TOKENIZER_BUDGET_MS by default); the wait that runs it
 * out terminates the worker (V8 stops even a regular expression that is backtracking) and throws
 * TokenizerBudgetError, which the caller reports as MG-BEH-006 (tokenizerBudgetOutcome).
 */

export interface WorkerEngineOptions {
  /** Total milliseconds for loading and every call; TOKENIZER_BUDGET_MS when not given. */
  budgetMs?: number;
  /** The model folder, named in the error and the finding. */
  folder?: string;
}

const WORKER_URL = new URL('./tokenize-worker.mjs', import.meta.url);

interface Reply<T> {
  value?: T;
  error?: string;
}

/** A worker left unreachable without close() (a run that threw) is terminated when it is collected. */
const orphans = new FinalizationRegistry<Worker>((worker) => void worker.terminate());

/** `loadBehaviorSide({ …, tokenizerEngine: workerTokenizerEngine({ folder: dir }) })`. */
export function workerTokenizerEngine(options: WorkerEngineOptions = {}): TokenizerEngineFactory {
  return (source) => WorkerEngine.start(source, options.budgetMs ?? TOKENIZER_BUDGET_MS, options.folder);
}

/** A cell nobody notifies: Atomics.wait on it is a 1 ms sleep of this thread. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

class WorkerEngine implements TokenizerEngine {
  private used = 0;
  private failed: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly flag: Int32Array,
    private readonly budgetMs: number,
    private readonly file: string,
    private readonly folder: string | undefined,
  ) {
    orphans.register(this, worker, this);
  }

  static async start(source: TokenizerSource, budgetMs: number, folder: string | undefined): Promise<WorkerEngine> {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    const started = performance.now();
    const worker = new Worker(WORKER_URL, { workerData: { port: port2, flag: flag.buffer }, transferList: [port2] });
    // Neither may keep the CLI running once the run is over.
    worker.unref();
    port1.unref();
    // Starting is waited for with events (a worker that fails to load reports it), under the same budget.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new TokenizerBudgetError(source.file, budgetMs, 'starting', folder));
      }, budgetMs);
      const done = (fn: () => void) => {
        clearTimeout(timer);
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        fn();
      };
      const onMessage = () => done(resolve);
      const onError = (error: Error) =>
        done(() => reject(new Error(`${source.file}: the tokenizer worker failed to start (${error.message})`)));
      const onExit = (code: number) =>
        done(() => reject(new Error(`${source.file}: the tokenizer worker exited with code ${code}`)));
      worker.once('message', onMessage).once('error', onError).once('exit', onExit);
    });
    const engine = new WorkerEngine(worker, port1, flag, budgetMs, source.file, folder);
    engine.used = performance.now() - started;
    try {
      engine.call('load', [source.tokenizerJson, source.tokenizerConfigJson], 'loading');
    } catch (error) {
      engine.close();
      if (error instanceof TokenizerBudgetError) throw error;
      // The library's messages ('Tokenizer must contain a "decoder" property') do not name the file.
      throw new Error(`${source.file}: ${(error as Error).message}`, { cause: error });
    }
    return engine;
  }

  /**
   * The worker raises the flag after posting its reply, but a message crosses threads on its own schedule: on
   * a loaded machine the flag can be seen before the reply is on the port. Wait for it within the budget.
   */
  private receive<T>(step: string): Reply<T> | undefined {
    for (;;) {
      const reply = receiveMessageOnPort(this.port)?.message as Reply<T> | undefined;
      if (reply) return reply;
      const t0 = performance.now();
      Atomics.wait(PAUSE, 0, 0, 1);
      this.used += performance.now() - t0;
      if (this.used >= this.budgetMs) this.expire(step);
    }
  }

  private call<T>(op: string, args: unknown[], step: string): T {
    if (this.failed) throw this.failed;
    const remaining = this.budgetMs - this.used;
    if (remaining <= 0) this.expire(step);
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ op, args });
    const t0 = performance.now();
    const woke = Atomics.wait(this.flag, 0, 0, remaining);
    this.used += performance.now() - t0;
    if (woke === 'timed-out') this.expire(step);
    const reply = this.receive<T>(step);
    if (!reply) throw new Error(`${this.file}: the tokenizer worker did not answer ${op}`);
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.value as T;
  }

  private expire(step: string): never {
    this.failed = new TokenizerBudgetError(this.file, this.budgetMs, step, this.folder);
    this.stop();
    throw this.failed;
  }

  private stop(): void {
    orphans.unregister(this);
    this.port.close();
    void this.worker.terminate();
  }

  encode(text: string, addSpecialTokens: boolean): EncodeResult {
    return this.call('encode', [text, addSpecialTokens], stepName('encoding', text));
  }

  encodeMany(texts: readonly string[], addSpecialTokens: boolean): EncodeResult[] {
    return this.call('encodeMany', [texts, addSpecialTokens], stepName('encoding', texts[0] ?? ''));
  }

  decode(ids: number[]): string {
    return this.call('decode', [ids], 'decoding');
  }

  idToToken(id: number): string | undefined {
    return this.call('idToToken', [id], 'looking up a token');
  }

  tokenToId(token: string): number | undefined {
    return this.call('tokenToId', [token], 'looking up a token');
  }

  maxId(): number {
    return this.call('maxId', [], 'reading the vocabulary');
  }

  close(): void {
    if (this.failed) return;
    this.failed = new Error(`${this.file}: the tokenizer was closed`);
    this.stop();
  }
}
