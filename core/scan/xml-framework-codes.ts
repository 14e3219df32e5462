import { catalogFinding, type FormatCatalog, type FormatCodeInfo } from './format-catalog.ts';
import type { ScanFinding } from './types.ts';

/**
 * Finding codes MG-SCAN-440 … 479 (core/scan/README.md): XML documents (entities, DTDs, XInclude), PMML,
 * OpenVINO IR and PaddlePaddle programs. Codes are stable: never renumber or reuse one. `verdict` is what the
 * finding alone makes of the file.
 */
const OWASP_XXE = 'https://owasp.org/www-community/vulnerabilities/XML_External_Entity_(XXE)_Processing';
const CWE_776 = 'https://cwe.mitre.org/data/definitions/776.html';
const XINCLUDE = 'https://www.w3.org/TR/xinclude/';
const PMML_EXTENSION = 'https://dmg.org/pmml/v4-4-1/GeneralStructure.html';
const PMML_FUNCTIONS = 'https://dmg.org/pmml/v4-4-1/BuiltinFunctions.html';
const OV_OPSETS = 'https://docs.openvino.ai/2024/documentation/openvino-ir-format/operation-sets.html';
const OV_IR = 'https://docs.openvino.ai/2024/documentation/openvino-ir-format.html';
const PADDLE_PROTO = 'https://github.com/PaddlePaddle/Paddle/blob/develop/paddle/fluid/framework/framework.proto';
const PADDLE_SAVE_COMBINE =
  'https://github.com/PaddlePaddle/Paddle/blob/develop/paddle/fluid/operators/save_combine_op.cc';
const PADDLE_LOD_TENSOR = 'https://github.com/PaddlePaddle/Paddle/blob/develop/paddle/fluid/framework/lod_tensor.cc';
const PADDLE_PY_FUNC = 'https://www.paddlepaddle.org.cn/documentation/docs/en/api/paddle/static/py_func_en.html';

export const XML_FRAMEWORK_CODES = {
  xmlMalformed: {
    code: 'MG-SCAN-440',
    severity: 'high',
    verdict: 'invalid',
    title: 'The XML document is not well-formed',
    explanation:
      'A conforming XML parser stops at the first well-formedness error (XML 1.0 §1.2, "fatal error"); lenient parsers recover in different ways, so tools disagree about what the file holds.',
    reference: 'https://www.w3.org/TR/xml/#dt-fatal',
  },
  xmlExternalReference: {
    code: 'MG-SCAN-441',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model would read a local file or fetch a URL when loaded',
    explanation:
      'The DOCTYPE names an external DTD or external entity (SYSTEM/PUBLIC). A loader that resolves entities (Java XML parsers by default, lxml with resolve_entities=True, libxml2 with NOENT) reads the named file or URL into the document: XML External Entity injection, CWE-611.',
    reference: OWASP_XXE,
  },
  xmlEntityExpansion: {
    code: 'MG-SCAN-442',
    severity: 'critical',
    verdict: 'malicious',
    title: 'The document defines entities that expand into other entities',
    explanation:
      'Entities that reference other entities (or parameter entities) grow exponentially when expanded ("billion laughs", CVE-2003-1564, CWE-776): a loader that expands them exhausts memory. No model exporter writes entity declarations.',
    reference: CWE_776,
  },
  xmlDoctype: {
    code: 'MG-SCAN-443',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'The document carries a DOCTYPE declaration',
    explanation:
      'Model exporters do not write DOCTYPEs; a DOCTYPE (here without external references or nested entities) changes how parsers read the document and is the carrier of XXE and entity-expansion attacks.',
    reference: OWASP_XXE,
  },
  xmlOverLimit: {
    code: 'MG-SCAN-444',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The XML document is larger or deeper than the scan follows',
    explanation:
      'The check stops at fixed limits (size, nesting depth, element and attribute counts, attribute length); what lies past them was not checked.',
  },
  xmlEncoding: {
    code: 'MG-SCAN-445',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The XML document is not in UTF-8',
    explanation:
      'The check reads UTF-8 (or ASCII) only; a loader honouring another declared encoding would read different characters than the ones checked.',
    reference: 'https://www.w3.org/TR/xml/#charencoding',
  },
  xmlInclude: {
    code: 'MG-SCAN-446',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model would include a local file or a URL when loaded',
    explanation:
      'An XInclude element pulls another file or URL into the document when a loader processes XIncludes (lxml xinclude(), Java setXIncludeAware): a file read or network fetch at load time.',
    reference: XINCLUDE,
  },
  xmlInventory: {
    code: 'MG-SCAN-447',
    severity: 'info',
    verdict: 'benign',
    title: 'XML document read in full',
    explanation: 'The document is well-formed UTF-8 XML without a DOCTYPE, read to the end within the limits.',
  },
  pmmlExtension: {
    code: 'MG-SCAN-450',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'The PMML document carries vendor Extension content',
    explanation:
      'PMML Extension elements hold vendor content that the standard does not define and some scoring engines interpret; the check cannot tell what an engine does with it.',
    reference: PMML_EXTENSION,
  },
  pmmlUnknownFunction: {
    code: 'MG-SCAN-451',
    severity: 'high',
    verdict: 'suspicious',
    title: 'The PMML document calls a function that is neither built in nor defined in the file',
    explanation:
      "An Apply element names a function outside the PMML built-in functions and the document's DefineFunctions: engines resolve such names to host code (JPMML-Evaluator loads a Java class of that name), so the model runs code that is not in the file.",
    reference: PMML_FUNCTIONS,
  },
  pmmlVersion: {
    code: 'MG-SCAN-452',
    severity: 'low',
    verdict: 'unverified',
    title: 'The PMML version is not one the check knows',
    explanation:
      'Only PMML 3.0 to 4.4 (dmg.org schemas) are checked; other versions may have elements the check does not know.',
    reference: 'https://dmg.org/pmml/pmml-v4-4-1.html',
  },
  pmmlInventory: {
    code: 'MG-SCAN-453',
    severity: 'info',
    verdict: 'benign',
    title: 'PMML model inventory',
    explanation: 'The PMML version and the model elements the document holds.',
  },
  openvinoExtensionOp: {
    code: 'MG-SCAN-460',
    severity: 'high',
    verdict: 'suspicious',
    title: 'The OpenVINO model uses operations outside the standard opsets',
    explanation:
      'A layer whose version is not a standard opset (opset1 … opset16) is only loadable with an extension library (a native .so/.dll) registered by the host: code outside the model that the check cannot see.',
    reference: 'https://docs.openvino.ai/2024/documentation/openvino-extensibility.html',
  },
  openvinoBadConst: {
    code: 'MG-SCAN-461',
    severity: 'high',
    verdict: 'invalid',
    title: 'A constant of the OpenVINO model points at an impossible range of the weights file',
    explanation:
      'Const layers locate their data in the .bin file by offset and size; a size that disagrees with the shape and element type, or a value that is not a non-negative integer, reads the wrong bytes or out of bounds.',
    reference: OV_IR,
  },
  openvinoVersion: {
    code: 'MG-SCAN-462',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The OpenVINO IR version is not one the check knows',
    explanation: 'Only IR versions 10 and 11 (OpenVINO 2020.1 and later) are checked.',
    reference: OV_IR,
  },
  openvinoUncheckedConst: {
    code: 'MG-SCAN-463',
    severity: 'low',
    verdict: 'unverified',
    title: 'The size of an OpenVINO constant could not be checked',
    explanation:
      'The element type has no fixed size the check knows (string, dynamic), so its byte range in the .bin file could not be confirmed.',
    reference: OV_OPSETS,
  },
  openvinoStructure: {
    code: 'MG-SCAN-464',
    severity: 'high',
    verdict: 'invalid',
    title: 'The OpenVINO model is missing required structure',
    explanation:
      'An IR `net` holds `layers` (each with id, type and version) and `edges`; without them the runtime refuses the model.',
    reference: OV_IR,
  },
  openvinoInventory: {
    code: 'MG-SCAN-465',
    severity: 'info',
    verdict: 'benign',
    title: 'OpenVINO model inventory',
    explanation: 'IR version, layer count, opsets in use and the weights file the model reads.',
    reference: OV_OPSETS,
  },
  paddleMalformed: {
    code: 'MG-SCAN-470',
    severity: 'high',
    verdict: 'invalid',
    title: 'The PaddlePaddle program is malformed',
    explanation: 'The ProgramDesc protobuf could not be read as framework.proto defines it.',
    reference: PADDLE_PROTO,
  },
  paddleFileOp: {
    code: 'MG-SCAN-471',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model would read or write files when run',
    explanation:
      'The program holds save/load operators whose `file_path` attribute names a file: running the program writes or reads that path. Inference programs do not contain them (the loader builds its own loading program).',
    reference: PADDLE_SAVE_COMBINE,
  },
  paddlePythonOp: {
    code: 'MG-SCAN-472',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model would run Python code when run',
    explanation:
      'The py_func operator calls a Python function from the running process when the program executes; an exported program has no reason to carry it.',
    reference: PADDLE_PY_FUNC,
  },
  paddleNetworkOp: {
    code: 'MG-SCAN-473',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model would open network connections when run',
    explanation:
      'Distributed-training operators (send, recv, listen_and_serv, …) connect to or listen on network endpoints named in the program.',
    reference: PADDLE_PROTO,
  },
  paddleUnknownOp: {
    code: 'MG-SCAN-474',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The PaddlePaddle program uses operators the check does not know',
    explanation:
      'Only operators on the list of known computation operators are vouched for; others may be custom operators loaded from a native library, or built-ins the list lacks.',
    reference: PADDLE_PROTO,
  },
  paddleOverLimit: {
    code: 'MG-SCAN-475',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The PaddlePaddle program is larger than the scan follows',
    explanation:
      'The check stops at fixed limits (blocks, variables, operators, attributes); what lies past them was not checked.',
  },
  paddleInventory: {
    code: 'MG-SCAN-476',
    severity: 'info',
    verdict: 'benign',
    title: 'PaddlePaddle program inventory',
    explanation: 'Blocks, variables and operator types of the program.',
    reference: PADDLE_PROTO,
  },
  paddleParamsMalformed: {
    code: 'MG-SCAN-477',
    severity: 'high',
    verdict: 'invalid',
    title: 'The PaddlePaddle parameter file is malformed',
    explanation:
      'A combined parameter file (.pdiparams) is a stream of tensors, each with a version, LoD levels, a TensorDesc and its data; this one breaks that layout or ends inside a tensor.',
    reference: PADDLE_LOD_TENSOR,
  },
  paddleParamsInventory: {
    code: 'MG-SCAN-478',
    severity: 'info',
    verdict: 'benign',
    title: 'PaddlePaddle parameter file read in full',
    explanation: 'Every byte of the file belongs to a tensor of a known data type; the loader only copies tensor data.',
    reference: PADDLE_LOD_TENSOR,
  },
  paddleParamsOverLimit: {
    code: 'MG-SCAN-479',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The PaddlePaddle parameter file holds more tensors than the scan follows',
    explanation: 'The check stops at a fixed number of tensors; what lies past it was not checked.',
  },
} as const satisfies Record<string, FormatCodeInfo>;

export type XmlFrameworkCode = keyof typeof XML_FRAMEWORK_CODES;

export const XML_FRAMEWORK_CATALOG: FormatCatalog = XML_FRAMEWORK_CODES;

export function xmlFinding(
  key: XmlFrameworkCode,
  detail: string,
  extra: Pick<ScanFinding, 'member' | 'offset' | 'evidence'> = {},
): ScanFinding {
  return catalogFinding(XML_FRAMEWORK_CODES, key, detail, extra);
}
