// Fresh client_id values for sends: 128 random bits, also where crypto.randomUUID is missing
// (pages served over plain HTTP).

export function newClientId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
