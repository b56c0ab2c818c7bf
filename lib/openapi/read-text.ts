import { CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, parseDocument, YAMLParseError, type Node as YamlNode } from "yaml";
import { formatBytes, PARSE_LIMITS } from "./limits.ts";

/**
 * Turns a description's text (JSON or YAML) into a value, refusing, with the line it happens on,
 * a text that would cost far more than its size: nesting deeper than PARSE_LIMITS.nestingDepth
 * (checked on the tokens, before any recursive parser sees it) or YAML aliases that unfold into
 * more than PARSE_LIMITS.expandedNodes nodes or PARSE_LIMITS.expandedBytes bytes (measured on the
 * syntax tree, before anything is copied).
 */

export type Problem = { location: string; message: string };
export type TextResult = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

const tooDeep = `nests objects and arrays more than ${PARSE_LIMITS.nestingDepth} levels deep`;

function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf("\n"); index !== -1 && index < offset; index = text.indexOf("\n", index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/** The offset where JSON brackets first nest too deeply (strings skipped), or -1. */
function jsonTooDeepAt(text: string): number {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x22 /* " */) {
      for (index++; index < text.length && text.charCodeAt(index) !== 0x22; index++) if (text.charCodeAt(index) === 0x5c /* \ */) index++;
    } else if (char === 0x7b || char === 0x5b /* { [ */) {
      if (++depth > PARSE_LIMITS.nestingDepth) return index;
    } else if (char === 0x7d || char === 0x5d /* } ] */) {
      depth--;
    }
  }
  return -1;
}

// Tokens the YAML lexer emits that are markers, not source text.
const MARKERS = new Set(["\u0001", "\u0002", "\u0018", "\u001f"]);

/** The offset where YAML flow collections (`[`, `{`) first nest too deeply, or -1. */
function yamlFlowTooDeepAt(text: string): number {
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (MARKERS.has(token)) continue;
    const type = CST.tokenType(token);
    if ((type === "flow-map-start" || type === "flow-seq-start") && ++depth > PARSE_LIMITS.nestingDepth) return offset;
    if (type === "flow-map-end" || type === "flow-seq-end") depth--;
    offset += token.length;
  }
  return -1;
}

/** A node as it will be once aliases are followed: nodes, height, and the bytes its aliases add to its text. */
type Measure = { size: number; height: number; aliasBytes: number };
class Refusal extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.message);
    this.problem = problem;
  }
}

/**
 * UTF-8 byte offsets of character offsets in `text`, for offsets asked in (mostly) ascending order,
 * which is how a walk of the syntax tree meets nodes' starts and ends: linear in the text overall.
 */
function byteOffsets(text: string): (offset: number) => number {
  let chars = 0;
  let bytes = 0;
  return (offset) => {
    if (offset >= chars) bytes += Buffer.byteLength(text.slice(chars, offset));
    else bytes -= Buffer.byteLength(text.slice(offset, chars));
    chars = offset;
    return bytes;
  };
}

type AnchorUse = { node: YamlNode; uses: number; unfoldedBytes: number };
type Expansion = { size: number; bytes: number; anchors: Map<YamlNode, AnchorUse> };

/**
 * Measures a YAML syntax tree as it will be once aliases are followed: its node count, height and
 * size in bytes (the text's own bytes plus, for each alias, the bytes of the node it names with
 * that node's own aliases unfolded). Each anchored node is measured once (memoised), so an alias
 * bomb costs the size of its text to measure, however far it unfolds.
 */
function measureYaml(text: string, root: YamlNode, lines: LineCounter): Expansion {
  const anchors = new Map<string, YamlNode>();
  const memo = new Map<YamlNode, Measure>();
  const inProgress = new Set<YamlNode>();
  const used = new Map<YamlNode, AnchorUse>();
  const byteAt = byteOffsets(text);
  const at = (node: YamlNode) => {
    const position = lines.linePos(node.range?.[0] ?? 0);
    return `line ${position.line}, column ${position.col}`;
  };

  function measure(node: unknown, depth: number): Measure {
    if (!node || typeof node !== "object") return { size: 1, height: 0, aliasBytes: 0 };
    const yamlNode = node as YamlNode;
    if (depth > PARSE_LIMITS.nestingDepth) throw new Refusal({ location: at(yamlNode), message: `The description ${tooDeep}.` });
    if (isAlias(yamlNode)) {
      const target = anchors.get(yamlNode.source);
      if (!target) return { size: 1, height: 0, aliasBytes: 0 };
      if (inProgress.has(target)) throw new Refusal({ location: at(yamlNode), message: `The alias *${yamlNode.source} refers to a node that contains it.` });
      const known = memo.get(target) ?? measure(target, depth);
      if (depth + known.height > PARSE_LIMITS.nestingDepth)
        throw new Refusal({ location: at(yamlNode), message: `The description ${tooDeep} once the alias *${yamlNode.source} is followed.` });
      const use = used.get(target)!;
      use.uses++;
      return { size: known.size, height: known.height, aliasBytes: use.unfoldedBytes };
    }
    // Only anchored nodes can be reached twice, so only they are remembered.
    const anchored = Boolean(yamlNode.anchor);
    let startByte = 0;
    if (anchored) {
      anchors.set(yamlNode.anchor!, yamlNode);
      const known = memo.get(yamlNode);
      if (known) return known;
      inProgress.add(yamlNode);
      startByte = byteAt(yamlNode.range?.[0] ?? 0);
    }
    let size = 1;
    let height = 0;
    let aliasBytes = 0;
    const children: unknown[] = isMap(yamlNode) || isSeq(yamlNode) ? yamlNode.items.flatMap((item) => (isPair(item) ? [item.key, item.value] : [item])) : [];
    for (const child of children) {
      const measured = isScalar(child) && !child.anchor ? { size: 1, height: 0, aliasBytes: 0 } : measure(child, depth + 1);
      size += measured.size;
      height = Math.max(height, measured.height + 1);
      aliasBytes += measured.aliasBytes;
    }
    const result = { size, height, aliasBytes };
    if (anchored) {
      inProgress.delete(yamlNode);
      memo.set(yamlNode, result);
      const ownBytes = byteAt(yamlNode.range?.[1] ?? 0) - startByte;
      used.set(yamlNode, { node: yamlNode, uses: 0, unfoldedBytes: ownBytes + aliasBytes });
    }
    return result;
  }

  const measured = measure(root, 0);
  return { size: measured.size, bytes: Buffer.byteLength(text) + measured.aliasBytes, anchors: used };
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 4) return "more than 1 TB";
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : formatBytes(bytes);
}

/** Names the anchor whose aliases cost the most: by the nodes they add if there are too many, else by the bytes. */
function explainExpansion({ size, bytes, anchors }: Expansion, lines: LineCounter): Problem {
  const byBytes = size <= PARSE_LIMITS.expandedNodes;
  const cost = (use: AnchorUse) => (byBytes ? use.uses * use.unfoldedBytes : use.uses);
  let worst: AnchorUse | undefined;
  for (const use of anchors.values()) if (use.uses && (!worst || cost(use) > cost(worst))) worst = use;
  const total = byBytes ? formatSize(bytes) : `${Math.round(size).toLocaleString("en")} nodes`;
  const limit = byBytes ? formatBytes(PARSE_LIMITS.expandedBytes) : PARSE_LIMITS.expandedNodes.toLocaleString("en");
  if (!worst) return { location: "", message: `The description unfolds into ${total}; the limit is ${limit}.` };
  const position = lines.linePos(worst.node.range?.[0] ?? 0);
  const anchor = byBytes ? `&${worst.node.anchor} (${formatSize(worst.unfoldedBytes)} once unfolded)` : `&${worst.node.anchor}`;
  return {
    location: `line ${position.line}, column ${position.col}`,
    message: `The node anchored ${anchor} is aliased ${worst.uses} times, which unfolds the description into ${total}; the limit is ${limit}.`,
  };
}

function readYaml(text: string): TextResult {
  const deepAt = yamlFlowTooDeepAt(text);
  if (deepAt !== -1) return { ok: false, problems: [{ location: lineColumn(text, deepAt), message: `The description ${tooDeep}.` }] };
  const lines = new LineCounter();
  // Duplicate keys are not checked: the check is quadratic in a mapping's size (the last value wins, as in JSON).
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  const error = document.errors[0];
  if (error) {
    const position = error.linePos?.[0];
    return {
      ok: false,
      problems: [{ location: position ? `line ${position.line}, column ${position.col}` : "", message: `Not valid YAML: ${error.message.split("\n")[0]}` }],
    };
  }
  try {
    const expansion = measureYaml(text, document.contents as YamlNode, lines);
    if (expansion.size > PARSE_LIMITS.expandedNodes || expansion.bytes > PARSE_LIMITS.expandedBytes)
      return { ok: false, problems: [explainExpansion(expansion, lines)] };
  } catch (refusal) {
    if (refusal instanceof Refusal) return { ok: false, problems: [refusal.problem] };
    throw refusal;
  }
  // Aliases are bounded by what they unfold into (measured above), not by how many there are.
  return { ok: true, value: document.toJS({ maxAliasCount: -1 }) };
}

function readJson(text: string): TextResult {
  const deepAt = jsonTooDeepAt(text);
  if (deepAt !== -1) return { ok: false, problems: [{ location: lineColumn(text, deepAt), message: `The description ${tooDeep}.` }] };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problems: [{ location: "", message: `Not valid JSON: ${(error as Error).message}` }] };
  }
}

export function readDescriptionText(text: string): TextResult {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, problems: [{ location: "", message: "The description is empty." }] };
  try {
    return trimmed.startsWith("{") ? readJson(trimmed) : readYaml(trimmed);
  } catch (error) {
    if (error instanceof YAMLParseError) return { ok: false, problems: [{ location: "", message: `Not valid YAML: ${error.message.split("\n")[0]}` }] };
    throw error;
  }
}
