// AWS Query protocol responses: XML in SNS's namespace, `<ActionResponse><ActionResult>…` plus
// ResponseMetadata, and `<ErrorResponse>` for errors — the shapes @aws-sdk/client-sns parses.
export const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

export type XmlValue = string | number | boolean | Date | null | undefined | XmlNode | XmlValue[];
export interface XmlNode {
  [element: string]: XmlValue;
}

export function escapeXml(s: string) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Arrays become `<member>` items (the Query protocol's list encoding). */
export function toXml(node: XmlNode): string {
  return Object.entries(node)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([name, value]) => `<${name}>${valueXml(value)}</${name}>`)
    .join('');
}

function valueXml(value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${valueXml(item)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return toXml(value);
  return escapeXml(String(value));
}

/** `entries` of a map: `<entry><key>…</key><value>…</value></entry>`. */
export function mapXml(entries: Iterable<[string, string]>): string {
  return [...entries].map(([k, v]) => `<entry><key>${escapeXml(k)}</key><value>${escapeXml(v)}</value></entry>`).join('');
}

export function responseXml(action: string, requestId: string, resultInnerXml: string | null) {
  const result = resultInnerXml === null ? '' : `<${action}Result>${resultInnerXml}</${action}Result>`;
  return `<${action}Response xmlns="${SNS_NAMESPACE}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function errorXml(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string) {
  return `<ErrorResponse xmlns="${SNS_NAMESPACE}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
