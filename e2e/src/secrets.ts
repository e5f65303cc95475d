/**
 * Reading the stack's generated secrets from a test. The files belong to the containers' users
 * (root, mosquitto, uid 1000) with modes 0400/0600, so the test process (not root on a CI runner)
 * cannot read them itself: a root container with the secrets mounted prints them all at once.
 */

/** Prints every file under $1 as `relative/path<TAB>hex bytes`, one a line (POSIX sh, od). */
export const DUMP_SCRIPT =
  'cd "$1" && find . -type f | sort | while IFS= read -r f; do ' +
  `printf '%s\\t' "\${f#./}"; od -An -v -tx1 "$f" | tr -d ' \\n'; printf '\\n'; done`;

/** Path (relative to the secrets root) → content, from DUMP_SCRIPT's output. */
export function parseDump(output: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const line of output.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    files.set(line.slice(0, tab), Buffer.from(line.slice(tab + 1).trim(), 'hex').toString('utf8'));
  }
  return files;
}

/** The secrets volume's layout, as mosquitto/bootstrap/init-secrets.sh writes it. */
export const secretPaths = {
  clientPassword: (client: string) => `clients/${client}/mqtt.password`,
  clientApiKey: (client: string) => `clients/${client}/api.key`,
  servicePassword: (service: string) => `services/${service}/mqtt.password`,
  serviceDir: (service: string) => `services/${service}`,
};

/**
 * Values that only their owner may hold: MQTT passwords, plaintext API keys, share groups, the
 * CA's private key, the broker's TLS key. Public material (certificates, digests, URLs) is not a
 * secret and the password hashes of `broker/passwd` are only useful to the broker.
 */
export function plaintextSecrets(files: Map<string, string>) {
  return [...files]
    .filter(([path]) => /(mqtt\.password|api\.key|share-group|healthcheck\.password|\.key)$/.test(path))
    .map(([path, value]) => ({ path, value: searchable(value) }))
    .filter((s) => s.value.length >= 16);
}

/** A PEM private key is looked for by its first line of base64 (its header is in every key). */
function searchable(value: string) {
  const text = value.trim();
  if (!text.startsWith('-----BEGIN')) return text;
  return (
    text
      .split('\n')
      .find((line) => !line.startsWith('-----'))
      ?.trim() ?? text
  );
}
