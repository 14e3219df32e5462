// The worker thread of cli/tokenize-worker-node.ts: runs one untrusted tokenizer (@huggingface/tokenizers)
// so that the main thread can stop it when it runs past its time budget. Plain JavaScript because worker
// threads do not load TypeScript through tsx; the calls mirror engineOver in core/probe/tokenizer-engine.ts.
//
// Protocol: the main thread posts { op, args } on `port` and blocks on `flag` (Atomics.wait); the worker
// posts { value } or { error } on the same port, then sets flag[0] to 1 and notifies.
import { parentPort, workerData } from 'node:worker_threads';
import { Tokenizer } from '@huggingface/tokenizers';

const { port, flag: shared } = workerData;
const flag = new Int32Array(shared);
/** @type {Tokenizer | undefined} */
let tokenizer;

function run(op, args) {
  if (op === 'load') {
    const [tokenizerJson, tokenizerConfigJson] = args;
    // The main thread parsed both texts within bounds already (core/util/bounded-json.ts).
    tokenizer = new Tokenizer(JSON.parse(tokenizerJson), tokenizerConfigJson ? JSON.parse(tokenizerConfigJson) : {});
    return true;
  }
  if (!tokenizer) throw new Error('the tokenizer is not loaded');
  switch (op) {
    case 'encode': {
      const enc = tokenizer.encode(args[0], { add_special_tokens: args[1] });
      return { ids: enc.ids, tokens: enc.tokens };
    }
    case 'encodeMany':
      return args[0].map((text) => {
        const enc = tokenizer.encode(text, { add_special_tokens: args[1] });
        return { ids: enc.ids, tokens: enc.tokens };
      });
    case 'decode':
      return tokenizer.decode(args[0], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
    case 'idToToken':
      return tokenizer.id_to_token(args[0]);
    case 'tokenToId':
      return tokenizer.token_to_id(args[0]);
    case 'maxId': {
      let max = -1;
      for (const id of tokenizer.get_vocab(true).values()) max = Math.max(max, id);
      return max;
    }
    default:
      throw new Error(`unknown tokenizer call ${op}`);
  }
}

port.on('message', ({ op, args }) => {
  let reply;
  try {
    reply = { value: run(op, args) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
// Imports done and the port is listening: the main thread may start its blocking calls.
parentPort?.postMessage('ready');
