import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySource } from '../io/byte-source.ts';
import { DEFAULT_XML_LIMITS, readXml } from '../formats/xml.ts';
import { looksLikeXml, scanXml } from './scan-xml.ts';
import { leafScanContext } from './fake-scan-context.ts';

const ctx = leafScanContext();
const bytes = (text: string) => new TextEncoder().encode(text);
const scan = (text: string | Uint8Array, name = 'doc.xml') =>
  scanXml(memorySource(name, typeof text === 'string' ? bytes(text) : text), ctx);
const sniff = (text: string) => {
  const b = bytes(text);
  return looksLikeXml(b.subarray(0, 4096), memorySource('f', b));
};
const codes = (o: { findings: { code: string }[] }) => o.findings.map((f) => f.code);

test('the sniffer claims declared XML, DOCTYPEs and well-formed markup, not markdown or Jinja', async () => {
  assert.equal(await sniff('\uFEFF  <?xml version="1.0"?><a/>'), true);
  assert.equal(await sniff('<!DOCTYPE a SYSTEM "x.dtd"><a/>'), true);
  assert.equal(await sniff('<!-- exported --><!DOCTYPE a [<!ENTITY x "y">]><a/>'), true);
  assert.equal(await sniff('<labels><label>cat</label></labels>\n'), true);
  assert.equal(await sniff('<PMML version="4.4"><Header></PMML>'), true, 'a broken model root is still claimed');
  assert.equal(await sniff('<p align="center"><img src="x.png"/></p>\n\n# Model card\n'), false);
  assert.equal(await sniff("<s>{% for m in messages %}{{ m['content'] }}</s>{% endfor %}"), false);
  assert.equal(await sniff('<|im_start|>system\n'), false);
  assert.equal(await sniff('{"model_type": "bert"}'), false);
  assert.equal(await sniff('<?xmlfoo?>'), false);
});

test('plain well-formed XML without a DOCTYPE is benign', async () => {
  const out = await scan('<?xml version="1.0" encoding="UTF-8"?><labels><label id="0">cat</label></labels>');
  assert.equal(out.verdict, 'benign', out.reason);
  assert.equal(out.format, 'xml');
  assert.deepEqual(codes(out), ['MG-SCAN-447']);
});

test('an external entity or external DTD is malicious (XXE)', async () => {
  for (const doctype of [
    '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE a SYSTEM "http://example.invalid/a.dtd">',
    '<!DOCTYPE a PUBLIC "-//X//DTD X//EN" "http://example.invalid/a.dtd">',
  ]) {
    const out = await scan(`<?xml version="1.0"?>${doctype}<a/>`);
    assert.equal(out.verdict, 'malicious', doctype);
    assert.ok(codes(out).includes('MG-SCAN-441'));
  }
  const out = await scan('<!DOCTYPE a [<!ENTITY x SYSTEM "secret.txt">]><a>&x;</a>');
  assert.match(out.reason ?? '', /secret\.txt/);
});

test('nested or parameter entities are malicious (entity expansion), a plain internal entity is suspicious', async () => {
  const laughs = '<!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;">]><a>&l2;</a>';
  assert.equal((await scan(laughs)).verdict, 'malicious');
  assert.ok(codes(await scan(laughs)).includes('MG-SCAN-442'));
  assert.equal((await scan('<!DOCTYPE a [<!ENTITY % p "x">]><a/>')).verdict, 'malicious');
  const plain = await scan(`<!DOCTYPE a [<!ENTITY x "SYSTEM"><!ENTITY y 'PUBLIC'>]><a>&x;</a>`);
  assert.equal(plain.verdict, 'suspicious', 'keywords inside a literal are not external references');
  assert.deepEqual(codes(plain), ['MG-SCAN-443', 'MG-SCAN-444']);
  assert.equal((await scan('<!DOCTYPE a><a/>')).verdict, 'suspicious');
});

test('XInclude is malicious; the namespace alone is not', async () => {
  const ns = 'xmlns:xi="http://www.w3.org/2001/XInclude"';
  const out = await scan(`<a ${ns}><xi:include href="/etc/passwd" parse="text"/></a>`);
  assert.equal(out.verdict, 'malicious');
  assert.match(out.reason ?? '', /\/etc\/passwd/);
  assert.equal((await scan(`<a xmlns="http://www.w3.org/2001/XInclude"><include href="x"/></a>`)).verdict, 'malicious');
  assert.equal((await scan(`<a ${ns}><include href="x"/></a>`)).verdict, 'benign');
});

test('broken XML is invalid, foreign encodings and limits are unverified', async () => {
  assert.equal((await scan('<?xml version="1.0"?><a><b></a>')).verdict, 'invalid');
  assert.equal((await scan('<?xml version="1.0"?>')).verdict, 'invalid');
  assert.equal(
    (await scan(new Uint8Array([...bytes('<?xml version="1.0"?><a>'), 0xe9, ...bytes('</a>')]))).verdict,
    'invalid',
  );
  const latin = new Uint8Array([...bytes('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), 0xe9, ...bytes('</a>')]);
  assert.equal((await scan(latin)).verdict, 'unverified');
  assert.equal((await scan('<?xml version="1.0" encoding="UTF-16"?><a/>')).verdict, 'unverified');
  const deep = `<?xml version="1.0"?>${'<a>'.repeat(300)}${'</a>'.repeat(300)}`;
  const out = await scan(deep);
  assert.equal(out.verdict, 'unverified');
  assert.ok(codes(out).includes('MG-SCAN-444'));
});

test('the reader counts depth right across self-closing tags and stops at its limits', async () => {
  const seen: [string, number][] = [];
  await readXml(memorySource('x', bytes('<r><a/><b><c/></b></r>')), (el) => seen.push([el.name, el.depth]));
  assert.deepEqual(seen, [
    ['r', 1],
    ['a', 2],
    ['b', 2],
    ['c', 3],
  ]);
  const limits = { ...DEFAULT_XML_LIMITS, maxElements: 3, maxAttributeLength: 8, maxBytes: 64 };
  const many = await readXml(memorySource('x', bytes('<r><a/><a/><a/></r>')), () => undefined, limits);
  assert.match(many.overLimit ?? '', /elements/);
  const long = await readXml(memorySource('x', bytes('<r a="0123456789"/>')), () => undefined, limits);
  assert.match(long.overLimit ?? '', /attribute/);
  const big = await readXml(memorySource('x', bytes(`<r>${' '.repeat(100)}</r>`), 16), () => undefined, limits);
  assert.match(big.overLimit ?? '', /bytes/);
});

const pmml = (body: string, version = '4.4') =>
  `<?xml version="1.0"?><PMML xmlns="http://www.dmg.org/PMML-4_4" version="${version}"><Header/>` +
  `<DataDictionary/>${body}</PMML>`;
const tree = '<TreeModel functionName="classification"><Node score="a"><True/></Node></TreeModel>';

test('PMML: an ordinary model is benign with an inventory', async () => {
  const out = await scan(pmml(tree), 'model.pmml');
  assert.equal(out.format, 'pmml');
  assert.equal(out.verdict, 'benign', out.reason);
  assert.deepEqual(out.findings[0]?.evidence?.models, ['TreeModel']);
});

test('PMML: Extension content is suspicious and says what it holds', async () => {
  const out = await scan(pmml(`<Extension name="x"><Script>run()</Script></Extension>${tree}`));
  assert.equal(out.verdict, 'suspicious');
  assert.match(out.reason ?? '', /'x' in PMML holding <Script>/);
});

test('PMML: a function neither built in nor defined is suspicious; built-in and defined ones are not', async () => {
  const apply = (fn: string) =>
    `<TransformationDictionary><DefineFunction name="half"><ParameterField name="v"/>` +
    `<Apply function="/"><FieldRef field="v"/><Constant>2</Constant></Apply></DefineFunction>` +
    `<DerivedField name="d"><Apply function="${fn}"><FieldRef field="x"/></Apply></DerivedField>` +
    `</TransformationDictionary>${tree}`;
  assert.equal((await scan(pmml(apply('half')))).verdict, 'benign');
  assert.equal((await scan(pmml(apply('ln')))).verdict, 'benign');
  const out = await scan(pmml(apply('com.example.Exec')));
  assert.equal(out.verdict, 'suspicious');
  assert.match(out.reason ?? '', /com\.example\.Exec/);
});

test('PMML: unknown versions are unverified; a DOCTYPE keeps its verdict', async () => {
  assert.equal((await scan(pmml(tree, '5.0'))).verdict, 'unverified');
  const xxe = pmml(tree).replace('<PMML', '<!DOCTYPE PMML [<!ENTITY e SYSTEM "file:///etc/passwd">]><PMML');
  assert.equal((await scan(xxe)).verdict, 'malicious');
});

const layer = (id: number, type: string, data = '', version = 'opset1') =>
  `<layer id="${id}" name="l${id}" type="${type}" version="${version}">${data}</layer>`;
const constData = (offset: number, size: number, shape = '2,3', type = 'f32') =>
  `<data element_type="${type}" shape="${shape}" offset="${offset}" size="${size}"/>`;
const ir = (layers: string, version = '11') =>
  `<?xml version="1.0"?><net name="m" version="${version}"><layers>${layers}</layers><edges/></net>`;

test('OpenVINO: a standard IR is benign and describes its .bin exactly', async () => {
  const out = await scan(
    ir(layer(0, 'Parameter') + layer(1, 'Const', constData(0, 24)) + layer(2, 'Const', constData(24, 8, '2', 'i32'))),
    'models/ov/model.xml',
  );
  assert.equal(out.format, 'openvino-ir');
  assert.equal(out.verdict, 'benign', out.reason);
  assert.deepEqual(out.describes, [
    { path: 'model.bin', bytes: 32, what: 'weights of 2 constants, laid out by model.xml' },
  ]);
  const shared = await scan(ir(layer(0, 'Const', constData(0, 24)) + layer(1, 'Const', constData(0, 24))));
  assert.equal(shared.describes?.[0]?.bytes, 24, 'constants sharing bytes (deduplicated by the serializer) count once');
  const lrn = await scan(ir(layer(0, 'LRN', '<data alpha="0.0001" beta="0.75" bias="1" size="5"/>')));
  assert.equal(lrn.verdict, 'benign', "an LRN layer's size attribute is not a weights range");
  const packed = await scan(ir(layer(0, 'Const', constData(0, 3, '5', 'u4'))));
  assert.equal(packed.verdict, 'benign', 'packed 4-bit constants take ceil(n/2) bytes');
});

test('OpenVINO: nothing to describe without constants, and never when the IR is not benign', async () => {
  assert.equal((await scan(ir(layer(0, 'Parameter')))).describes, undefined);
  const custom = await scan(ir(layer(0, 'Const', constData(0, 24)) + layer(1, 'MyOp', '', 'custom_opset')));
  assert.equal(custom.verdict, 'suspicious');
  assert.match(custom.reason ?? '', /MyOp@custom_opset/);
  assert.equal(custom.describes, undefined);
});

test('OpenVINO: inconsistent constants are invalid, unsized ones unverified', async () => {
  assert.equal((await scan(ir(layer(0, 'Const', constData(0, 4096))))).verdict, 'invalid');
  assert.equal((await scan(ir(layer(0, 'Const', constData(-1, 24))))).verdict, 'invalid');
  assert.equal((await scan(ir(layer(0, 'Const', constData(0, 24, '2,?'))))).verdict, 'invalid');
  const strings = await scan(ir(layer(0, 'Const', constData(0, 24, '2', 'string'))));
  assert.equal(strings.verdict, 'unverified');
  assert.equal(strings.describes, undefined);
});

test('OpenVINO: unknown IR versions are unverified, missing sections invalid', async () => {
  assert.equal((await scan(ir(layer(0, 'Parameter'), '7'))).verdict, 'unverified');
  const noEdges =
    '<?xml version="1.0"?><net name="m" version="11"><layers>' + layer(0, 'Parameter') + '</layers></net>';
  assert.equal((await scan(noEdges)).verdict, 'invalid');
  assert.equal((await scan(ir('<layer id="0" type="Parameter"/>'))).verdict, 'invalid');
});
