import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyTarget, isDottedPath } from './hydra-targets.ts';

const kind = (t: string) => classifyTarget(t).kind;

test('targets that run code, import, touch files or load other models are dangerous', () => {
  for (const t of [
    'os.system',
    'posix.system',
    'subprocess.Popen',
    'builtins.eval',
    'builtins.exec',
    'builtins.__import__',
    'importlib.import_module',
    'torch.load',
    'torch.hub.load',
    'numpy.load',
    'shutil.rmtree',
    'socket.create_connection',
    'webbrowser.open',
    'antigravity.geohash',
    'hydra.utils.instantiate',
  ]) {
    assert.equal(kind(t), 'dangerous', t);
  }
});

test('an attribute chain through a gadget module is dangerous (_locate follows attributes)', () => {
  assert.equal(kind('os.path.os.system'), 'dangerous');
  assert.equal(kind('torch.serialization.os.getcwd'), 'dangerous');
  assert.equal(kind('nemo.collections.asr.models.subprocess.run'), 'dangerous');
});

test('model loaders inside allowlisted namespaces are dangerous, not allowed', () => {
  assert.equal(kind('nemo.collections.asr.models.EncDecCTCModel.restore_from'), 'dangerous');
  assert.equal(kind('nemo.collections.asr.models.EncDecCTCModel.from_pretrained'), 'dangerous');
  assert.equal(kind('pytorch_lightning.callbacks.ModelCheckpoint.load_from_checkpoint'), 'dangerous');
});

test('allowlisted classes: NeMo collections, torch.nn layers, torch optimizers and schedulers, Lightning callbacks', () => {
  for (const t of [
    'nemo.collections.asr.modules.ConformerEncoder',
    'nemo.core.optim.lr_scheduler.CosineAnnealing',
    'torch.nn.ReLU',
    'torch.nn.modules.linear.Linear',
    'torch.optim.AdamW',
    'torch.optim.lr_scheduler.StepLR',
    'pytorch_lightning.callbacks.EarlyStopping',
    'lightning.pytorch.callbacks.LearningRateMonitor',
  ]) {
    assert.equal(kind(t), 'allowed', t);
  }
});

test('anything else is unknown: user code, unlisted torch names, Lightning loggers', () => {
  for (const t of [
    'my_project.models.Head',
    'torch.nn.NotALayer',
    'torch.nn.utils.clip_grad_norm_',
    'torch.optim.Custom',
    'pytorch_lightning.loggers.WandbLogger',
    'nemo.utils.exp_manager.exp_manager',
  ]) {
    assert.equal(kind(t), 'unknown', t);
  }
});

test('paths _locate refuses before importing', () => {
  for (const bad of ['', '.os.system', 'os..system', 'os.system.', 'os system'])
    assert.equal(isDottedPath(bad), false, bad);
  assert.equal(isDottedPath('nemo.collections.asr.modules.ConformerEncoder'), true);
});
