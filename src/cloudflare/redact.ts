/** Removes secrets from a string meant for logs, and bounds its length. */
export function redact(text: string, secrets: readonly string[], maxLength = 500): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  // Bearer tokens of any origin, in case one arrives in an upstream message.
  out = out.replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[redacted]');
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}
